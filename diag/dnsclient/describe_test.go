package dnsclient

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// TestDescribe: every failure is worded without the question's name or
// server, and an answer is its status.
func TestDescribe(t *testing.T) {
	srv := zoneservertest.New(t, zone("example.", "sf IN A 192.0.2.3\nrf IN A 192.0.2.4\ndrop IN A 192.0.2.5\nloop1 IN CNAME loop2\nloop2 IN CNAME loop1\n"))
	srv.SetFault("sf.example.", 0, zoneserver.FaultServFail)
	srv.SetFault("rf.example.", 0, zoneserver.FaultRefused)
	srv.SetFault("drop.example.", 0, zoneserver.FaultDrop)
	c := testClient(srv)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name  string
		ctx   context.Context
		qname string
		want  string
	}{
		{"timeout", context.Background(), "drop.example.", "no answer in time"},
		{"SERVFAIL", context.Background(), "sf.example.", "the DNS server answered SERVFAIL"},
		{"REFUSED", context.Background(), "rf.example.", "the DNS server REFUSED the question"},
		{"cancelled", cancelled, "never.example.", "no answer: the lookup was cancelled"},
		{"CNAME loop", context.Background(), "loop1.example.", ErrCNAMELoop.Error()},
		{"bad name", context.Background(), "a..example.", "not a valid domain name"},
		{"NXDOMAIN is an answer", context.Background(), "nx.example.", "nxdomain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := c.Lookup(tt.ctx, tt.qname, dns.TypeA)
			got := a.Describe()
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("Describe() = %q, want %q", got, tt.want)
			}
			if strings.Contains(got, strings.TrimSuffix(tt.qname, ".")) || strings.Contains(got, "127.0.0.1") {
				t.Errorf("Describe() = %q names the question or the server", got)
			}
		})
	}
}

// TestSecretsMasked: a secret in the names asked (a DQS key) shows as
// [key] in the log and in what OnQuery gets, whatever its case, in the
// name and in the error; the answer itself keeps the name asked.
func TestSecretsMasked(t *testing.T) {
	const key = "Abc123SecretKey"
	srv := zoneservertest.New(t, zone("dq.example.", "2.0.0.127.abc123secretkey.zen IN A 127.0.0.2\nfail.abc123secretkey.zen IN A 127.0.0.2\n"))
	srv.SetFault("fail.abc123secretkey.zen.dq.example.", 0, zoneserver.FaultServFail)
	var mu sync.Mutex
	var seen []LogEntry
	c := testClient(srv, func(cfg *Config) {
		cfg.Secrets = []string{key}
		cfg.OnQuery = func(e LogEntry) { mu.Lock(); seen = append(seen, e); mu.Unlock() }
	})
	ok := c.Lookup(context.Background(), "2.0.0.127."+key+".zen.dq.example.", dns.TypeA)
	failed := c.Lookup(context.Background(), "FAIL.ABC123SECRETKEY.zen.dq.example.", dns.TypeA)
	if ok.Status != StatusRecords || failed.Status != StatusServFail {
		t.Fatalf("statuses %s, %s", ok.Status, failed.Status)
	}
	if !strings.Contains(ok.Name, key) {
		t.Errorf("the answer's name %q lost the name asked", ok.Name)
	}
	mu.Lock()
	defer mu.Unlock()
	log := c.Log()
	if len(log) != 2 || len(seen) != 2 {
		t.Fatalf("log %d, OnQuery %d entries", len(log), len(seen))
	}
	for _, e := range append(log, seen...) {
		text := fmt.Sprintf("%+v", e)
		if strings.Contains(strings.ToLower(text), strings.ToLower(key)) {
			t.Errorf("the key shows in %s", text)
		}
		if !strings.Contains(e.Name, ".[key].zen.dq.example.") {
			t.Errorf("name %q is not masked", e.Name)
		}
	}
	if e := log[1]; e.Err == "" || !strings.Contains(e.Err, "[key]") {
		t.Errorf("error %q", e.Err)
	}
}

// TestDefaultLeafPoolHoldsAFullCheck: with the default configuration, the
// leaf questions of a full check with blocklists (88 of them for 3 MX
// addresses on 8 lists and 3 domains) are all on the wire at once; with
// the old pool of 16 they queued behind one another.
func TestDefaultLeafPoolHoldsAFullCheck(t *testing.T) {
	const leaves = 100
	dead := newDeadServer(t)
	// The server never answers and nothing times out: a question held back
	// by the pool would wait until go test's -timeout.
	c := New(Config{Servers: []string{dead.Addr()}, Timeout: time.Hour})
	ctx, cancel := context.WithCancel(WithPriority(context.Background(), Leaf))
	var wg sync.WaitGroup
	for i := range leaves {
		wg.Go(func() { c.Lookup(ctx, fmt.Sprintf("q%d.example.", i), dns.TypeA) })
	}
	defer func() { cancel(); wg.Wait() }()
	zoneservertest.Await(func() bool { return dead.received.Load() >= leaves })
}
