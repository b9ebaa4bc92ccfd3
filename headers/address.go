package headers

import (
	"errors"
	"fmt"
	"strings"
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
	value = cutAtBareNewline(value)
	value = unfoldText(value)
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

// cutAtBareNewline returns s up to the first line break that is not
// followed by white space: the rest would be another header line.
func cutAtBareNewline(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] != '\n' && s[i] != '\r' {
			continue
		}
		j := i + 1
		if s[i] == '\r' && j < len(s) && s[j] == '\n' {
			j++
		}
		if j >= len(s) || (s[j] != ' ' && s[j] != '\t') {
			return s[:i]
		}
		i = j - 1
	}
	return s
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
		addr, comments = stripComments(item)
		phrase = ""
	} else {
		_, comments = stripComments(phrase)
		_, more := stripComments(after)
		comments = append(comments, more...)
		addr, _ = stripComments(addr)
		if rest, _ := stripComments(after); strings.TrimSpace(rest) != "" {
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

// stripComments removes comments from s and returns them.
func stripComments(s string) (string, []string) {
	if !strings.Contains(s, "(") {
		return s, nil
	}
	var b strings.Builder
	var comments []string
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			end := quotedEnd(s, i)
			b.WriteString(s[i:end])
			i = end - 1
		case c == '(':
			end, closed := commentEnd(s, i)
			inner := s[i+1 : end]
			if closed {
				inner = s[i+1 : end-1]
			}
			comments = append(comments, unescapeComment(inner))
			b.WriteByte(' ')
			i = end - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), comments
}

func unescapeComment(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
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
			end := quotedEnd(s, i)
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
	if t := strings.TrimSpace(s); len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' && closingQuote(t) == len(t)-1 {
		return DecodeWords(unquote(t[1 : len(t)-1]))
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
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
		case c == '(':
			i = skipComment(s, i) - 1
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
			if !isAtext(local[i]) && local[i] != '.' {
				return fmt.Sprintf("%q has the character %q in its local part, which must then be quoted", addr, local[i])
			}
		}
	}
	if !strings.HasPrefix(domain, "[") {
		for i := 0; i < len(domain); i++ {
			c := domain[i]
			if !(isAlnum(c) || c == '-' || c == '.' || c == '_' || c >= 0x80) {
				return fmt.Sprintf("%q has the character %q in its domain", addr, c)
			}
		}
	}
	return ""
}

// isAtext reports whether c is an RFC 5322 atext character; bytes above
// 0x7f are allowed for internationalised addresses (RFC 6532).
func isAtext(c byte) bool {
	if isAlnum(c) || c >= 0x80 {
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// closingQuote returns the offset of the quote that closes the quoted
// string opening at s[0], or -1.
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// quotedEnd returns the index just past the quoted string that starts at
// s[i] (a '"'), quoted pairs included; the end of s when it is not closed.
func quotedEnd(s string, i int) int {
	if end := closingQuote(s[i:]); end >= 0 {
		return i + end + 1
	}
	return len(s)
}

// unquote removes the backslashes of quoted pairs.
func unquote(s string) string {
	return unescapeComment(s)
}
