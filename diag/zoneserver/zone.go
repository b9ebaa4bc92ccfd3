package zoneserver

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/miekg/dns"
)

// MaxRecords bounds how many records one zone text may hold, so a hostile
// file (or a $GENERATE directive) cannot exhaust memory.
const MaxRecords = 200_000

// Sentinel errors for zone text that parses but cannot be served. They come
// wrapped in a *ZoneError; tell them apart with errors.Is.
var (
	// ErrNoZones: the text holds no records at all.
	ErrNoZones = errors.New("zone text holds no records")
	// ErrNoSOA: records but no SOA and no $ORIGIN to put one at.
	ErrNoSOA = errors.New("zone text has records but no SOA record and no $ORIGIN")
	// ErrDuplicateSOA: a second SOA for the same apex.
	ErrDuplicateSOA = errors.New("second SOA record for the same zone")
	// ErrOutsideZones: a record whose owner lies under no zone apex.
	ErrOutsideZones = errors.New("record belongs to no zone")
	// ErrCNAMEConflict: a CNAME beside other data, or two CNAMEs, at one
	// name (RFC 1034 §3.6.2, RFC 2181 §10.1).
	ErrCNAMEConflict = errors.New("CNAME and other data at the same name")
	// ErrTooManyRecords: more than MaxRecords records.
	ErrTooManyRecords = errors.New("too many records")
	// ErrClass: a record of a class other than IN.
	ErrClass = errors.New("only class IN is served")
)

// ZoneError says what is wrong with zone text and where. Line is 1-based
// (the line where the record ends); 0 when the problem has no one line.
type ZoneError struct {
	Line int    // 1-based; 0 when the problem has no one line
	Name string // the owner name involved, if any
	Err  error  // one of the sentinels above
	Hint string // what to add or change, when there is a clear fix
}

// Error says what is wrong with the zone text, and where: "zoneserver:
// line N: …".
func (e *ZoneError) Error() string {
	var b strings.Builder
	b.WriteString("zoneserver: ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	b.WriteString(e.Err.Error())
	if e.Name != "" {
		fmt.Fprintf(&b, ": %s", e.Name)
	}
	if e.Hint != "" {
		fmt.Fprintf(&b, " (%s)", e.Hint)
	}
	return b.String()
}

// Unwrap returns the sentinel.
func (e *ZoneError) Unwrap() error { return e.Err }

// lineReader hands bytes to the zone parser and counts the newlines it has
// consumed, so each record can be tied to the line where it ended.
type lineReader struct {
	r        *bufio.Reader
	newlines int
	last     byte
}

// ReadByte hands the next byte on, counting newlines.
func (l *lineReader) ReadByte() (byte, error) {
	b, err := l.r.ReadByte()
	if err == nil {
		if b == '\n' {
			l.newlines++
		}
		l.last = b
	}
	return b, err
}

// Read is there to make lineReader an io.Reader; the zone parser reads
// through ReadByte when it can, so both paths count lines.
func (l *lineReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, b := range p[:n] {
		if b == '\n' {
			l.newlines++
		}
	}
	if n > 0 {
		l.last = p[n-1]
	}
	return n, err
}

// line is the line of the last byte read.
func (l *lineReader) line() int {
	if l.last == '\n' {
		return l.newlines
	}
	return l.newlines + 1
}

type record struct {
	rr   dns.RR
	line int
}

// parseZones turns master-file text into the zones it defines: every SOA
// owner is an apex; without any SOA, each $ORIGIN not under an earlier one
// gets a synthesised SOA.
func parseZones(text string) (*zoneSet, error) { return parseZonesMax(text, MaxRecords) }

// parseZonesMax is parseZones with the record bound as a parameter, so
// tests can reach it cheaply.
func parseZonesMax(text string, maxRecords int) (*zoneSet, error) {
	lr := &lineReader{r: bufio.NewReader(strings.NewReader(text))}
	zp := dns.NewZoneParser(lr, "", "")
	zp.SetDefaultTTL(defaultTTL)
	var recs []record
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if len(recs) >= maxRecords {
			return nil, &ZoneError{Line: lr.line(), Err: ErrTooManyRecords, Hint: fmt.Sprintf("at most %d", maxRecords)}
		}
		recs = append(recs, record{rr: rr, line: lr.line()})
	}
	if err := zp.Err(); err != nil {
		return nil, fmt.Errorf("zoneserver: %w", err)
	}
	if len(recs) == 0 {
		return nil, &ZoneError{Err: ErrNoZones, Hint: "add an SOA record and the records to serve"}
	}

	zs := &zoneSet{}
	for _, r := range recs {
		soa, ok := r.rr.(*dns.SOA)
		if !ok {
			continue
		}
		apex := canonical(soa.Hdr.Name)
		if zs.exact(apex) != nil {
			return nil, &ZoneError{Line: r.line, Name: apex, Err: ErrDuplicateSOA}
		}
		zs.addZone(newZone(apex, soa))
	}
	if len(zs.zones) == 0 {
		origins := originDirectives(text)
		if len(origins) == 0 {
			return nil, &ZoneError{Err: ErrNoSOA, Hint: `add an SOA at the zone apex, e.g. "example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300", or an "$ORIGIN example.com." line`}
		}
		for _, o := range origins {
			if zs.find(o) == nil {
				zs.addZone(newZone(o, synthSOA(o)))
			}
		}
	}

	for _, r := range recs {
		if _, ok := r.rr.(*dns.SOA); ok {
			continue
		}
		h := r.rr.Header()
		if h.Class != dns.ClassINET {
			return nil, &ZoneError{Line: r.line, Name: h.Name, Err: ErrClass}
		}
		z := zs.find(h.Name)
		if z == nil {
			return nil, &ZoneError{Line: r.line, Name: h.Name, Err: ErrOutsideZones,
				Hint: "add an SOA for its zone or move it under a zone in this text (zones: " + strings.Join(zs.apexes(), ", ") + ")"}
		}
		if err := z.add(r.rr); err != nil {
			return nil, &ZoneError{Line: r.line, Name: h.Name, Err: err}
		}
	}
	return zs, nil
}

