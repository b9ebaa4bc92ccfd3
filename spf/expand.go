package spf

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Macro expansion (RFC 7208 §7.3, §7.4).

const (
	// keepTail bounds the memory a domain expansion holds: only the last
	// 253 bytes (and the byte before them) can survive §7.3 truncation.
	keepTail = 1024
	// MaxExplanation caps an expanded explanation (RFC 7208 §6.2 lets
	// implementations limit it).
	MaxExplanation = 1024
)

// macroEnv holds the values macro letters expand to for one check_host().
type macroEnv struct {
	sender   string           // s: <sender>
	local    string           // l: local-part of <sender>
	senderD  string           // o: domain of <sender>
	domain   string           // d: <domain>
	ip       netip.Addr       // i, c, v: <ip>, IPv4-mapped addresses already unmapped
	helo     string           // h: HELO/EHLO domain
	receiver string           // r: the checking host's name
	now      func() time.Time // t
	ptr      ptrSource        // p, computed on demand
}

// ptrSource computes %{p}, which needs DNS, only when a macro asks for it.
type ptrSource interface {
	pValue(domain string) string
}

// value returns what macro letter l (lower case) stands for.
func (e *macroEnv) value(l byte) string {
	switch l {
	case 's':
		return e.sender
	case 'l':
		return e.local
	case 'o':
		return e.senderD
	case 'd':
		return e.domain
	case 'i':
		return dottedIP(e.ip)
	case 'c':
		if !e.ip.IsValid() {
			return ""
		}
		return e.ip.String()
	case 'v':
		if e.ip.Is4() {
			return "in-addr"
		}
		return "ip6"
	case 'h':
		return e.helo
	case 'p':
		if e.ptr == nil {
			return "unknown"
		}
		return e.ptr.pValue(e.domain)
	case 'r':
		if e.receiver == "" {
			return "unknown"
		}
		return e.receiver
	case 't':
		if e.now == nil {
			return "0"
		}
		return strconv.FormatInt(e.now().Unix(), 10)
	}
	return ""
}

// dottedIP is %{i}: dotted quad for IPv4, dot-separated nibbles for IPv6
// (RFC 7208 §7.3: "1.0.B.C.0.0...").
func dottedIP(ip netip.Addr) string {
	if !ip.IsValid() {
		return ""
	}
	if ip.Is4() {
		return ip.String()
	}
	const hex = "0123456789ABCDEF"
	b := ip.As16()
	out := make([]byte, 0, 63)
	for i, x := range b {
		if i > 0 {
			out = append(out, '.')
		}
		out = append(out, hex[x>>4], '.', hex[x&0xf])
	}
	return string(out)
}

// transform applies the transformers and delimiters of one macro.
func (it *macroItem) transform(v string) string {
	if it.digits == 0 && !it.reverse && it.delims == "" {
		return v
	}
	delims := it.delims
	if delims == "" {
		delims = "."
	}
	parts := splitAny(v, delims)
	if it.reverse {
		for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
			parts[i], parts[j] = parts[j], parts[i]
		}
	}
	if it.digits > 0 && it.digits < len(parts) {
		parts = parts[len(parts)-it.digits:]
	}
	return strings.Join(parts, ".")
}

// splitAny splits s at every byte in seps, keeping empty parts.
func splitAny(s, seps string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(seps, s[i]) >= 0 {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// urlEscape escapes every byte outside RFC 3986's unreserved set, as an
// upper-case macro letter requires (RFC 7208 §7.3).
func urlEscape(s string) string {
	const hex = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	out := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			out = append(out, c)
		} else {
			out = append(out, '%', hex[c>>4], hex[c&0xf])
		}
	}
	return string(out)
}

func unreserved(c byte) bool {
	return isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~'
}

// expandItems appends the expansion of m to buf. When tail is set, only the
// last keepTail bytes are kept once the text grows past twice that, which is
// enough for §7.3's left truncation to 253 bytes.
func (m *MacroString) expandItems(env *macroEnv, buf []byte, tail bool, limit int) []byte {
	for i := range m.items {
		it := &m.items[i]
		if it.letter == 0 {
			buf = append(buf, it.lit...)
		} else {
			v := it.transform(env.value(it.letter))
			if it.upper {
				v = urlEscape(v)
			}
			buf = append(buf, v...)
		}
		if tail && len(buf) > 2*keepTail {
			buf = append(buf[:0], buf[len(buf)-keepTail:]...)
		}
		if !tail && limit > 0 && len(buf) > limit {
			return buf[:limit]
		}
	}
	return buf
}

// expandDomain expands a domain-spec into the name to query (RFC 7208 §4.8,
// §7.3). ok is false when no query can be composed from the result.
func (m *MacroString) expandDomain(env *macroEnv) (string, bool) {
	if m.letters == 0 {
		return targetName(m.literal())
	}
	return targetName(string(m.expandItems(env, make([]byte, 0, 64), true, 0)))
}

// expandText expands an explanation string, at most MaxExplanation bytes.
func (m *MacroString) expandText(env *macroEnv) string {
	return string(m.expandItems(env, make([]byte, 0, 64), false, MaxExplanation))
}

// literal is the expansion of a string without letter macros.
func (m *MacroString) literal() string {
	if len(m.items) == 1 && m.items[0].letter == 0 {
		return m.items[0].lit
	}
	var b strings.Builder
	for _, it := range m.items {
		b.WriteString(it.lit)
	}
	return b.String()
}
