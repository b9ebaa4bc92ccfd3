package netguard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		ip   string
		want Class
	}{
		// Public: allowed.
		{"8.8.8.8", ""},
		{"1.1.1.1", ""},
		{"93.184.216.34", ""},
		{"100.63.255.255", ""}, // just below 100.64/10
		{"100.128.0.0", ""},    // just above
		{"172.15.255.255", ""},
		{"172.32.0.0", ""},
		{"192.167.255.255", ""},
		{"192.169.0.0", ""},
		{"169.253.255.255", ""},
		{"126.255.255.255", ""},
		{"128.0.0.0", ""},
		{"1.0.0.0", ""},
		{"223.255.255.255", ""},
		{"198.17.255.255", ""},
		{"198.20.0.0", ""},
		{"192.0.1.1", ""},
		{"2001:4860:4860::8888", ""},
		{"2606:4700::1111", ""},
		{"2001::1", ""},          // Teredo: carried address is obfuscated; treated as public
		{"::ffff:8.8.8.8", ""},   // mapped public
		{"64:ff9b::808:808", ""}, // NAT64 of 8.8.8.8
		{"2002:808:808::1", ""},  // 6to4 of 8.8.8.8
		{"fbff:ffff::1", ""},     // just below fc00::/7
		{"fe00::1", ""},          // between fc00::/7 and fe80::/10
		// Unspecified and this network.
		{"0.0.0.0", Unspecified},
		{"::", Unspecified},
		{"0.1.2.3", ThisNetwork},
		{"0.255.255.255", ThisNetwork},
		// Loopback.
		{"127.0.0.1", Loopback},
		{"127.255.255.254", Loopback},
		{"::1", Loopback},
		// RFC 1918.
		{"10.0.0.1", Private},
		{"10.255.255.255", Private},
		{"172.16.0.1", Private},
		{"172.31.255.255", Private},
		{"192.168.0.1", Private},
		{"192.168.255.255", Private},
		// CGNAT.
		{"100.64.0.1", Shared},
		{"100.127.255.255", Shared},
		// Link-local, including the cloud metadata address.
		{"169.254.169.254", LinkLocal},
		{"169.254.0.0", LinkLocal},
		{"fe80::1", LinkLocal},
		{"fe80::1%eth0", LinkLocal},
		{"febf:ffff::1", LinkLocal},
		// Unique local and site-local.
		{"fc00::1", UniqueLocal},
		{"fd12:3456:789a::1", UniqueLocal},
		{"fec0::1", SiteLocal},
		// Multicast and reserved.
		{"224.0.0.1", Multicast},
		{"239.255.255.250", Multicast},
		{"ff02::1", Multicast},
		{"ff05::2", Multicast},
		{"240.0.0.1", Reserved},
		{"255.255.255.255", Reserved},
		// Special purpose.
		{"192.0.0.170", SpecialPurpose},
		{"198.18.0.1", SpecialPurpose},
		{"198.19.255.255", SpecialPurpose},
		{"100::1", SpecialPurpose},
		{"64:ff9b:1::a00:1", SpecialPurpose},
		// IPv4 carried in IPv6: judged by the IPv4 address.
		{"::ffff:127.0.0.1", Loopback},
		{"::ffff:10.1.2.3", Private},
		{"::ffff:169.254.169.254", LinkLocal},
		{"::ffff:100.64.0.1", Shared},
		{"::ffff:0.0.0.0", Unspecified},
		{"::ffff:0.1.2.3", ThisNetwork},
		{"::ffff:224.0.0.1", Multicast},
		{"::ffff:192.168.1.1", Private},
		{"::127.0.0.1", Loopback}, // IPv4-compatible (deprecated)
		{"::10.0.0.1", Private},
		{"64:ff9b::7f00:1", Loopback}, // NAT64 of 127.0.0.1
		{"64:ff9b::a9fe:a9fe", LinkLocal},
		{"2002:a00:1::1", Private}, // 6to4 of 10.0.0.1
		{"2002:7f00:1::", Loopback},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			ip := netip.MustParseAddr(tt.ip)
			if got := Classify(ip); got != tt.want {
				t.Errorf("Classify(%s) = %q, want %q", tt.ip, got, tt.want)
			}
			err := Check(ip)
			if (err != nil) != (tt.want != "") {
				t.Fatalf("Check(%s) = %v, want refused=%v", tt.ip, err, tt.want != "")
			}
			if err != nil {
				var fe *ForbiddenError
				if !errors.Is(err, ErrForbidden) || !errors.As(err, &fe) || fe.Class != tt.want {
					t.Errorf("Check(%s) = %v, want a *ForbiddenError of class %s", tt.ip, err, tt.want)
				}
			}
		})
	}
	if got := Classify(netip.Addr{}); got != Unspecified {
		t.Errorf("Classify(invalid) = %q, want unspecified", got)
	}
}

// fakeConn is a connection whose peer is what the test says.
type fakeConn struct {
	net.Conn
	remote net.Addr
	closed bool
}

