package blocklist

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestDefaultLists checks the embedded data: it parses, holds the lists
// the issue asks for with their sources, and none that shut down.
func TestDefaultLists(t *testing.T) {
	s := Default()
	if s.Format != FormatVersion || s.Revision == "" {
		t.Errorf("format %d revision %q", s.Format, s.Revision)
	}
	want := map[string]Kind{
		"zen.spamhaus.org": KindIP, "dbl.spamhaus.org": KindDomain, "bl.spamcop.net": KindIP,
		"b.barracudacentral.org": KindIP, "psbl.surriel.com": KindIP, "multi.surbl.org": KindDomain, "multi.uribl.com": KindDomain,
	}
	for _, l := range s.Lists {
		if strings.Contains(l.Zone, "sorbs") {
			t.Errorf("%s: SORBS closed in June 2024", l.Zone)
		}
		if len(l.Sources) == 0 || l.Lookup == "" || l.Delist == "" {
			t.Errorf("%s: sources %q lookup %q delist %q", l.Zone, l.Sources, l.Lookup, l.Delist)
		}
		if k, ok := want[l.Zone]; ok {
			if l.Kind != k {
				t.Errorf("%s: kind %s, want %s", l.Zone, l.Kind, k)
			}
			delete(want, l.Zone)
		}
	}
	for z := range want {
		t.Errorf("default lists lack %s", z)
	}
	zen := only(t, s, "zen.spamhaus.org").Lists[0]
	if zen.DQS == "" || !zen.RefusesPublicResolvers || !zen.IPv6 {
		t.Errorf("ZEN: dqs %q refuses %v ipv6 %v", zen.DQS, zen.RefusesPublicResolvers, zen.IPv6)
	}
	barracuda := only(t, s, "b.barracudacentral.org").Lists[0]
	if !strings.Contains(barracuda.Note, "registered") {
		t.Errorf("Barracuda's note does not say resolvers must be registered: %q", barracuda.Note)
	}
	// Default hands out copies.
	s.Lists[0].Name = "changed"
	if Default().Lists[0].Name == "changed" {
		t.Error("Default returned shared lists")
	}
}

func TestParseGood(t *testing.T) {
	s := mustParse(t, `# comment
mxray-blocklists 1
revision r7

list Example.TEST.
	name	Example list
  kind domain
  query full
  lookup https://lists.test/q?{subject}
  refuses-public-resolvers yes
  dqs {key}.example.dq.test
  note a note
  source one
  source two
  test-listed listed.test
  code 127.0.1.2-127.0.1.3 listed warning a meaning  with  spaces
  code 127.255.255.254 error refused refused
end
list ip.test
  name IP
  kind ip
  bit 2 listed info b2
  bit 1 error limited b1
end
`)
	if s.Revision != "r7" || len(s.Lists) != 2 {
		t.Fatalf("%+v", s)
	}
	l := s.Lists[0]
	if l.Zone != "example.test" || l.Name != "Example list" || l.Kind != KindDomain || l.Form != FormFull ||
		l.Delist != l.Lookup || !l.RefusesPublicResolvers || l.DQS != "{key}.example.dq.test" || l.Note != "a note" ||
		!slices.Equal(l.Sources, []string{"one", "two"}) || l.TestListed != "listed.test" || l.TestUnlisted != "invalid" {
		t.Errorf("%+v", l)
	}
	if len(l.Codes) != 2 || l.Codes[0].Meaning != "a meaning with spaces" || l.Codes[0].Severity != SeverityWarning ||
		l.Codes[0].To.String() != "127.0.1.3" || l.Codes[1].Kind != ErrRefused || l.Codes[1].Line != 17 {
		t.Errorf("codes %+v", l.Codes)
	}
	ip := s.Lists[1]
	if ip.TestListed != "127.0.0.2" || ip.TestUnlisted != "127.0.0.1" || ip.Form != "" || len(ip.Bits) != 2 || ip.Bits[1].Kind != ErrLimited {
		t.Errorf("%+v", ip)
	}
}

