package dnsclient

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// BenchmarkLookupWire times one uncached question to an in-process server
// over loopback UDP: the client's own cost plus the server's.
func BenchmarkLookupWire(b *testing.B) {
	srv := zoneservertest.New(b, zone("example.", "www IN TXT \"v=spf1 -all\"\n"))
	c := New(Config{Servers: []string{srv.Addr()}, Timeout: time.Second, MaxQueries: 1 << 30})
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		// A fresh name each time: nothing comes from the cache.
		if a := c.Lookup(ctx, "n"+strconv.Itoa(i)+".example.", dns.TypeTXT); a.Status != StatusNXDomain {
			b.Fatal(a.Status, a.Err)
		}
	}
}

// BenchmarkLookupCached times a question answered from the client's cache.
func BenchmarkLookupCached(b *testing.B) {
	srv := zoneservertest.New(b, zone("example.", "www IN TXT \"v=spf1 -all\"\n"))
	c := New(Config{Servers: []string{srv.Addr()}, Timeout: time.Second})
	ctx := context.Background()
	c.Lookup(ctx, "www.example.", dns.TypeTXT)
	for b.Loop() {
		if a := c.Lookup(ctx, "www.example.", dns.TypeTXT); !a.Cached {
			b.Fatal("not cached")
		}
	}
}
