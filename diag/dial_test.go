package diag

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/netguard"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// TestPublicDialer: a name that resolves to loopback, a loopback literal
// and localhost are refused by PublicDialer before any connection reaches
// the listener there; Dialer (the local CLI's) connects.
func TestPublicDialer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	srv := zoneservertest.New(t, `$ORIGIN victim.example.
@        300 IN SOA ns hostmaster 1 7200 3600 1209600 60
@            IN NS  ns
ns           IN A   192.0.2.53
mta-sts      IN A   127.0.0.1
inside       IN A   10.1.2.3
`)
	client := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	guarded := PublicDialer(client, time.Second)
	for _, addr := range []string{
		"mta-sts.victim.example:" + port,
		"inside.victim.example:" + port,
		"127.0.0.1:" + port,
		"[::1]:" + port,
		"localhost:" + port,
	} {
		c, err := guarded(ctx, "tcp", addr)
		if err == nil {
			c.Close()
			t.Errorf("%s: connected", addr)
			continue
		}
		if !errors.Is(err, netguard.ErrForbidden) {
			t.Errorf("%s: %v, want a refusal", addr, err)
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Fatalf("the loopback listener accepted %d connections through the guarded dialer", n)
	}
	c, err := Dialer(client, time.Second)(ctx, "tcp", "mta-sts.victim.example:"+port)
	if err != nil {
		t.Fatalf("unguarded: %v", err)
	}
	c.Close()
}
