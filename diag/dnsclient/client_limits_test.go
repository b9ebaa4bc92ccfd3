package dnsclient

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

func TestLimitsReported(t *testing.T) {
	var zone strings.Builder
	zone.WriteString("$ORIGIN lim.example.\n@ SOA ns.lim.example. h.lim.example. 1 3600 600 86400 300\n")
	zone.WriteString(`big TXT "` + strings.Repeat("x", 250) + `" "` + strings.Repeat("y", 250) + "\"\n")
	srv := zoneservertest.New(t, zone.String())

	c := New(Config{Servers: []string{srv.Addr()}, Timeout: calm, MaxQueries: 3})
	for i := range 5 {
		c.Lookup(context.Background(), fmt.Sprintf("n%d.lim.example.", i), dns.TypeA)
	}
	if q, txt := c.Limits(); !q || txt {
		t.Errorf("Limits() = %v, %v after 5 questions on a budget of 3", q, txt)
	}

	c = New(Config{Servers: []string{srv.Addr()}, Timeout: calm, MaxTXTBytes: 100})
	a := c.Lookup(context.Background(), "big.lim.example.", dns.TypeTXT)
	if q, txt := c.Limits(); q || !txt || a.Status != StatusError {
		t.Errorf("Limits() = %v, %v, status %s after a 500-byte TXT on a budget of 100", q, txt, a.Status)
	}
}
