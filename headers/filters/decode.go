package filters

import (
	"strings"

	"github.com/mxray/mxray/headers"
)

// MaxFieldBytes caps how much of one field a decoder reads; the rest is
// ignored (headers.Parse already caps the whole input).
const MaxFieldBytes = 64 << 10

// MaxSignals caps the signals of one verdict; a field with more items is
// cut, and the last signal says so.
const MaxSignals = 400

// decoder reads the fields of one filter.
type decoder struct {
	filter Filter
	// decode reads a group of the filter's fields (header order) into a
	// verdict; Field, Fields, Line and the trust fields are set by Decode.
	decode func(fs []headers.Field) FilterVerdict
	// primary lists field names (lower case) in order of preference for
	// FilterVerdict.Field.
	primary []string
	// evidence reports what the fields themselves say about who wrote
	// them: a host they name, or a reason they are the sender's (for
	// example Microsoft's DIR:OUT). Nil when they say nothing.
	evidence func(fs []headers.Field) evidence
}

// evidence is what a filter's fields say about their author.
type evidence struct {
	host    string // a host the fields name as the one that ran the filter
	outside string // a reason the fields were written before the receiver
	// service is the organisational domain of a mail service that writes
	// these fields below every Received field, after the message's own
	// fields: when the receiving organisation is that service, fields
	// found there are its own.
	service string
	// serviceWhy says so in words.
	serviceWhy string
}

// ownerOf returns the decoder of a field name, or nil. ms365 says whether
// the message carries Microsoft 365's own fields, which decides who owns
// X-MS-Exchange-Organization-*.
func ownerOf(name string, ms365 bool) *decoder {
	n := strings.ToLower(strings.TrimSpace(name))
	switch {
	case isMicrosoftField(n):
		return &microsoftDecoder
	case strings.HasPrefix(n, "x-ms-exchange-organization-"):
		if !isExchangeFilterField(n) {
			return nil
		}
		if ms365 {
			return &microsoftDecoder
		}
		return &exchangeDecoder
	case isRspamdField(n):
		return &rspamdDecoder
	case isSpamAssassinField(n):
		return &spamAssassinDecoder
	case strings.HasPrefix(n, "x-proofpoint-"):
		return &proofpointDecoder
	case isMimecastField(n):
		return &mimecastDecoder
	case isIronPortField(n):
		return &ironPortDecoder
	case strings.HasPrefix(n, "x-barracuda-") || strings.HasPrefix(n, "x-asg-"):
		return &barracudaDecoder
	case isGoogleField(n):
		return &googleDecoder
	case isMailScannerField(n):
		return &mailScannerDecoder
	}
	return nil
}

// group is a run of one filter's fields written at one place.
type group struct {
	d      *decoder
	zone   string
	fields []headers.Field
	index  []int // indexes in Message.Fields
	names  map[string]bool
}

// Decode reads every receiving filter's fields in m into verdicts, in
// header order (top first), and judges who wrote each from a: fields
// written after the message entered the receiving organisation are
// trusted; fields already in the message when it arrived are not, and say
// who added them. A nil Analysis leaves every verdict's trust unknown.
//
// Decode never fails: an unreadable value is shown raw. It is pure and
// reads nothing but its arguments. Every string in the result may hold
// what a sender wrote; the caller sanitises before display.
func Decode(m *headers.Message, a *headers.Analysis) []FilterVerdict {
	out := []FilterVerdict{}
	if m == nil {
		return out
	}
	p := placeFields(m, a)
	ms365 := false
	for _, f := range m.Fields {
		n := strings.ToLower(f.Name)
		if strings.HasPrefix(n, "x-forefront-antispam-report") || strings.HasPrefix(n, "x-microsoft-antispam") {
			ms365 = true
			break
		}
	}
	var groups []*group
	open := map[string]*group{}
	for i, f := range m.Fields {
		d := ownerOf(f.Name, ms365)
		if d == nil {
			continue
		}
		zone := p.zone(i)
		name := strings.ToLower(f.Name)
		key := string(d.filter) + "\x00" + zone
		if strings.HasSuffix(name, "-untrusted") {
			// Microsoft's renamed copies of another tenant's fields.
			key += "\x00untrusted"
		}
		g := open[key]
		if g == nil || g.names[name] {
			g = &group{d: d, zone: zone, names: map[string]bool{}}
			open[key] = g
			groups = append(groups, g)
		}
		g.names[name] = true
		if len(f.Value) > MaxFieldBytes {
			f.Value = f.Value[:MaxFieldBytes]
		}
		if len(f.Raw) > MaxFieldBytes {
			f.Raw = f.Raw[:MaxFieldBytes]
		}
		g.fields = append(g.fields, f)
		g.index = append(g.index, i)
	}
	msAuthDone := false
	for _, g := range groups {
		v := g.d.decode(g.fields)
		v.Filter = g.d.filter
		if v.Verdict == "" {
			v.Verdict = Unknown
		}
		if v.Signals == nil {
			v.Signals = []Signal{}
		}
		if len(v.Signals) > MaxSignals {
			v.Signals = append(v.Signals[:MaxSignals-1], Signal{Name: "…", Raw: "",
				Meaning: "more items than are shown", Undocumented: false})
		}
		main := mainField(g)
		v.Field = g.fields[main].Name
		v.Line = g.fields[main].Line
		v.Fields = make([]string, len(g.fields))
		for k, f := range g.fields {
			v.Fields[k] = f.Name
		}
		p.judge(&v, g)
		if v.Filter == Microsoft365 && v.Trusted && !msAuthDone {
			addMSAuth(&v, g, a, p)
			msAuthDone = true
		}
		markFields(&v)
		out = append(out, v)
	}
	return out
}