func (c *fakeConn) RemoteAddr() net.Addr { return c.remote }
func (c *fakeConn) Close() error         { c.closed = true; return nil }

func TestGuardedDialer(t *testing.T) {
	tests := []struct {
		name      string
		network   string
		addr      string
		peer      net.Addr // what base connects to
		allow     bool
		wantBase  bool // base is called
		wantError bool
	}{
		{"public literal", "tcp", "8.8.8.8:443", tcpAddr("8.8.8.8:443"), false, true, false},
		{"loopback literal", "tcp", "127.0.0.1:443", tcpAddr("127.0.0.1:443"), false, false, true},
		{"private literal", "tcp", "10.0.0.5:25", tcpAddr("10.0.0.5:25"), false, false, true},
		{"metadata literal", "tcp", "169.254.169.254:80", nil, false, false, true},
		{"mapped loopback literal", "tcp", "[::ffff:127.0.0.1]:443", nil, false, false, true},
		{"ula literal", "tcp6", "[fd00::1]:443", nil, false, false, true},
		{"link-local with zone", "tcp6", "[fe80::1%eth0]:443", nil, false, false, true},
		{"unspecified", "tcp", "0.0.0.0:443", nil, false, false, true},
		{"cgnat", "tcp", "100.64.1.1:443", nil, false, false, true},
		{"localhost name", "tcp", "localhost:443", nil, false, false, true},
		{"name under localhost", "tcp", "db.localhost.:443", nil, false, false, true},
		{"name resolving public", "tcp", "mta-sts.example.com:443", tcpAddr("93.184.216.34:443"), false, true, false},
		{"name resolving loopback", "tcp", "mta-sts.example.com:443", tcpAddr("127.0.0.1:443"), false, true, true},
		{"name resolving private v6", "tcp", "mx.example.com:25", tcpAddr("[fd00::25]:25"), false, true, true},
		{"name resolving mapped private", "tcp", "mx.example.com:25", tcpAddr("[::ffff:192.168.1.1]:25"), false, true, true},
		{"udp peer private", "udp", "ns.example.com:53", &net.UDPAddr{IP: net.ParseIP("10.1.1.1"), Port: 53}, false, true, true},
		{"peer not an IP", "tcp", "example.com:443", fakeAddr("pipe"), false, true, true},
		{"unix network", "unix", "/run/docker.sock", nil, false, false, true},
		{"allowed private literal", "tcp", "10.0.0.5:25", tcpAddr("10.0.0.5:25"), true, true, false},
		{"allowed loopback name", "tcp", "localhost:443", tcpAddr("127.0.0.1:443"), true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			var conn *fakeConn
			base := func(ctx context.Context, network, addr string) (net.Conn, error) {
				called = true
				conn = &fakeConn{remote: tt.peer}
				return conn, nil
			}
			c, err := GuardedDialer(base, tt.allow)(context.Background(), tt.network, tt.addr)
			if called != tt.wantBase {
				t.Errorf("base called = %v, want %v", called, tt.wantBase)
			}
			if (err != nil) != tt.wantError {
				t.Fatalf("err = %v, want error %v", err, tt.wantError)
			}
			if err != nil {
				if !errors.Is(err, ErrForbidden) {
					t.Errorf("err = %v, want ErrForbidden", err)
				}
				if c != nil {
					t.Error("a refused dial returned a connection")
				}
				if conn != nil && !conn.closed {
					t.Error("the refused connection was not closed")
				}
				if strings.Contains(tt.addr, "example.com") && !strings.Contains(err.Error(), "example.com") {
					t.Errorf("err = %v, want it to name the host", err)
				}
			}
		})
	}
}

type fakeAddr string

func (a fakeAddr) Network() string { return string(a) }
func (a fakeAddr) String() string  { return string(a) }

func tcpAddr(s string) *net.TCPAddr {
	return net.TCPAddrFromAddrPort(netip.MustParseAddrPort(s))
}

func TestControl(t *testing.T) {
	tests := []struct {
		network, address string
		allow            bool
		want             bool // allowed
	}{
		{"tcp", "93.184.216.34:443", false, true},
		{"tcp4", "127.0.0.1:25", false, false},
		{"tcp6", "[::1]:25", false, false},
		{"tcp6", "[::ffff:10.0.0.1]:25", false, false},
		{"udp", "192.168.1.1:53", false, false},
		{"udp6", "[2001:4860:4860::8888]:53", false, true},
		{"tcp", "127.0.0.1:25", true, true},
		{"unix", "/tmp/x.sock", true, false},
		{"tcp", "not-an-address", false, false},
	}
	for _, tt := range tests {
		err := Control(tt.allow)(tt.network, tt.address, nil)
		if (err == nil) != tt.want {
			t.Errorf("Control(%v)(%s, %s) = %v, want allowed %v", tt.allow, tt.network, tt.address, err, tt.want)
		}
		if err != nil && !errors.Is(err, ErrForbidden) {
			t.Errorf("Control(%s) = %v, want ErrForbidden", tt.address, err)
		}
	}
}

