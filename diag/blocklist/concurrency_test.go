package blocklist

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/dnsclient"
)

// barrierResolver holds every question until want questions are in flight
// together (or ctx ends), then answers: the listed test entries and one
// listed name with 127.0.0.2, everything else NXDOMAIN; once ctx has
// ended, an error. It records the
// questions and the priority each was asked at.
type barrierResolver struct {
	want    int
	listed  string // a question name answered as listed
	mu      sync.Mutex
	arrived int
	maxIn   int
	in      int
	asked   map[string]int
	leaf    bool
	release chan struct{}
}

func newBarrier(want int, listed string) *barrierResolver {
	return &barrierResolver{want: want, listed: listed, asked: map[string]int{}, leaf: true, release: make(chan struct{})}
}

func (b *barrierResolver) Lookup(ctx context.Context, name string, qtype uint16) dnsclient.Answer {
	b.mu.Lock()
	b.asked[dns.TypeToString[qtype]+" "+name]++
	b.leaf = b.leaf && dnsclient.PriorityFrom(ctx) == dnsclient.Leaf
	b.arrived++
	b.in++
	b.maxIn = max(b.maxIn, b.in)
	if b.arrived == b.want {
		close(b.release)
	}
	b.mu.Unlock()
	select {
	case <-b.release:
	case <-ctx.Done():
	}
	b.mu.Lock()
	b.in--
	b.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return dnsclient.Answer{Name: name, Type: qtype, Status: dnsclient.StatusError, Err: &dnsclient.LookupError{Name: name, Err: err}}
	}
	if qtype == dns.TypeA && (strings.HasPrefix(name, "2.0.0.127.") || strings.HasPrefix(name, "listed.test.") || name == b.listed) {
		rr := &dns.A{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeA, Class: dns.ClassINET}, A: net.IPv4(127, 0, 0, 2)}
		return dnsclient.Answer{Name: name, Type: qtype, Status: dnsclient.StatusRecords, Records: []dns.RR{rr}}
	}
	return dnsclient.Answer{Name: name, Type: qtype, Status: dnsclient.StatusNXDomain}
}

// TestEveryQuestionAtOnce proves there is no extra round trip: the health
// tests and every A and TXT question are in flight together, all at leaf
// priority, and each list's health test is asked once however many
// subjects it is asked about. (Counts, not time: a Check that waited for
// the health tests first would never fill the barrier and fail the
// count when the context ends.)
func TestEveryQuestionAtOnce(t *testing.T) {
	set := mustParse(t, `mxray-blocklists 1
list one.test
 name One
 kind ip
 code 127.0.0.2 listed error x
end
list two.test
 name Two
 kind ip
 ipv6 yes
 code 127.0.0.2 listed error x
end
list dom.test
 name Dom
 kind domain
 test-listed listed.test
 code 127.0.0.2 listed error x
end
`)
	subjects := []Subject{
		ipSubject("192.0.2.1", RoleMX), ipSubject("192.0.2.2", RoleMX), ipSubject("2001:db8::2", RoleMX),
		domainSubject("example.com", RoleDomain),
	}
	// 2 IPv4 x 2 lists + 1 IPv6 x 1 list + 1 domain x 1 list = 6 pairs, A and
	// TXT each; 3 lists x 2 health questions.
	const want = 6*2 + 3*2
	if n := Questions(subjects, set); n != want {
		t.Errorf("Questions = %d, want %d", n, want)
	}
	b := newBarrier(want, "1.2.0.192.two.test.")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := Check(ctx, b, subjects, set)
	if b.maxIn != want || b.arrived != want {
		t.Fatalf("%d questions asked, at most %d at once; want all %d at once", b.arrived, b.maxIn, want)
	}
	if !b.leaf {
		t.Error("a question was not asked at leaf priority")
	}
	for _, h := range []string{"A 2.0.0.127.one.test.", "A 1.0.0.127.two.test.", "A listed.test.dom.test.", "A invalid.dom.test."} {
		if b.asked[h] != 1 {
			t.Errorf("%s asked %d times, want once", h, b.asked[h])
		}
	}
	if len(res) != 6 {
		t.Fatalf("%d results", len(res))
	}
	listed := 0
	for _, r := range res {
		if r.Status == StatusListed {
			listed++
			if r.Subject != "192.0.2.1" || r.List != "Two" {
				t.Errorf("listed: %+v", r)
			}
		} else if r.Status != StatusNotListed {
			t.Errorf("%s on %s: %s %s", r.Subject, r.List, r.Status, r.Error)
		}
	}
	if listed != 1 {
		t.Errorf("%d listings, want 1", listed)
	}
	// Results come in subject order, then list order.
	order := []string{"192.0.2.1 One", "192.0.2.1 Two", "192.0.2.2 One", "192.0.2.2 Two", "2001:db8::2 Two", "example.com Dom"}
	for i, r := range res {
		if got := r.Subject + " " + r.List; got != order[i] {
			t.Errorf("result %d is %s, want %s", i, got, order[i])
		}
	}
}

// TestCancelled: a cancelled check returns at once with errors, never a
// verdict.
func TestCancelled(t *testing.T) {
	b := newBarrier(1000, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := Check(ctx, b, []Subject{ipSubject("192.0.2.1", RoleMX)}, only(t, Default(), "zen.spamhaus.org"))
	if len(res) != 1 || res[0].Status != StatusError || res[0].Why != ErrDNS || !errors.Is(res[0].Err, context.Canceled) {
		t.Fatalf("%+v", res)
	}
}