// addMSAuth puts Microsoft 365's own items of the receiver's
// Authentication-Results (compauth, dmarc's action=) among the signals of
// its verdict, where that field stands in the header.
func addMSAuth(v *FilterVerdict, g *group, a *headers.Analysis, p *placement) {
	// When the verdict is trusted because Microsoft 365 is the receiver
	// and writes below every Received field, its Authentication-Results
	// there (no authserv-id) is its own too.
	var ours func(headers.AuthResultEntry) bool
	if !p.noHops && g.index[0] > p.last() {
		last := p.m.Fields[p.last()].Line
		ours = func(e headers.AuthResultEntry) bool { return e.AuthServID == "" && e.Line > last }
	}
	more := msAuthSignals(a, ours)
	if len(more) == 0 {
		return
	}
	line := map[string]int{}
	for _, f := range g.fields {
		line[strings.ToLower(f.Name)] = f.Line
	}
	at := len(v.Signals)
	for k, s := range v.Signals {
		if line[strings.ToLower(s.Field)] > more[0].line {
			at = k
			break
		}
	}
	sigs := make([]Signal, 0, len(v.Signals)+len(more))
	sigs = append(append(append(sigs, v.Signals[:at]...), signalsOf(more)...), v.Signals[at:]...)
	v.Signals = sigs
	fat := len(v.Fields)
	for k, f := range g.fields {
		if f.Line > more[0].line {
			fat = k
			break
		}
	}
	v.Fields = append(v.Fields[:fat], append([]string{more[0].Field}, v.Fields[fat:]...)...)
}

// mainField picks the group's main field by the decoder's preference; a
// preference starting with "-" matches the end of a name.
func mainField(g *group) int {
	for _, want := range g.d.primary {
		for k, f := range g.fields {
			n := strings.ToLower(f.Name)
			if n == want || strings.HasPrefix(want, "-") && strings.HasSuffix(n, want) {
				return k
			}
		}
	}
	return 0
}

// markFields sets Signal.Field when the verdict reads several field names.
func markFields(v *FilterVerdict) {
	names := map[string]bool{}
	for _, f := range v.Fields {
		names[strings.ToLower(f)] = true
	}
	if len(names) > 1 {
		return
	}
	for k := range v.Signals {
		v.Signals[k].Field = ""
	}
}

// fieldSignal starts a signal that names the field it came from.
func fieldSignal(f headers.Field, name, raw, meaning string) Signal {
	return Signal{Name: name, Raw: raw, Meaning: meaning, Field: f.Name}
}

// undocumented marks a signal as undocumented, with a meaning that says so.
func undocumented(s Signal, what string) Signal {
	s.Undocumented = true
	if what == "" {
		what = "undocumented value"
	}
	s.Meaning = what
	return s
}

// guess marks a signal's meaning as an unofficial reading.
func guess(s Signal, meaning string) Signal {
	s.Undocumented = true
	s.Guess = true
	s.Meaning = meaning
	return s
}

// pair is one key=value item of a field.
type pair struct {
	key, value string
}

// firstWord returns s up to the first space, comma or semicolon.
func firstWord(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t,;"); i >= 0 {
		return s[:i]
	}
	return s
}
