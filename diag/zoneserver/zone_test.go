package zoneserver

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

func TestNewZoneErrors(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		sentinel error // nil: expect a *dns.ParseError
		line     int
		contains string
	}{
		{name: "outside every zone", line: 4, sentinel: ErrOutsideZones, contains: "www.example.org.",
			text: "$ORIGIN example.\n@ SOA ns hm 1 2 3 4 5\nwww A 192.0.2.1\nwww.example.org. A 192.0.2.2\n"},
		{name: "outside, after a multi-line record", line: 7, sentinel: ErrOutsideZones, contains: "stray.test.",
			text: "example. SOA ns.example. hm.example. (\n 1\n 2\n 3 4 5 )\n\nok.example. TXT \"fine\"\nstray.test. TXT \"x\"\n"},
		{name: "outside, last line without newline", line: 2, sentinel: ErrOutsideZones,
			text: "example. SOA ns.example. hm.example. 1 2 3 4 5\nstray.test. TXT \"x\""},
		{name: "duplicate SOA", line: 3, sentinel: ErrDuplicateSOA,
			text: "example. SOA ns.example. hm.example. 1 2 3 4 5\n; comment\nEXAMPLE. SOA ns.example. hm.example. 2 2 3 4 5\n"},
		{name: "no SOA and no origin", sentinel: ErrNoSOA, contains: "add an SOA",
			text: "www.example. A 192.0.2.1\n"},
		{name: "empty", sentinel: ErrNoZones, text: "; nothing but a comment\n"},
		{name: "CNAME beside data", line: 4, sentinel: ErrCNAMEConflict,
			text: "$ORIGIN example.\n@ SOA ns hm 1 2 3 4 5\nwww CNAME other\nwww TXT \"x\"\n"},
		{name: "two CNAMEs", line: 4, sentinel: ErrCNAMEConflict, contains: "two CNAME",
			text: "$ORIGIN example.\n@ SOA ns hm 1 2 3 4 5\nwww CNAME a\nwww CNAME b\n"},
		{name: "class CH", line: 3, sentinel: ErrClass,
			text: "$ORIGIN example.\n@ SOA ns hm 1 2 3 4 5\nversion CH TXT \"x\"\n"},
		{name: "syntax error", line: 3, contains: "line: 3",
			text: "$ORIGIN example.\n@ SOA ns hm 1 2 3 4 5\nwww A not-an-address\n"},
		{name: "relative name without origin", line: 1, contains: "line: 1",
			text: "www A 192.0.2.1\n"},
		{name: "include refused", line: 2, contains: "$INCLUDE",
			text: "$ORIGIN example.\n$INCLUDE /etc/passwd\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.text)
			if err == nil {
				t.Fatal("New accepted it")
			}
			if tt.sentinel != nil {
				var ze *ZoneError
				if !errors.As(err, &ze) || !errors.Is(err, tt.sentinel) {
					t.Fatalf("error %v is not a *ZoneError wrapping %v", err, tt.sentinel)
				}
				if ze.Line != tt.line {
					t.Errorf("line = %d, want %d (%v)", ze.Line, tt.line, err)
				}
			} else {
				var pe *dns.ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("error %v is not a *dns.ParseError", err)
				}
				if !strings.Contains(err.Error(), "line: "+strconv.Itoa(tt.line)) {
					t.Errorf("error %q does not name line %d", err, tt.line)
				}
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not contain %q", err, tt.contains)
			}
		})
	}
}

func TestNewZones(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		zones []string
	}{
		{name: "every SOA owner is an apex", text: testZones, zones: []string{"example.", "other."}},
		{name: "synthesised at $ORIGIN", text: "$ORIGIN Draft.Example.\nwww A 192.0.2.1\n", zones: []string{"draft.example."}},
		{name: "synthesised at each top $ORIGIN", zones: []string{"a.test.", "b.test."},
			text: "$ORIGIN a.test.\n@ TXT \"a\"\n$ORIGIN sub.a.test.\nx TXT \"s\"\n$ORIGIN b.test.\n@ TXT \"b\"\n"},
		{name: "nested zones", zones: []string{"child.example.", "example."},
			text: "example. SOA ns.example. hm.example. 1 2 3 4 5\nchild.example. SOA ns.child.example. hm.example. 1 2 3 4 5\nwww.child.example. A 192.0.2.1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Zones(); !slices.Equal(got, tt.zones) {
				t.Errorf("Zones() = %v, want %v", got, tt.zones)
			}
		})
	}
}

func TestSynthesisedSOAAnswers(t *testing.T) {
	zs, err := parseZones("$ORIGIN draft.example.\n$TTL 120\nwww A 192.0.2.1\n")
	if err != nil {
		t.Fatal(err)
	}
	resp := zs.answer(new(dns.Msg).SetQuestion("missing.draft.example.", dns.TypeA))
	if resp.Rcode != dns.RcodeNameError || len(resp.Ns) != 1 {
		t.Fatalf("got %v", resp)
	}
	soa, ok := resp.Ns[0].(*dns.SOA)
	if !ok || soa.Hdr.Name != "draft.example." || !strings.HasSuffix(soa.Ns, ".invalid.") {
		t.Errorf("authority = %v, want the synthesised SOA at draft.example.", resp.Ns[0])
	}
	a := zs.answer(new(dns.Msg).SetQuestion("www.draft.example.", dns.TypeA))
	if len(a.Answer) != 1 || a.Answer[0].Header().Ttl != 120 {
		t.Errorf("$TTL not applied: %v", a.Answer)
	}
}

func TestTooManyRecords(t *testing.T) {
	// $GENERATE makes many records from one line; the bound must hold.
	text := "$ORIGIN example.\n@ SOA ns hm 1 2 3 4 5\n$GENERATE 1-1000 h$ A 192.0.2.1\n"
	_, err := parseZonesMax(text, 100)
	if !errors.Is(err, ErrTooManyRecords) {
		t.Fatalf("err = %v, want ErrTooManyRecords", err)
	}
	if _, err := parseZonesMax(text, 1001); err != nil {
		t.Fatalf("1001 records within a bound of 1001: %v", err)
	}
}
