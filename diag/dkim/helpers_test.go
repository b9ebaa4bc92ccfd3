package dkim

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/headers"
)

// testdata is the shared DKIM test data, from this package directory.
const testdata = "../../testdata/dkim"

// splitMessage parses a raw message with headers.Parse, the parser the
// command uses, and returns what Verify takes.
func splitMessage(raw []byte) (fields []headers.Field, body []byte, hasBody bool) {
	m, err := headers.Parse(raw)
	if err != nil || m == nil {
		return nil, nil, false
	}
	return m.Fields, m.Body, m.HasBody
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// lookup is one question the fake resolver was asked.
type lookup struct {
	name     string
	priority dnsclient.Priority
}

// fakeResolver answers from a map of fully qualified lower-case names; a
// name with names below it in the map is NODATA (an empty non-terminal, RFC
// 8020), unless brokenENT is set, which answers NXDOMAIN for it as some
// servers wrongly do; anything else is NXDOMAIN. It records every question
// with its priority.
type fakeResolver struct {
	mu        sync.Mutex
	answers   map[string]dnsclient.Answer
	asked     []lookup
	brokenENT bool
}

func newFake() *fakeResolver {
	return &fakeResolver{answers: map[string]dnsclient.Answer{}}
}

func (f *fakeResolver) Lookup(ctx context.Context, name string, qtype uint16) dnsclient.Answer {
	name = strings.ToLower(dns.Fqdn(name))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, lookup{name, dnsclient.PriorityFrom(ctx)})
	if a, ok := f.answers[name]; ok {
		if qtype == dns.TypeTXT {
			return a
		}
		return dnsclient.Answer{Name: name, Type: qtype, Status: dnsclient.StatusNoData}
	}
	if !f.brokenENT {
		for n := range f.answers {
			if strings.HasSuffix(n, "."+name) {
				return dnsclient.Answer{Name: name, Type: qtype, Status: dnsclient.StatusNoData}
			}
		}
	}
	return dnsclient.Answer{Name: name, Type: qtype, Status: dnsclient.StatusNXDomain}
}

// txt publishes TXT records at name, each built with dns.NewRR from
// presentation text (long strings split at 255 octets, as zone files do).
func (f *fakeResolver) txt(t testing.TB, name string, records ...string) {
	t.Helper()
	name = strings.ToLower(dns.Fqdn(name))
	a := dnsclient.Answer{Name: name, Type: dns.TypeTXT, Status: dnsclient.StatusRecords, TTL: 300}
	for _, r := range records {
		rr, err := dns.NewRR(fmt.Sprintf("%s 300 IN TXT %s", name, presentTXT(r)))
		if err != nil {
			t.Fatalf("building TXT for %s: %v", name, err)
		}
		a.Records = append(a.Records, rr)
	}
	f.answers[name] = a
}

// set publishes an arbitrary answer at name.
func (f *fakeResolver) set(name string, a dnsclient.Answer) {
	name = strings.ToLower(dns.Fqdn(name))
	a.Name = name
	a.Type = dns.TypeTXT
	f.answers[name] = a
}

func (f *fakeResolver) questions() []lookup {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]lookup(nil), f.asked...)
}

// presentTXT writes s as one or more quoted character-strings.
func presentTXT(s string) string {
	var parts []string
	for len(s) > 0 {
		n := min(len(s), 255)
		chunk := s[:n]
		s = s[n:]
		var b strings.Builder
		b.WriteByte('"')
		for i := 0; i < len(chunk); i++ {
			c := chunk[i]
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c < 0x20 || c > 0x7e:
				fmt.Fprintf(&b, "\\%03d", c)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte('"')
		parts = append(parts, b.String())
	}
	if len(parts) == 0 {
		return `""`
	}
	return strings.Join(parts, " ")
}

// loadTSV publishes the name<TAB>TXT rows of a transcribed DNS table.
func (f *fakeResolver) loadTSV(t testing.TB, path string) {
	t.Helper()
	for _, line := range strings.Split(string(readFile(t, path)), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, txt, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s: bad row %q", filepath.Base(path), line)
		}
		f.txt(t, name, txt)
	}
}
