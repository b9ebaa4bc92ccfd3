package smtp

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/policy"
	"github.com/mxray/mxray/diag/smtp/smtpd"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

func spkiSHA256(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	sum := sha256.Sum256(cfg.Certificates[0].Leaf.RawSubjectPublicKeyInfo)
	return hex.EncodeToString(sum[:])
}

// TestDANE probes servers whose TLSA records match or do not, validated
// or not: DANE decides a validated match (a self-signed certificate is then
// fine), a validated mismatch is cert_invalid even for a CA-signed one.
func TestDANE(t *testing.T) {
	p := newPKI(t)
	inter, err := p.ca.Intermediate("mxray smtp test intermediate", testNow)
	if err != nil {
		t.Fatal(err)
	}
	self := selfSigned(t, "mx1.example.com")
	caSigned := p.server(p.leaf("mx2.example.com"))
	interCert, err := inter.Issue(p.leaf("mx3.example.com"))
	if err != nil {
		t.Fatal(err)
	}
	viaInter := &tls.Config{Certificates: []tls.Certificate{interCert}}
	taSum := sha256.Sum256(inter.Cert.RawSubjectPublicKeyInfo)
	other := strings.Repeat("00", 32)
	zone := fmt.Sprintf(`$ORIGIN example.com.
@ 300 IN SOA ns hm 1 2 3 4 60
@ IN NS ns
ns IN A 192.0.2.53
_25._tcp.mx1 IN TLSA 3 1 1 %s
_25._tcp.mx2 IN TLSA 3 1 1 %s
_25._tcp.mx3 IN TLSA 2 1 1 %s
_25._tcp.mx4 IN TLSA 3 1 1 %s
`, spkiSHA256(t, self), other, hex.EncodeToString(taSum[:]), spkiSHA256(t, self))
	dns := zoneservertest.New(t, zone)
	dns.SetAD("example.com.", true)
	insecure := zoneservertest.New(t, strings.ReplaceAll(zone, "example.com.", "example.net."))

	tests := []struct {
		name      string
		host      string
		cfg       *tls.Config
		server    *zoneserver.Server
		status    Status
		match     *bool
		dnssec    dnsclient.DNSSEC
		finding   string
		nofinding string
	}{
		{"usage 3 match, self-signed", "mx1.example.com", self, dns, StatusOK, ptr(true), dnsclient.DNSSECSecure, "smtp.cert_untrusted", "smtp.dane_mismatch"},
		{"usage 3 mismatch, CA-signed", "mx2.example.com", caSigned, dns, StatusCertInvalid, ptr(false), dnsclient.DNSSECSecure, "smtp.dane_mismatch", ""},
		{"usage 2 match through the intermediate", "mx3.example.com", viaInter, dns, StatusOK, ptr(true), dnsclient.DNSSECSecure, "", "smtp.dane_mismatch"},
		{"no TLSA", "mx9.example.com", caSigned, dns, StatusCertInvalid, nil, dnsclient.DNSSECSecure, "smtp.cert_name_mismatch", "smtp.dane_mismatch"},
		{"not validated: PKIX decides", "mx1.example.net", self, insecure, StatusCertInvalid, ptr(true), dnsclient.DNSSECInsecure, "smtp.dane_insecure", "smtp.dane_mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, smtpd.Behavior{Hostname: tt.host, TLS: tt.cfg})
			o := quickOptions()
			o.Roots = p.ca.Pool()
			o.Dial = routes{"192.0.2.10:25": srv.Addr()}.dial
			o.Resolver = dnsclient.New(dnsclient.Config{Servers: []string{tt.server.Addr()}, Timeout: 30 * time.Second})
			r := Probe(context.Background(), Target{Host: tt.host, IP: addr("192.0.2.10")}, o)
			if r.Status != tt.status || r.DANE.DNSSEC != tt.dnssec {
				t.Fatalf("status %s dnssec %s, want %s %s (dane %+v, err %v)", r.Status, r.DANE.DNSSEC, tt.status, tt.dnssec, r.DANE, r.Err)
			}
			if (tt.match == nil) != (r.DANE.Match == nil) || (tt.match != nil && *tt.match != *r.DANE.Match) {
				t.Errorf("match %v, want %v (%+v)", r.DANE.Match, tt.match, r.DANE)
			}
			fs := Findings([]Result{r}, nil, testNow)
			if tt.finding != "" && !hasCode(fs, tt.finding) {
				t.Errorf("no %s in %v", tt.finding, codes(fs))
			}
			if tt.nofinding != "" && hasCode(fs, tt.nofinding) {
				t.Errorf("%s in %v", tt.nofinding, codes(fs))
			}
		})
	}
}

