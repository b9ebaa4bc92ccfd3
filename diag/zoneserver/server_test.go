package zoneserver_test

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// ask asks one question with a timeout no loaded machine reaches while
// the server answers.
func ask(t *testing.T, network, addr, name string, qtype uint16, edns uint16) (*dns.Msg, error) {
	t.Helper()
	return askWithin(t, network, addr, name, qtype, edns, 30*time.Second)
}

// askWithin asks with the given timeout: short only where the server is
// told never to answer, so that waiting longer could change nothing.
func askWithin(t *testing.T, network, addr, name string, qtype uint16, edns uint16, timeout time.Duration) (*dns.Msg, error) {
	t.Helper()
	m := new(dns.Msg).SetQuestion(name, qtype)
	if edns > 0 {
		m.SetEdns0(edns, false)
	}
	c := &dns.Client{Net: network, Timeout: timeout, UDPSize: 65535}
	r, _, err := c.Exchange(m, addr)
	return r, err
}

func TestServeUDPAndTCP(t *testing.T) {
	s := zoneservertest.New(t, zoneserver.BigZone())
	for _, network := range []string{"udp", "tcp"} {
		r, err := ask(t, network, s.Addr(), "www.example.", dns.TypeA, 0)
		if err != nil {
			t.Fatalf("%s: %v", network, err)
		}
		if !r.Authoritative || len(r.Answer) != 1 || r.IsEdns0() != nil {
			t.Errorf("%s: got %v", network, r)
		}
	}
	r, err := ask(t, "udp", s.Addr(), "www.example.", dns.TypeA, 1400)
	if err != nil {
		t.Fatal(err)
	}
	opt := r.IsEdns0()
	if opt == nil || opt.UDPSize() != zoneserver.AdvertisedUDPSize {
		t.Errorf("EDNS0 not echoed: %v", r.Extra)
	}
}

func TestBadEDNSVersion(t *testing.T) {
	s := zoneservertest.New(t, zoneserver.BigZone())
	m := new(dns.Msg).SetQuestion("www.example.", dns.TypeA)
	m.SetEdns0(1232, false)
	m.IsEdns0().SetVersion(1)
	r, err := dns.Exchange(m, s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeBadVers || len(r.Answer) != 0 {
		t.Errorf("rcode %s, answer %v; want BADVERS and nothing", dns.RcodeToString[r.Rcode], r.Answer)
	}
}

func TestTruncation(t *testing.T) {
	s := zoneservertest.New(t, zoneserver.BigZone())
	tests := []struct {
		name    string
		network string
		edns    uint16
		tc      bool
		full    bool
	}{
		{name: "udp without edns0 is cut at 512", network: "udp", tc: true},
		{name: "udp with a small edns0 buffer", network: "udp", edns: 1232, tc: true},
		{name: "udp with a buffer that fits", network: "udp", edns: 4096, full: true},
		{name: "tcp is whole", network: "tcp", full: true},
		{name: "tcp is whole with edns0", network: "tcp", edns: 1232, full: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ask(t, tt.network, s.Addr(), "big.example.", dns.TypeTXT, tt.edns)
			if err != nil {
				t.Fatal(err)
			}
			if r.Truncated != tt.tc {
				t.Errorf("TC = %v, want %v", r.Truncated, tt.tc)
			}
			if got := len(r.Answer); (got == 20) != tt.full {
				t.Errorf("%d answers, full=%v", got, tt.full)
			}
			if tt.edns > 0 && r.IsEdns0() == nil {
				t.Error("truncated reply lost its OPT record")
			}
		})
	}
}

