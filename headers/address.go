package headers

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mxray/mxray/headers/rfc5322"
)

// Address is one mailbox of an address list (RFC 5322 §3.4).
type Address struct {
	Name  string `json:"name,omitempty"`  // display name: encoded words decoded, quotes and comments removed
	Addr  string `json:"address"`         // the addr-spec, comments and folding removed, route dropped
	Group string `json:"group,omitempty"` // the group it is listed in, when it is
}

// Domain returns the domain of the address, lower-cased, without a
// trailing dot; "" when there is no "@".
func (a Address) Domain() string {
	at := strings.LastIndexByte(a.Addr, '@')
	if at < 0 {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(a.Addr[at+1:]), ".")
}

// ErrAddress is wrapped by the error ParseAddressList returns.
var ErrAddress = errors.New("ill-formed address")

// AddressError lists the mailboxes of an address list that are not
// well-formed.
type AddressError struct {
	Problems []string // one line per mailbox, in words
}

// Error says which mailboxes are ill-formed.
func (e *AddressError) Error() string {
	return fmt.Sprintf("%v: %s", ErrAddress, strings.Join(e.Problems, "; "))
}

// Unwrap returns ErrAddress.
func (e *AddressError) Unwrap() error { return ErrAddress }

// ParseAddressList reads an address list as From, To, Cc and Reply-To carry
// it: display names (quoted or not, with encoded words), angle addresses,
// bare addresses, comments anywhere, groups ("Friends: a@x, b@y;") and the
// obsolete route ("<@relay:a@b>", dropped). A line break not followed by
// white space ends the field. It is lenient: every mailbox it can make out
// is returned; the error, an *AddressError, lists those that are not
// well-formed (no "@", characters not allowed, an empty local part).
func ParseAddressList(value string) ([]Address, error) {
	value = rfc5322.CutAtFieldEnd(value)
	value = rfc5322.Unfold(value)
	var out []Address
	var problems []string
	group := ""
	inGroup := false
	emit := func(item string) {
		a, ok, problem := parseMailbox(item)
		if !ok {
			return
		}
		a.Group = group
		out = append(out, a)
		if problem != "" {
			problems = append(problems, problem)
		}
	}
	sc := addrScanner{s: value}
	start := 0
	for sc.i < len(value) {
		c, top := sc.next()
		if !top {
			continue
		}
		switch c {
		case ',':
			emit(value[start : sc.i-1])
			start = sc.i
		case ':':
			if !inGroup && !sc.sawAt(value[start:sc.i-1]) {
				group = phraseText(value[start : sc.i-1])
				inGroup = true
				start = sc.i
			}
		case ';':
			if inGroup {
				emit(value[start : sc.i-1])
				group, inGroup = "", false
				start = sc.i
			}
		}
	}
	emit(value[start:])
	if len(problems) > 0 {
		return out, &AddressError{Problems: problems}
	}
	return out, nil
}

// addrScanner walks an address list keeping track of quoted strings,
// comments, angle brackets and domain literals, so that only top-level
// separators are seen.
type addrScanner struct {
	s       string
	i       int
	quoted  bool
	comment int
	angle   bool
	literal bool
}

// next returns the next byte and whether it is at the top level.
func (sc *addrScanner) next() (byte, bool) {
	c := sc.s[sc.i]
	sc.i++
	switch {
	case sc.quoted:
		if c == '\\' && sc.i < len(sc.s) {
			sc.i++
		} else if c == '"' {
			sc.quoted = false
		}
		return c, false
	case sc.comment > 0:
		switch c {
		case '\\':
			if sc.i < len(sc.s) {
				sc.i++
			}
		case '(':
			sc.comment++
		case ')':
			sc.comment--
		}
		return c, false
	case sc.literal:
		if c == ']' {
			sc.literal = false
		}
		return c, false
	}
	switch c {
	case '"':
		sc.quoted = true
		return c, false
	case '(':
		sc.comment++
		return c, false
	case '[':
		sc.literal = true
		return c, false
	case '<':
		sc.angle = true
		return c, false
	case '>':
		sc.angle = false
		return c, false
	}
	return c, !sc.angle
}

// sawAt reports whether item has an "@" or "<" outside quotes and
// comments: then a ":" after it is not a group name's.
func (sc *addrScanner) sawAt(item string) bool {
	in := addrScanner{s: item}
	for in.i < len(item) {
		c, _ := in.next()
		if (c == '@' || c == '<') && !in.quoted && in.comment == 0 && !in.literal {
			return true
		}
	}
	return false
}