func ptr(b bool) *bool { return &b }

// TestMTASTS holds each MX against an enforced policy: covered with a
// matching certificate, covered by a one-label wildcard, not covered (two
// labels under the wildcard; another domain), covered but with a
// certificate for another name. A host the policy does not cover is the
// MTA-STS part's finding (mta_sts.mx_mismatch), never the probe's too.
func TestMTASTS(t *testing.T) {
	p := newPKI(t)
	pol, err := policy.ParseSTSPolicy("version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.mx.example.net\nmax_age: 86400\n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host    string
		cert    string
		want    bool
		pattern string
		finding string
	}{
		{"mx1.example.com", "mx1.example.com", true, "mx1.example.com", ""},
		{"a.mx.example.net", "*.mx.example.net", true, "*.mx.example.net", ""},
		{"a.b.mx.example.net", "a.b.mx.example.net", false, "", ""},
		{"mx2.example.org", "mx2.example.org", false, "", ""},
		{"mx1.example.com", "mail.example.com", false, "mx1.example.com", "smtp.mta_sts_cert_mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.host+" with "+tt.cert, func(t *testing.T) {
			srv := startServer(t, smtpd.Behavior{Hostname: tt.host, TLS: p.server(p.leaf(tt.cert))})
			o := quickOptions()
			o.Roots, o.MTASTS = p.ca.Pool(), pol
			o.Dial = routes{"192.0.2.10:25": srv.Addr()}.dial
			r := Probe(context.Background(), Target{Host: tt.host, IP: addr("192.0.2.10")}, o)
			if r.TLS == nil || r.TLS.NamesMatchMTASTS == nil || *r.TLS.NamesMatchMTASTS != tt.want || r.TLS.MTASTSPattern != tt.pattern {
				t.Fatalf("tls %+v", r.TLS)
			}
			// The same, with the policy applied after the probe.
			o.MTASTS = nil
			late := Probe(context.Background(), Target{Host: tt.host, IP: addr("192.0.2.10")}, o)
			ApplyMTASTS(&late, pol)
			if late.TLS == nil || late.TLS.NamesMatchMTASTS == nil || *late.TLS.NamesMatchMTASTS != tt.want || late.TLS.MTASTSPattern != tt.pattern {
				t.Errorf("applied late: %+v", late.TLS)
			}
			fs := Findings([]Result{r}, pol, testNow)
			if tt.finding == "" && hasCode(fs, "smtp.mta_sts_cert_mismatch") {
				t.Errorf("a certificate mismatch reported for a host the policy does not cover: %v", codes(fs))
			}
			if tt.finding != "" {
				found := false
				for _, f := range fs {
					if f.Code == tt.finding {
						found = f.Severity == "error" // enforce mode
					}
				}
				if !found {
					t.Errorf("no error %s in %v", tt.finding, codes(fs))
				}
			}
		})
	}
	// Without TLS there is no certificate to hold against the policy: the
	// field stays null and the probe adds no MTA-STS finding.
	plain := startServer(t, smtpd.Behavior{Hostname: "mx9.example.org"})
	o := quickOptions()
	o.MTASTS, o.Dial = pol, routes{"192.0.2.10:25": plain.Addr()}.dial
	r := Probe(context.Background(), Target{Host: "mx9.example.org", IP: addr("192.0.2.10")}, o)
	if fs := Findings([]Result{r}, pol, testNow); r.Status != StatusNoSTARTTLS || r.TLS != nil || hasCode(fs, "smtp.mta_sts_cert_mismatch") {
		t.Errorf("no TLS, not covered: %s %v", r.Status, codes(fs))
	}
	// Without a policy the field is null.
	srv := startServer(t, smtpd.Behavior{TLS: p.server(p.leaf("mx1.example.com"))})
	o = quickOptions()
	o.Roots, o.Dial = p.ca.Pool(), routes{"192.0.2.10:25": srv.Addr()}.dial
	if r := Probe(context.Background(), Target{Host: "mx1.example.com", IP: addr("192.0.2.10")}, o); r.TLS == nil || r.TLS.NamesMatchMTASTS != nil {
		t.Errorf("no policy: %+v", r.TLS)
	}
}