// TestNewDialerRefusesBeforeConnect dials a real loopback listener: refused
// through the guard (by the Control hook, on the resolved address), reached
// when private targets are allowed.
func TestNewDialerRefusesBeforeConnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	// The name form goes through resolution first: the hook sees 127.0.0.1.
	for _, addr := range []string{ln.Addr().String(), net.JoinHostPort("localhost", port)} {
		d := NewDialer(5*time.Second, false)
		if c, err := d.DialContext(ctx, "tcp4", addr); err == nil {
			c.Close()
			t.Errorf("dial %s through the guard succeeded", addr)
		} else if !errors.Is(err, ErrForbidden) {
			t.Errorf("dial %s: %v, want ErrForbidden", addr, err)
		}
	}
	c, err := NewDialer(5*time.Second, true).DialContext(ctx, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial with private targets allowed: %v", err)
	}
	c.Close()
	// GuardedDialer over NewDialer: the literal is refused before dialling.
	_, err = GuardedDialer(NewDialer(5*time.Second, false).DialContext, false)(ctx, "tcp", ln.Addr().String())
	if !errors.Is(err, ErrForbidden) {
		t.Errorf("guarded dial of loopback = %v, want ErrForbidden", err)
	}
}

func TestCheckRedirect(t *testing.T) {
	mustReq := func(raw string) *http.Request {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return &http.Request{URL: u}
	}
	via := func(raws ...string) []*http.Request {
		var out []*http.Request
		for _, r := range raws {
			out = append(out, mustReq(r))
		}
		return out
	}
	tests := []struct {
		name  string
		to    string
		via   []*http.Request
		allow bool
		want  error // nil: followed
	}{
		{"public name", "https://bimi.example.net/logo.svg", via("https://example.com/"), false, nil},
		{"public literal", "https://93.184.216.34/x", via("https://example.com/"), false, nil},
		{"loopback literal", "https://127.0.0.1/x", via("https://example.com/"), false, ErrForbidden},
		{"metadata", "http://169.254.169.254/latest/meta-data/", via("http://example.com/"), false, ErrForbidden},
		{"private v6 literal", "https://[fd00::1]:8443/", via("https://example.com/"), false, ErrForbidden},
		{"mapped private", "https://[::ffff:10.0.0.1]/", via("https://example.com/"), false, ErrForbidden},
		{"localhost", "https://localhost:8080/", via("https://example.com/"), false, ErrForbidden},
		{"private allowed", "https://10.0.0.1/x", via("https://example.com/"), true, nil},
		{"downgrade", "http://example.net/", via("https://example.com/"), false, ErrRedirect},
		{"downgrade even when private allowed", "http://10.0.0.1/", via("https://example.com/"), true, ErrRedirect},
		{"other scheme", "file:///etc/passwd", via("https://example.com/"), false, ErrRedirect},
		{"gopher", "gopher://example.net/", via("http://example.com/"), true, ErrRedirect},
		{"too many", "https://example.net/6", via("https://a/1", "https://a/2", "https://a/3", "https://a/4", "https://a/5"), false, ErrRedirect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRedirect(tt.allow, 0)(mustReq(tt.to), tt.via)
			if tt.want == nil && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestRedirectNotFollowedIntoLoopback runs a real client against a loopback
// server (private targets allowed for the first hop only, as a test must
// reach loopback) whose redirect points at loopback by address and by a
// name: neither second request is made.
func TestRedirectNotFollowedIntoLoopback(t *testing.T) {
	var hits atomic.Int32
	inner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer inner.Close()
	_, port, _ := net.SplitHostPort(inner.Listener.Addr().String())
	outer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	defer outer.Close()
	outerAddr := outer.Listener.Addr().String()

	// The first hop is allowed because the test's own server is on
	// loopback; every other destination goes through the guard.
	guarded := GuardedDialer(NewDialer(5*time.Second, false).DialContext, false)
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == outerAddr {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
		if strings.HasPrefix(addr, "internal.test:") {
			// A name whose DNS answer is loopback: the guard sees the
			// resolved address at connect time.
			return NewDialer(5*time.Second, false).DialContext(ctx, network, "127.0.0.1:"+port)
		}
		return guarded(ctx, network, addr)
	}
	client := &http.Client{
		Transport:     &http.Transport{DialContext: dial, Proxy: nil},
		CheckRedirect: CheckRedirect(false, 0),
		Timeout:       10 * time.Second,
	}
	for _, to := range []string{
		"http://127.0.0.1:" + port + "/",
		"http://localhost:" + port + "/",
		"http://internal.test:" + port + "/",
	} {
		resp, err := client.Get("http://" + outerAddr + "/?to=" + url.QueryEscape(to))
		if err == nil {
			resp.Body.Close()
			t.Errorf("redirect to %s was followed", to)
			continue
		}
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("redirect to %s: %v, want ErrForbidden", to, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback server was reached %d times", n)
	}
}