// parseMailbox reads one mailbox. ok is false when the item is empty.
func parseMailbox(item string) (a Address, ok bool, problem string) {
	if strings.TrimSpace(item) == "" {
		return a, false, ""
	}
	phrase, addr, after := splitAngle(item)
	var comments []string
	if addr == "" && phrase == item {
		// No angle brackets: the whole item is the address.
		addr, comments = rfc5322.StripComments(item)
		phrase = ""
	} else {
		_, comments = rfc5322.StripComments(phrase)
		_, more := rfc5322.StripComments(after)
		comments = append(comments, more...)
		addr, _ = rfc5322.StripComments(addr)
		if rest, _ := rfc5322.StripComments(after); strings.TrimSpace(rest) != "" {
			// "<a@b> Name": a display name written after the address.
			comments = append([]string{strings.TrimSpace(rest)}, comments...)
		}
	}
	a.Addr = compactAddr(addr)
	a.Name = phraseText(phrase)
	if a.Name == "" && len(comments) > 0 {
		a.Name = DecodeWords(strings.TrimSpace(comments[0]))
	}
	if a.Addr == "" {
		// Only a comment or a display name: not a mailbox.
		return a, false, ""
	}
	return a, true, addrProblem(a.Addr)
}

// splitAngle splits "phrase <addr> after". When there is no top-level
// "<", it returns item, "", "".
func splitAngle(item string) (phrase, addr, after string) {
	sc := addrScanner{s: item}
	for sc.i < len(item) {
		start := sc.i
		c, _ := sc.next()
		if c == '<' && !sc.quoted && sc.comment == 0 && !sc.literal && sc.angle {
			end := strings.IndexByte(item[start+1:], '>')
			if end < 0 {
				return item[:start], item[start+1:], ""
			}
			return item[:start], item[start+1 : start+1+end], item[start+2+end:]
		}
	}
	return item, "", ""
}

// compactAddr removes folding white space outside quoted strings from an
// addr-spec ("jdoe@test . example" becomes "jdoe@test.example") and drops
// an obsolete source route ("@relay:a@b" becomes "a@b").
func compactAddr(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			end, _ := rfc5322.QuotedEnd(s, i)
			b.WriteString(s[i:end])
			i = end - 1
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		default:
			b.WriteByte(c)
		}
	}
	out := b.String()
	if strings.HasPrefix(out, "@") {
		if k := strings.LastIndexByte(out, ':'); k >= 0 {
			out = out[k+1:]
		}
	}
	return out
}

// phraseText turns a display-name phrase into text: comments removed,
// quoted strings unquoted, runs of white space outside quotes made one
// space, encoded words decoded. A phrase that is one quoted string keeps
// its content exactly, spaces included.
func phraseText(s string) string {
	if t := strings.TrimSpace(s); len(t) >= 2 && t[0] == '"' && quotedWhole(t) {
		return DecodeWords(rfc5322.Unquote(t[1 : len(t)-1]))
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			text, end := rfc5322.QuotedString(s, i)
			b.WriteString(text)
			i = end - 1
		case c == '(':
			end, _ := rfc5322.CommentEnd(s, i)
			i = end - 1
			space = true
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			space = true
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteByte(c)
		}
	}
	return DecodeWords(strings.TrimSpace(b.String()))
}

// addrProblem says what is wrong with an addr-spec, or "" when it is
// well-formed enough to name a domain.
func addrProblem(addr string) string {
	if addr == "" {
		return ""
	}
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return fmt.Sprintf("%q has no @", addr)
	}
	local, domain := addr[:at], addr[at+1:]
	if local == "" {
		return fmt.Sprintf("%q has nothing before the @", addr)
	}
	if domain == "" {
		return fmt.Sprintf("%q has nothing after the @", addr)
	}
	if !(strings.HasPrefix(local, `"`) && strings.HasSuffix(local, `"`)) {
		for i := 0; i < len(local); i++ {
			if !rfc5322.IsAtext(local[i]) && local[i] != '.' {
				return fmt.Sprintf("%q has the character %q in its local part, which must then be quoted", addr, local[i])
			}
		}
	}
	if !strings.HasPrefix(domain, "[") {
		for i := 0; i < len(domain); i++ {
			c := domain[i]
			if !(rfc5322.IsAlnum(c) || c == '-' || c == '.' || c == '_' || c >= 0x80) {
				return fmt.Sprintf("%q has the character %q in its domain", addr, c)
			}
		}
	}
	return ""
}

// quotedWhole reports whether t, which starts with a quote, is one quoted
// string, closed by its last byte.
func quotedWhole(t string) bool {
	end, closed := rfc5322.QuotedEnd(t, 0)
	return closed && end == len(t)
}