func TestFaults(t *testing.T) {
	s := zoneservertest.New(t, zoneserver.BigZone())
	tests := []struct {
		fault   zoneserver.Fault
		network string
		check   func(*testing.T, *dns.Msg, error)
	}{
		{zoneserver.FaultNone, "udp", wantRcode(dns.RcodeSuccess, 1)},
		{zoneserver.FaultServFail, "udp", wantRcode(dns.RcodeServerFailure, 0)},
		{zoneserver.FaultRefused, "tcp", wantRcode(dns.RcodeRefused, 0)},
		{zoneserver.FaultDrop, "udp", wantTimeout},
		{zoneserver.FaultDrop, "tcp", wantTimeout},
		{zoneserver.FaultTruncate, "udp", func(t *testing.T, r *dns.Msg, err error) {
			if err != nil || !r.Truncated || len(r.Answer) != 0 {
				t.Errorf("got %v, %v; want TC and no answer", r, err)
			}
		}},
		{zoneserver.FaultTruncate, "tcp", wantRcode(dns.RcodeSuccess, 1)},
		{zoneserver.FaultNXDomain, "udp", func(t *testing.T, r *dns.Msg, err error) {
			wantRcode(dns.RcodeNameError, 0)(t, r, err)
			if err == nil && (len(r.Ns) != 1 || r.Ns[0].Header().Rrtype != dns.TypeSOA) {
				t.Errorf("authority %v, want the zone's SOA", r.Ns)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String()+"/"+tt.network, func(t *testing.T) {
			s.SetFault("WWW.example", dns.TypeA, tt.fault)
			timeout := 30 * time.Second
			if tt.fault == zoneserver.FaultDrop {
				timeout = 200 * time.Millisecond // never answered: any wait times out
			}
			r, err := askWithin(t, tt.network, s.Addr(), "www.example.", dns.TypeA, 1232, timeout)
			tt.check(t, r, err)
		})
	}
	// A fault set for one type leaves the others alone; qtype 0 covers all;
	// the exact type wins over qtype 0; FaultNone clears.
	s.SetFault("www.example.", dns.TypeA, zoneserver.FaultRefused)
	s.SetFault("www.example.", 0, zoneserver.FaultServFail)
	r, err := ask(t, "udp", s.Addr(), "www.example.", dns.TypeA, 0)
	wantRcode(dns.RcodeRefused, 0)(t, r, err)
	r, err = ask(t, "udp", s.Addr(), "www.example.", dns.TypeMX, 0)
	wantRcode(dns.RcodeServerFailure, 0)(t, r, err)
	s.SetFault("www.example.", 0, zoneserver.FaultNone)
	r, err = ask(t, "udp", s.Addr(), "www.example.", dns.TypeMX, 0)
	wantRcode(dns.RcodeSuccess, 0)(t, r, err)
}

func wantRcode(rcode, answers int) func(*testing.T, *dns.Msg, error) {
	return func(t *testing.T, r *dns.Msg, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if r.Rcode != rcode || len(r.Answer) != answers {
			t.Errorf("rcode %s with %d answers, want %s with %d", dns.RcodeToString[r.Rcode], len(r.Answer), dns.RcodeToString[rcode], answers)
		}
	}
}

func wantTimeout(t *testing.T, r *dns.Msg, err error) {
	t.Helper()
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("got %v, %v; want a timeout", r, err)
	}
}

// TestDecoys reads every datagram the server sends for one query: first the
// decoy, then the real answer.
func TestDecoys(t *testing.T) {
	s := zoneservertest.New(t, zoneserver.BigZone())
	for _, f := range []zoneserver.Fault{zoneserver.FaultWrongID, zoneserver.FaultWrongQuestion} {
		t.Run(f.String(), func(t *testing.T) {
			s.SetFault("www.example.", dns.TypeA, f)
			conn, err := dns.Dial("udp", s.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			q := new(dns.Msg).SetQuestion("www.example.", dns.TypeA)
			if err := conn.WriteMsg(q); err != nil {
				t.Fatal(err)
			}
			_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			first, err := conn.ReadMsg()
			if err != nil {
				t.Fatal(err)
			}
			second, err := conn.ReadMsg()
			if err != nil {
				t.Fatal(err)
			}
			switch f {
			case zoneserver.FaultWrongID:
				if first.Id == q.Id || first.Question[0] != q.Question[0] {
					t.Errorf("decoy %v should differ only in ID", first.MsgHdr)
				}
			case zoneserver.FaultWrongQuestion:
				if first.Id != q.Id || first.Question[0].Name == q.Question[0].Name {
					t.Errorf("decoy should differ only in question: %v", first.Question)
				}
			}
			if first.Rcode != dns.RcodeNameError {
				t.Errorf("decoy rcode %d, want NXDOMAIN", first.Rcode)
			}
			if second.Id != q.Id || second.Rcode != dns.RcodeSuccess || len(second.Answer) != 1 {
				t.Errorf("real reply %v", second)
			}
		})
	}
}

// exchange asks www-style questions of s in the background; each result
// arrives on the returned channel.
func exchange(s *zoneserver.Server, name string, n int) <-chan error {
	errs := make(chan error, n)
	for range n {
		go func() {
			c := &dns.Client{Timeout: time.Hour}
			r, _, err := c.Exchange(new(dns.Msg).SetQuestion(name, dns.TypeA), s.Addr())
			if err == nil && len(r.Answer) != 1 {
				err = errors.New("no answer")
			}
			errs <- err
		}()
	}
	return errs
}

// TestLatencyIsConcurrent: answers delayed by latency wait side by side,
// not one after another: with an hour's latency, fifty questions are all
// held at the server at once (a server that delayed them in turn would
// hold one). How long they take is BenchmarkLatencyConcurrent's business.
func TestLatencyIsConcurrent(t *testing.T) {
	s := zoneservertest.New(t, zoneserver.BigZone())
	s.SetLatency(time.Hour)
	const n = 50
	_ = exchange(s, "www.example.", n)
	zoneservertest.AwaitPending(t, s, n)
	if got := s.Queries(); got != n {
		t.Errorf("Queries() = %d, want %d", got, n)
	}
}

// TestHold: a held name is answered when the test releases it, and not
// before; other names are answered meanwhile.
func TestHold(t *testing.T) {
	s := zoneservertest.New(t, zoneserver.BigZone())
	release := s.Hold("WWW.example.")
	held := exchange(s, "www.example.", 3)
	zoneservertest.AwaitPending(t, s, 3)
	if r, err := ask(t, "udp", s.Addr(), "big.example.", dns.TypeTXT, 4096); err != nil || len(r.Answer) != 20 {
		t.Fatalf("a name not held: %v, %v", err, r)
	}
	select {
	case err := <-held:
		t.Fatalf("a held answer came before its release: %v", err)
	default:
	}
	if s.Pending() != 3 {
		t.Errorf("Pending() = %d while three are held, want 3", s.Pending())
	}
	release()
	release() // a second call is harmless
	for range 3 {
		if err := <-held; err != nil {
			t.Errorf("after release: %v", err)
		}
	}
	if s.Pending() != 0 {
		t.Errorf("Pending() = %d after release", s.Pending())
	}
	if _, err := ask(t, "udp", s.Addr(), "www.example.", dns.TypeA, 0); err != nil {
		t.Errorf("the name after release: %v", err)
	}
}

// TestNameLatency: a name's own latency holds its answers and no others,
// and clearing it lets new questions through at once.
func TestNameLatency(t *testing.T) {
	s := zoneservertest.New(t, zoneserver.BigZone())
	s.SetLatency(0)
	s.SetNameLatency("slow.example.", time.Hour)
	_ = exchange(s, "SLOW.example.", 1)
	zoneservertest.AwaitPending(t, s, 1)
	if _, err := ask(t, "udp", s.Addr(), "www.example.", dns.TypeA, 0); err != nil {
		t.Fatalf("fast name: %v", err)
	}
	if s.Pending() != 1 {
		t.Errorf("Pending() = %d, want the slow name's one answer", s.Pending())
	}
	s.SetNameLatency("slow.example.", -1)
	if _, err := ask(t, "udp", s.Addr(), "slow.example.", dns.TypeA, 0); err != nil {
		t.Errorf("cleared name latency still applies: %v", err)
	}
}

func TestReplace(t *testing.T) {
	s := zoneservertest.New(t, "$ORIGIN example.\n@ SOA ns hm 1 2 3 4 5\n_dmarc TXT \"v=DMARC1; p=none\"\n")
	get := func() string {
		r, err := ask(t, "udp", s.Addr(), "_dmarc.example.", dns.TypeTXT, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Answer) != 1 {
			return ""
		}
		return r.Answer[0].(*dns.TXT).Txt[0]
	}
	if got := get(); got != "v=DMARC1; p=none" {
		t.Fatalf("before: %q", got)
	}
	if err := s.Replace("$ORIGIN example.\n@ SOA ns hm 2 2 3 4 5\n_dmarc TXT \"v=DMARC1; p=reject\"\n"); err != nil {
		t.Fatal(err)
	}
	if got := get(); got != "v=DMARC1; p=reject" {
		t.Errorf("after Replace: %q", got)
	}
	if err := s.Replace("bad zone text here\n"); err == nil {
		t.Error("Replace accepted bad text")
	}
	if got := get(); got != "v=DMARC1; p=reject" {
		t.Errorf("failed Replace changed the zones: %q", got)
	}
}

func TestLogAndQueries(t *testing.T) {
	s := zoneservertest.New(t, zoneserver.BigZone())
	_, _ = ask(t, "udp", s.Addr(), "www.example.", dns.TypeA, 0)
	_, _ = ask(t, "tcp", s.Addr(), "Big.Example.", dns.TypeTXT, 1400)
	want := []zoneserver.Query{{Name: "www.example.", Type: dns.TypeA, RD: true}, {Name: "Big.Example.", Type: dns.TypeTXT, TCP: true, RD: true, EDNS: 1400}}
	got := s.Log()
	for i := range got {
		got[i].ID = 0 // random
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Log() = %v, want %v", got, want)
	}
	if s.Queries() != 2 {
		t.Errorf("Queries() = %d", s.Queries())
	}
}

func TestLifecycle(t *testing.T) {
	s, err := zoneserver.New(zoneserver.BigZone())
	if err != nil {
		t.Fatal(err)
	}
	if s.Addr() != "" {
		t.Error("Addr before Start")
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); !errors.Is(err, zoneserver.ErrStarted) {
		t.Errorf("second Start: %v", err)
	}
	// Close must not wait for answers held back by latency or a hold: one
	// held for an hour and one held until a release that never comes are
	// abandoned (were they waited for, Close would not return before go
	// test's -timeout).
	s.SetLatency(time.Hour)
	_ = s.Hold("big.example.")
	_ = exchange(s, "www.example.", 1)
	_ = exchange(s, "big.example.", 1)
	zoneservertest.AwaitPending(t, s, 2)
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	zoneservertest.Await(func() bool { return s.Pending() == 0 })
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := s.Start(); !errors.Is(err, zoneserver.ErrClosed) {
		t.Errorf("Start after Close: %v", err)
	}
	if _, err := ask(t, "udp", s.Addr(), "www.example.", dns.TypeA, 0); err == nil {
		t.Error("closed server still answers")
	}
}
