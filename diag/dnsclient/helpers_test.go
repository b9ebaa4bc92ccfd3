package dnsclient

import (
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// soa is the apex record every test zone starts with: TTL 300, negative
// TTL 60.
const soa = "@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 60\n@ IN NS ns1\nns1 IN A 192.0.2.53\n"

// zone returns zone text for origin with the given records.
func zone(origin, records string) string {
	return "$ORIGIN " + origin + "\n$TTL 3600\n" + soa + records
}

// calm is the per-question timeout of tests whose servers answer: no
// loaded machine reaches it, so no answer is retried or lost to the
// machine's speed. Tests that need a question to time out say which with
// Config.AttemptTimeout (zoneservertest.Expiry), never with a short
// Timeout.
const calm = 30 * time.Second

// testClient is a client of one zoneserver server whose questions time
// out only where the server drops them.
func testClient(srv *zoneserver.Server, mod ...func(*Config)) *Client {
	cfg := Config{Servers: []string{srv.Addr()}, Timeout: calm, AttemptTimeout: zoneservertest.Expiry(nil, srv)}
	for _, m := range mod {
		m(&cfg)
	}
	return New(cfg)
}

// deadServer is a UDP socket that reads questions and never answers; it
// counts the datagrams it received.
type deadServer struct {
	conn     net.PacketConn
	received atomic.Int64
}

func newDeadServer(t *testing.T) *deadServer {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &deadServer{conn: pc}
	go func() {
		buf := make([]byte, 2048)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
			d.received.Add(1)
		}
	}()
	t.Cleanup(func() { pc.Close() })
	return d
}

func (d *deadServer) Addr() string { return d.conn.LocalAddr().String() }

func mustAddr(t *testing.T, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