// TestBannerCrossChecks holds the banner's name against the MX name and
// the PTR names (MXToolbox's "reverse DNS does not match SMTP banner").
func TestBannerCrossChecks(t *testing.T) {
	tests := []struct {
		name     string
		banner   string
		ehloHost string
		ptr      *ReverseDNS
		matchPTR *bool
		matchMX  bool
		codes    []string
		says     string // in the message of the finding with the first code
	}{
		{"all agree", "mx1.example.com", "", &ReverseDNS{Names: []string{"MX1.example.com."}, FCrDNS: true}, ptr(true), true, nil, ""},
		{"PTR names another host", "mx1.example.com", "", &ReverseDNS{Names: []string{"host-192-0-2-10.isp.example"}}, ptr(false), true, []string{"smtp.banner_ptr_mismatch"}, "the reverse DNS of 192.0.2.10 names something else"},
		{"no PTR", "mx1.example.com", "", &ReverseDNS{}, ptr(false), true, []string{"smtp.banner_ptr_mismatch"}, "192.0.2.10 has no PTR record"},
		{"PTR unknown", "mx1.example.com", "", nil, nil, true, nil, ""},
		{"banner is the PTR, not the MX", "smtp.provider.example", "", &ReverseDNS{Names: []string{"smtp.provider.example"}, FCrDNS: true}, ptr(true), false, nil, ""},
		{"EHLO names another host", "mx1.example.com", "backend.example.com", nil, nil, true, []string{"smtp.ehlo_banner_differ"}, "answers EHLO as \"backend.example.com\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, smtpd.Behavior{Hostname: tt.banner, EHLOHost: tt.ehloHost})
			o := quickOptions()
			o.Dial = routes{"192.0.2.10:25": srv.Addr()}.dial
			r := Probe(context.Background(), Target{Host: "mx1.example.com", IP: addr("192.0.2.10"), PTR: tt.ptr}, o)
			if (r.BannerMatchesPTR == nil) != (tt.matchPTR == nil) || (tt.matchPTR != nil && *r.BannerMatchesPTR != *tt.matchPTR) || r.BannerMatchesMX != tt.matchMX {
				t.Errorf("banner %q: matches PTR %v MX %v", r.BannerHost, r.BannerMatchesPTR, r.BannerMatchesMX)
			}
			fs := Findings([]Result{r}, nil, testNow)
			for _, c := range tt.codes {
				if !hasCode(fs, c) {
					t.Errorf("no %s in %v", c, codes(fs))
				}
			}
			if tt.codes == nil && (hasCode(fs, "smtp.banner_ptr_mismatch") || hasCode(fs, "smtp.ehlo_banner_differ")) {
				t.Errorf("unexpected %v", codes(fs))
			}
			for _, f := range fs {
				if tt.says != "" && f.Code == tt.codes[0] && !strings.Contains(f.Message, tt.says) {
					t.Errorf("%s says %q, not %q", f.Code, f.Message, tt.says)
				}
			}
		})
	}
}

