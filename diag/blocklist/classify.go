package blocklist

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/mxray/mxray/diag/dnsclient"
)

// Bounds on what a list's TXT records add to a result.
const (
	maxTXT      = 4   // records
	maxTXTBytes = 512 // bytes of one record
)

// verdict is what a set of A records says, by a list's code table.
type verdict struct {
	codes    []string
	meanings []string
	severity Severity  // listings: the worst
	kind     ErrorKind // "" unless the answer is an error
	text     string    // the error, in words
}

// severityRank orders listing severities worst first.
func severityRank(s Severity) int {
	switch s {
	case SeverityError:
		return 0
	case SeverityWarning:
		return 1
	case SeverityPolicy:
		return 2
	}
	return 3
}

// errorRank orders error kinds by how much they say: a code the list
// documents as an error first, then an answer that is no blocklist answer,
// then an undocumented code.
func errorRank(k ErrorKind) int {
	switch k {
	case ErrNotLoopback:
		return 1
	case ErrUndocumented:
		return 2
	}
	return 0
}

// decodeAll reads the A records of one answer by the list's table.
func decodeAll(l *List, addrs []netip.Addr) verdict {
	addrs = slices.Clone(addrs)
	slices.SortFunc(addrs, func(a, b netip.Addr) int { return a.Compare(b) })
	addrs = slices.Compact(addrs)
	var v verdict
	errRank := 99
	for _, a := range addrs {
		v.codes = append(v.codes, a.String())
		meanings, sev, kind, text := decodeOne(l, a)
		if kind != "" {
			if r := errorRank(kind); r < errRank {
				errRank, v.kind, v.text = r, kind, text
			}
			continue
		}
		for _, m := range meanings {
			if !slices.Contains(v.meanings, m) {
				v.meanings = append(v.meanings, m)
			}
		}
		if v.severity == "" || severityRank(sev) < severityRank(v.severity) {
			v.severity = sev
		}
	}
	if v.kind != "" {
		v.meanings, v.severity = nil, ""
	}
	return v
}

// decodeOne reads one return code: its meanings and severity when it is a
// listing, else an error kind and text.
func decodeOne(l *List, a netip.Addr) (meanings []string, sev Severity, kind ErrorKind, text string) {
	code := a.String()
	a = a.Unmap()
	if !a.Is4() || !a.IsLoopback() {
		return nil, "", ErrNotLoopback, fmt.Sprintf("%s is outside 127.0.0.0/8, so it is no blocklist answer: a resolver that rewrites answers, or a wildcard", code)
	}
	switch {
	case l.Generic:
		return decodeGeneric(a)
	case len(l.Bits) > 0:
		return decodeBits(l, a)
	}
	for _, c := range l.Codes {
		if a.Compare(c.From) >= 0 && a.Compare(c.To) <= 0 {
			if !c.Listed {
				return nil, "", c.Kind, code + ": " + c.Meaning
			}
			return []string{code + ": " + c.Meaning}, c.Severity, "", ""
		}
	}
	return nil, "", ErrUndocumented, fmt.Sprintf("%s is not a code %s documents, so it is not counted as a listing", code, l.Name)
}

// decodeGeneric reads a code from a list that documents none (added with
// --blocklist ZONE). It counts as a listing only where no list's
// convention makes it something else: 127.0.0.0 and 127.0.0.1 are never
// listings (RFC 5782 §5 reserves 127.0.0.1 as the entry no list may
// list; URIBL and SURBL answer it to resolvers they refuse), and
// 127.255.255.0/24 is the range lists answer errors in (Spamhaus: .252 a
// mistyped zone, .254 a public resolver refused, .255 over the free-use
// volume, .250 and .251 a key not accepted), never listings.
func decodeGeneric(a netip.Addr) (meanings []string, sev Severity, kind ErrorKind, text string) {
	code := a.String()
	b := a.As4()
	switch {
	case b[1] == 0 && b[2] == 0 && b[3] == 0:
		return nil, "", ErrUndocumented, code + " is never a listing: it is the network's own address, which no list answers for an entry"
	case b[1] == 0 && b[2] == 0 && b[3] == 1:
		return nil, "", ErrRefused, code + " is never a listing (RFC 5782 §5 reserves 127.0.0.1 as the entry no list may list); lists such as URIBL and SURBL answer it to resolvers they refuse"
	case b[1] == 255 && b[2] == 255:
		kind, why := ErrUndocumented, "an error whose meaning the list does not say"
		switch b[3] {
		case 250, 251:
			kind, why = ErrKey, "an access key not accepted"
		case 252:
			kind, why = ErrTypo, "no such zone (a typo)"
		case 254:
			kind, why = ErrRefused, "a query refused because it came through a public or open resolver"
		case 255:
			kind, why = ErrLimited, "a resolver over the list's free-use volume"
		}
		return nil, "", kind, code + " is an error code, never a listing: lists answer errors in 127.255.255.0/24 (as Spamhaus uses it, " + why + ")"
	}
	return []string{code + ": " + genericMeaning}, SeverityWarning, "", ""
}

