package spf

import (
	"strconv"
	"strings"
)

// Rendering parsed records back to text: parse, String, parse is stable.

// String re-renders the term in canonical form: lower-case names, the
// qualifier as written, macro-strings as written, addresses in RFC 5952 form.
func (t *Term) String() string {
	var b strings.Builder
	if t.Modifier != "" {
		b.WriteString(string(t.Modifier))
		b.WriteByte('=')
		if t.Target != nil {
			b.WriteString(t.Target.raw)
		} else {
			b.WriteString(t.Value.String())
		}
		return b.String()
	}
	if t.Qualifier != 0 {
		b.WriteByte(byte(t.Qualifier))
	}
	b.WriteString(string(t.Mechanism))
	switch t.Mechanism {
	case IP4, IP6:
		b.WriteByte(':')
		b.WriteString(t.Network.Addr().String())
		bits := t.CIDR4
		if t.Mechanism == IP6 {
			bits = t.CIDR6
		}
		if bits >= 0 {
			b.WriteByte('/')
			b.WriteString(strconv.Itoa(bits))
		}
		return b.String()
	}
	if t.Target != nil {
		b.WriteByte(':')
		b.WriteString(t.Target.raw)
	}
	if t.CIDR4 >= 0 {
		b.WriteByte('/')
		b.WriteString(strconv.Itoa(t.CIDR4))
	}
	if t.CIDR6 >= 0 {
		b.WriteString("//")
		b.WriteString(strconv.Itoa(t.CIDR6))
	}
	return b.String()
}

// String re-renders the record's valid terms in canonical form. Parsing the
// result gives the same terms.
func (r *Record) String() string {
	var b strings.Builder
	b.WriteString(Version)
	for i := range r.Terms {
		b.WriteByte(' ')
		b.WriteString(r.Terms[i].String())
	}
	return b.String()
}