// TestBlockedHere: port 25 timing out everywhere is blocked_here only with
// evidence that the hosts (or a control target) answer on another port.
func TestBlockedHere(t *testing.T) {
	ok := startServer(t, smtpd.Behavior{})
	control, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer control.Close()
	go func() {
		for {
			c, err := control.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	targets := []Target{{Host: "mx1.example.com", IP: addr("192.0.2.10")}, {Host: "mx2.example.com", IP: addr("2001:db8::20")}}
	tests := []struct {
		name     string
		routes   map[string]string
		ports    []int
		control  []string
		want     []Status
		evidence string
	}{
		{"443 refused: the hosts answer", map[string]string{"192.0.2.10:443": "refused"}, []int{443}, nil,
			[]Status{StatusBlockedHere, StatusBlockedHere}, "192.0.2.10:443 refused the connection"},
		{"443 accepted on the second host", map[string]string{"[2001:db8::20]:443": ok.Addr()}, []int{443}, nil,
			[]Status{StatusBlockedHere, StatusBlockedHere}, "[2001:db8::20]:443 accepted"},
		{"a control target answers", map[string]string{"control.example:80": control.Addr().String()}, []int{}, []string{"control.example:80"},
			[]Status{StatusBlockedHere, StatusBlockedHere}, "control.example:80 accepted"},
		{"nothing answers: no claim", map[string]string{}, []int{443}, nil,
			[]Status{StatusUnreachable, StatusUnreachable}, "do not answer from here at all"},
		{"no evidence sought", map[string]string{}, []int{}, nil,
			[]Status{StatusUnreachable, StatusUnreachable}, "no other port was tried"},
		{"one MX answers: port 25 is open here", map[string]string{"[2001:db8::20]:25": ok.Addr(), "192.0.2.10:443": "refused"}, []int{443}, nil,
			[]Status{StatusUnreachable, StatusNoSTARTTLS}, ""},
		{"one MX refuses port 25", map[string]string{"[2001:db8::20]:25": "refused", "192.0.2.10:443": "refused"}, []int{443}, nil,
			[]Status{StatusUnreachable, StatusRefused}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := quickOptions()
			o.Dial, o.ControlPorts, o.ControlTargets = fakeDial(tt.routes), tt.ports, tt.control
			rs := ProbeAll(context.Background(), targets, o)
			for i, r := range rs {
				if r.Status != tt.want[i] {
					t.Errorf("%s: status %s, want %s (%s; %s)", r.IP, r.Status, tt.want[i], r.Error, r.Evidence)
				}
				if tt.evidence != "" && !strings.Contains(r.Evidence, tt.evidence) {
					t.Errorf("%s: evidence %q lacks %q", r.IP, r.Evidence, tt.evidence)
				}
			}
			// Address by address, then decided once all are in: the same.
			one := make([]Result, len(targets))
			for i, tg := range targets {
				one[i] = Probe(context.Background(), tg, o)
			}
			DecideBlocked(context.Background(), one, o)
			for i := range one {
				if one[i].Status != rs[i].Status || one[i].Evidence != rs[i].Evidence {
					t.Errorf("%s one by one: %s %q, together: %s %q", one[i].IP, one[i].Status, one[i].Evidence, rs[i].Status, rs[i].Evidence)
				}
			}
			fs := Findings(rs, nil, testNow)
			if blocked := tt.want[0] == StatusBlockedHere; hasCode(fs, "smtp.blocked_here") != blocked || (blocked && hasCode(fs, "smtp.unreachable")) {
				t.Errorf("findings %v", codes(fs))
			}
		})
	}
}

// TestConcurrent: 10 MX with 2 addresses each are probed at once: every
// server holds its greeting until all 20 connections are open, so a probe
// that went one by one would fail at the greeting step.
func TestConcurrent(t *testing.T) {
	const n = 20
	var (
		mu      sync.Mutex
		arrived int
		all     = make(chan struct{})
	)
	srv := startServer(t, smtpd.Behavior{OnConnect: func() {
		mu.Lock()
		arrived++
		if arrived == n {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
		case <-time.After(30 * time.Second):
		}
	}})
	rt := routes{}
	var targets []Target
	for i := range n / 2 {
		host := fmt.Sprintf("mx%d.example.com", i)
		v4, v6 := fmt.Sprintf("192.0.2.%d", i+1), fmt.Sprintf("2001:db8::%d", i+1)
		rt[v4+":25"], rt["["+v6+"]:25"] = srv.Addr(), srv.Addr()
		targets = append(targets, Target{Host: host, IP: addr(v4)}, Target{Host: host, IP: addr(v6)})
	}
	o := quickOptions()
	o.Timeouts.Greeting = 20 * time.Second
	o.Dial = rt.dial
	rs := ProbeAll(context.Background(), targets, o)
	for i, r := range rs {
		if r.Status != StatusNoSTARTTLS || r.IP != targets[i].IP || r.Host != targets[i].Host {
			t.Errorf("%d: %s %s %s (%v)", i, r.Host, r.IP, r.Status, r.Err)
		}
	}
	if srv.Peak() != n {
		t.Errorf("at most %d connections open at once, want %d", srv.Peak(), n)
	}
	// A concurrency bound of 5 is kept: counted on the probe's side, where
	// a connection is closed before the next one may open.
	srv2 := startServer(t, smtpd.Behavior{})
	for k := range rt {
		rt[k] = srv2.Addr()
	}
	var open, peak atomic.Int64
	o.Concurrency = 5
	o.Dial = func(ctx context.Context, network, a string) (net.Conn, error) {
		c, err := rt.dial(ctx, network, a)
		if err != nil {
			return nil, err
		}
		n := open.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		return &countedConn{Conn: c, open: &open}, nil
	}
	ProbeAll(context.Background(), targets, o)
	if p := peak.Load(); p > 5 || srv2.Accepted() != n {
		t.Errorf("peak %d accepted %d with a bound of 5", p, srv2.Accepted())
	}
}

// countedConn counts itself out when closed.
type countedConn struct {
	net.Conn
	open *atomic.Int64
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.open.Add(-1) })
	return c.Conn.Close()
}