// decodeBits reads a bitmask list's code: each set bit of the last octet
// of 127.0.0.x is one documented meaning (SURBL, URIBL). The lists answer
// in 127.0.0.0/24 alone, so a code with other middle octets
// (127.255.255.x, an error range elsewhere) is undocumented, not a set of
// bits.
func decodeBits(l *List, a netip.Addr) (meanings []string, sev Severity, kind ErrorKind, text string) {
	code := a.String()
	b := a.As4()
	last := b[3]
	if b[1] != 0 || b[2] != 0 {
		return nil, "", ErrUndocumented, fmt.Sprintf("%s is outside 127.0.0.0/24, where %s answers its bits, so it is not counted as a listing", code, l.Name)
	}
	if last == 0 {
		return nil, "", ErrUndocumented, fmt.Sprintf("%s sets no bit %s documents, so it is not counted as a listing", code, l.Name)
	}
	for bit := 1; bit <= 128; bit <<= 1 {
		if last&byte(bit) == 0 {
			continue
		}
		i := slices.IndexFunc(l.Bits, func(c Code) bool { return int(c.Bit) == bit })
		if i < 0 {
			return nil, "", ErrUndocumented, fmt.Sprintf("%s sets bit %d, which %s does not document, so it is not counted as a listing", code, bit, l.Name)
		}
		c := l.Bits[i]
		if !c.Listed {
			return nil, "", c.Kind, code + ": " + c.Meaning
		}
		meanings = append(meanings, fmt.Sprintf("%s (bit %d): %s", code, bit, c.Meaning))
		if sev == "" || severityRank(c.Severity) < severityRank(sev) {
			sev = c.Severity
		}
	}
	return meanings, sev, "", ""
}

// health is a list's health-test verdict.
type health struct {
	ok     bool
	kind   ErrorKind // why not: the kind the fix is chosen by
	reason string
}

// judgeHealth applies RFC 5782 §5: the list's listed test entry must be
// listed and its unlisted one must not be. A test entry that answers with
// a code the list documents as an error (refused, rate limited) carries
// that error. Undocumented bits on a test entry are accepted: test points
// (test.surbl.org) may set every bit.
func judgeHealth(l *List, listed, unlisted dnsclient.Answer) health {
	switch {
	case listed.Status.Temporary():
		return health{kind: ErrDNS, reason: fmt.Sprintf("its health test could not be completed: its test entry %s got %s", l.TestListed, listed.Describe())}
	case listed.Status.Void():
		return health{kind: ErrUnhealthy, reason: fmt.Sprintf("its test entry %s, which RFC 5782 §5 says must be listed, is not: the list is not answering this resolver (shut down, or ignoring it)", l.TestListed)}
	}
	if v := decodeAll(l, listed.Addrs()); v.kind != "" && v.kind != ErrUndocumented {
		return health{kind: v.kind, reason: fmt.Sprintf("its test entry %s answered %s", l.TestListed, v.text)}
	} else if len(v.codes) == 0 {
		return health{kind: ErrUnhealthy, reason: fmt.Sprintf("its test entry %s got no A record", l.TestListed)}
	}
	switch {
	case unlisted.Status.Temporary():
		return health{kind: ErrDNS, reason: fmt.Sprintf("its health test could not be completed: its test entry %s got %s", l.TestUnlisted, unlisted.Describe())}
	case unlisted.Status.Void():
		return health{ok: true}
	}
	v := decodeAll(l, unlisted.Addrs())
	if v.kind != "" && v.kind != ErrUndocumented && v.kind != ErrNotLoopback {
		return health{kind: v.kind, reason: fmt.Sprintf("its never-listed test entry %s answered %s", l.TestUnlisted, v.text)}
	}
	return health{kind: ErrUnhealthy, reason: fmt.Sprintf("it lists %s (%s), which RFC 5782 §5 says must never be listed: it answers \"listed\" to everything, as a list refusing this resolver or a resolver rewriting answers does",
		l.TestUnlisted, strings.Join(v.codes, ", "))}
}