// defaultTTL is the TTL of records that state none when no $TTL is given.
const defaultTTL = 3600

// synthSOA makes the SOA of a zone whose text has none. The names under
// .invalid (RFC 2606) make plain that it was not published by anyone.
func synthSOA(apex string) *dns.SOA {
	return &dns.SOA{
		Hdr:     dns.RR_Header{Name: apex, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: defaultTTL},
		Ns:      "ns.invalid.",
		Mbox:    "hostmaster.invalid.",
		Serial:  1,
		Refresh: 7200,
		Retry:   3600,
		Expire:  1209600,
		Minttl:  300,
	}
}

// originDirectives returns the names of the $ORIGIN lines in text, in
// order, fully qualified and in canonical case. A relative $ORIGIN is taken
// relative to the one before it, as RFC 1035 §5.1 says.
func originDirectives(text string) []string {
	var out []string
	cur := ""
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || !strings.EqualFold(f[0], "$ORIGIN") {
			continue
		}
		name := f[1]
		if !dns.IsFqdn(name) {
			if cur == "" {
				continue
			}
			name = name + "." + cur
		}
		if _, ok := dns.IsDomainName(name); !ok {
			continue
		}
		cur = canonical(name)
		out = append(out, cur)
	}
	return out
}

// canonical returns name fully qualified with ASCII letters lowered (DNS
// names compare case-insensitively in ASCII only, RFC 4343).
func canonical(name string) string {
	name = dns.Fqdn(name)
	for i := 0; i < len(name); i++ {
		if c := name[i]; c >= 'A' && c <= 'Z' {
			b := []byte(name)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return name
}

// parent returns the name one label up ("." for a TLD) and false for the
// root.
func parent(name string) (string, bool) {
	if name == "." || name == "" {
		return "", false
	}
	off, end := dns.NextLabel(name, 0)
	if end {
		return ".", true
	}
	return name[off:], true
}