// TestParseErrors: every bad file names its line and what is wrong.
func TestParseErrors(t *testing.T) {
	const head = "mxray-blocklists 1\n"
	const okList = "list a.test\n name A\n kind ip\n code 127.0.0.2 listed error x\nend\n"
	cases := []struct {
		name, text string
		line       int
		msg        string
	}{
		{"empty", "", 0, "empty"},
		{"no header", "list a.test\n", 1, "first line must be"},
		{"future version", "mxray-blocklists 2\n", 1, "not supported"},
		{"header twice", head + "mxray-blocklists 1\n", 2, "given twice"},
		{"unknown top-level", head + "lists a.test\n", 2, "unknown keyword"},
		{"end alone", head + "end\n", 2, "end without a list"},
		{"bad zone", head + "list -bad_zone\n", 2, "two labels"},
		{"zone with space", head + "list a .test\n", 2, "only letters"},
		{"list twice", head + okList + "list a.test\n", 7, "defined twice (first at line 2)"},
		{"unclosed", head + "list a.test\n name A\n", 2, "has no end line"},
		{"nested", head + "list a.test\nlist b.test\n", 3, "starts before list a.test"},
		{"unknown in list", head + "list a.test\n colour red\n", 3, "unknown keyword \"colour\""},
		{"repeated name", head + "list a.test\n name A\n name B\n", 4, "name given twice in list a.test (first at line 3)"},
		{"no value", head + "list a.test\n name\n", 3, "name needs a value"},
		{"bad kind", head + "list a.test\n kind url\n", 3, "kind must be ip or domain"},
		{"bad yes/no", head + "list a.test\n ipv6 maybe\n", 3, "expected yes or no"},
		{"bad query", head + "list a.test\n query host\n", 3, "full or registered"},
		{"bad url", head + "list a.test\n lookup ftp://x\n", 3, "http or https URL"},
		{"bad dqs", head + "list a.test\n dqs zen.dq.test\n", 3, "dqs must be a zone starting with {key}."},
		{"short code", head + "list a.test\n code 127.0.0.2 listed\n", 3, "needs a value, listed or error"},
		{"code not 127", head + "list a.test\n code 10.0.0.2 listed error x\n", 3, "127.0.0.0/8"},
		{"code not an address", head + "list a.test\n code two listed error x\n", 3, "not an IPv4 address"},
		{"backward range", head + "list a.test\n code 127.0.0.9-127.0.0.2 listed error x\n", 3, "ends before it starts"},
		{"overlap", head + "list a.test\n code 127.0.0.2-127.0.0.5 listed error x\n code 127.0.0.4 listed error y\n", 4, "overlaps the code at line 3"},
		{"bad severity", head + "list a.test\n code 127.0.0.2 listed fatal x\n", 3, "error, warning, info or policy"},
		{"bad error kind", head + "list a.test\n code 127.0.0.2 error oops x\n", 3, "refused, limited, typo, key or query"},
		{"neither", head + "list a.test\n code 127.0.0.2 maybe error x\n", 3, "expected listed or error"},
		{"bad bit", head + "list a.test\n bit 3 listed error x\n", 3, "bit must be 1, 2, 4"},
		{"bit twice", head + "list a.test\n bit 2 listed error x\n bit 2 listed error y\n", 4, "bit 2 defined twice"},
		{"mixed", head + "list a.test\n bit 2 listed error x\n code 127.0.0.2 listed error x\n", 4, "mixes code and bit"},
		{"no name", head + "list a.test\n kind ip\n code 127.0.0.2 listed error x\nend\n", 2, "has no name"},
		{"no kind", head + "list a.test\n name A\n code 127.0.0.2 listed error x\nend\n", 2, "has no kind"},
		{"no listing", head + "list a.test\n name A\n kind ip\n code 127.255.255.254 error refused x\nend\n", 2, "no code or bit line that is a listing"},
		{"ipv6 on a domain list", head + "list a.test\n name A\n kind domain\n ipv6 yes\n code 127.0.0.2 listed error x\nend\n", 2, "ipv6 is for ip lists"},
		{"query on an ip list", head + "list a.test\n name A\n kind ip\n query full\n code 127.0.0.2 listed error x\nend\n", 2, "query is for domain lists"},
		{"ip test entry", head + "list a.test\n name A\n kind ip\n test-listed nope\n code 127.0.0.2 listed error x\nend\n", 5, "IPv4 address"},
		{"end with value", head + "list a.test\n name A\nend now\n", 4, "end takes no value"},
		{"control character", head + "list a.test\n name A\x1b[2J\n", 3, "control character"},
		{"long line", head + "revision " + strings.Repeat("x", MaxLineLength) + "\n", 2, "line over"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.txt", []byte(tc.text))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.Line != tc.line || !strings.Contains(pe.Msg, tc.msg) || pe.File != "bad.txt" {
				t.Fatalf("got %q (line %d), want line %d with %q", err, pe.Line, tc.line, tc.msg)
			}
			if tc.line > 0 && !strings.HasPrefix(err.Error(), "bad.txt:") {
				t.Errorf("error %q does not start with the file and line", err)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	big := make([]byte, MaxFileSize+1)
	if _, err := Parse("big", big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a file over the limit: %v", err)
	}
	var b strings.Builder
	b.WriteString("mxray-blocklists 1\n")
	for i := range MaxLists + 1 {
		b.WriteString("list l" + strconv.Itoa(i) + ".test\n name x\n kind ip\n code 127.0.0.2 listed error x\nend\n")
	}
	if _, err := Parse("many", []byte(b.String())); !errors.Is(err, ErrTooMany) {
		t.Errorf("too many lists: %v", err)
	}
	b.Reset()
	b.WriteString("mxray-blocklists 1\nlist a.test\n name A\n kind ip\n")
	for i := range MaxCodes + 1 {
		b.WriteString(" code 127.0." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256) + " listed error x\n")
	}
	if _, err := Parse("codes", []byte(b.String())); !errors.Is(err, ErrTooMany) {
		t.Errorf("too many codes: %v", err)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "lists.txt")
	if err := os.WriteFile(good, []byte("mxray-blocklists 1\nlist a.test\n name A\n kind ip\n code 127.0.0.2 listed error x\nend\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := LoadFile(good)
	if err != nil || len(s.Lists) != 1 {
		t.Fatalf("%v %+v", err, s)
	}
	if _, err := LoadFile(filepath.Join(dir, "missing.txt")); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "--blocklist-file") {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("mxray-blocklists 1\nlist a.test\n"), 0o600)
	if _, err := LoadFile(bad); err == nil || !strings.HasPrefix(err.Error(), bad+":2:") {
		t.Errorf("bad file: %v", err)
	}
	huge := filepath.Join(dir, "huge.txt")
	os.WriteFile(huge, make([]byte, MaxFileSize+10), 0o600)
	if _, err := LoadFile(huge); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge file: %v", err)
	}
}
