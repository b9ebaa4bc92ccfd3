package smtpcheck

import (
	"context"
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/demo/demotest"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/smtp"
)

// codes are the findings' codes.
func codes(c *Check) []string {
	var out []string
	for _, f := range c.Findings {
		out = append(out, f.Code)
	}
	return out
}

// TestRun: mxray smtp of a domain, of a host without MX records (its own
// addresses, no mx.implicit warning), and of an address (its PTR), on the
// demo zone and its mail servers.
func TestRun(t *testing.T) {
	srv, o := demotest.Serve(t)
	check := func(name string, ip netip.Addr) *Check {
		c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second})
		return Run(context.Background(), c, name, ip, diag.Options{Offline: true, SMTP: &o})
	}
	d := check("healthy.example", netip.Addr{})
	if d.Host || d.MX == nil || len(d.SMTP.Results) != 4 || len(d.Findings) != 0 {
		t.Errorf("domain: host %v, %d results, findings %v", d.Host, len(d.SMTP.Results), codes(d))
	}
	h := check("mx1.healthy.example", netip.Addr{})
	if !h.Host || len(h.SMTP.Results) != 1 || h.SMTP.Results[0].Host != "mx1.healthy.example" || h.SMTP.Results[0].Status != smtp.StatusOK || !h.SMTP.Results[0].BannerMatchesMX {
		t.Errorf("host: %+v", h.SMTP)
	}
	if slices.Contains(codes(h), "mx.implicit") {
		t.Errorf("a host probed is told it has no MX: %v", codes(h))
	}
	a := check("", netip.MustParseAddr("192.0.2.20"))
	if a.PTR == nil || !slices.Equal(a.PTR.PTR, []string{"mx2.healthy.example"}) || len(a.SMTP.Results) != 1 {
		t.Fatalf("address: ptr %+v results %+v", a.PTR, a.SMTP.Results)
	}
	// No host name: the certificate's names are held against none (the
	// chain and dates still count), and there is no TLSA name to look up.
	if r := a.SMTP.Results[0]; r.Status != smtp.StatusOK || r.TLS == nil || r.TLS.NamesMatchMX || r.BannerMatchesPTR == nil || !*r.BannerMatchesPTR || len(r.DANE.TLSA) != 0 {
		t.Errorf("address: %s tls %+v banner matches PTR %v dane %+v", r.Status, r.TLS, r.BannerMatchesPTR, r.DANE)
	}
	b, err := json.Marshal(a)
	if err != nil || !strings.Contains(string(b), `"ip":"192.0.2.20"`) || strings.Contains(string(b), `"domain"`) {
		t.Errorf("address JSON %s %v", b, err)
	}
}