// decide turns one subject's answers and its list's health into a Result.
func decide(l *List, s *subject, name string, a, txt dnsclient.Answer, h health) Result {
	res := Result{
		Subject: s.text, Kind: s.kind, List: l.Name, Zone: l.ShownZone(),
		Codes: []string{}, Meanings: []string{}, TXT: []string{},
		Role: s.role, Hosts: slices.Clone(s.hosts), IP: s.ip, Query: name,
	}
	delistFor := s.text
	if s.kind == KindDomain {
		delistFor = asked(l, s.domain)
	}
	res.DelistURL = fillURL(l.Delist, delistFor)
	fail := func(kind ErrorKind, text string) Result {
		res.Status, res.Why, res.Error, res.Fix = StatusError, kind, text, fixFor(l, kind)
		return res
	}
	if a.Status.Temporary() {
		res.Err = a.Err
		return fail(ErrDNS, a.Describe())
	}
	var v verdict
	if a.Status == dnsclient.StatusRecords {
		v = decodeAll(l, a.Addrs())
		if v.kind != "" {
			res.Codes, res.TXT = v.codes, txtOf(txt)
			return fail(v.kind, v.text)
		}
	}
	if !h.ok {
		r := fail(ErrUnhealthy, "the list is not usable, so its answer is not counted: "+h.reason)
		r.Fix = fixFor(l, h.kind)
		return r
	}
	if a.Status != dnsclient.StatusRecords || len(v.codes) == 0 {
		res.Status = StatusNotListed
		return res
	}
	res.Status, res.Codes, res.Meanings, res.Severity, res.TXT = StatusListed, v.codes, v.meanings, v.severity, txtOf(txt)
	return res
}

// txtOf returns a list's TXT records, bounded.
func txtOf(a dnsclient.Answer) []string {
	out := []string{}
	if a.Status != dnsclient.StatusRecords {
		return out
	}
	for _, t := range a.TXT() {
		if len(out) == maxTXT {
			break
		}
		if len(t) > maxTXTBytes {
			t = t[:maxTXTBytes]
		}
		out = append(out, t)
	}
	return out
}

// fixFor says what to do about an error of a kind on a list.
func fixFor(l *List, k ErrorKind) string {
	var fix string
	switch k {
	case ErrRefused, ErrLimited:
		fix = "Ask through your own recursive resolver (--resolver), not a public one such as 8.8.8.8, 1.1.1.1 or 9.9.9.9 or a cloud provider's"
		if l.DQS != "" {
			fix += ", or use a free Spamhaus DQS key (--spamhaus-dqs-key KEY or " + EnvDQSKey + ")"
		}
		fix += "."
	case ErrKey:
		fix = "Check the DQS key in the Spamhaus customer portal and give it again with --spamhaus-dqs-key or " + EnvDQSKey + "."
	case ErrTypo:
		fix = "Correct the list's zone name (--blocklist or --blocklist-file)."
	case ErrQuery:
		fix = "mxray asked this list a kind of name it does not list; please report this as a bug."
	case ErrUndocumented:
		fix = "Look the subject up on the list's own site"
		if l.Lookup != "" {
			fix += " (" + l.Lookup + ")"
		}
		fix += "; mxray counts only codes the list documents."
	case ErrNotLoopback:
		fix = "Use a resolver that does not rewrite NXDOMAIN answers (some ISP resolvers redirect to search pages) with --resolver."
	case ErrUnhealthy:
		fix = "Ask through another resolver (--resolver); if the list has shut down, remove it from the lists asked."
	default:
		fix = "Try again; if it persists, ask through another resolver (--resolver)."
	}
	if l.Note != "" {
		fix += " " + l.Note
	}
	return fix
}
