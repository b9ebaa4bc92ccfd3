package dnsclient

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Defaults for the zero values of Config.
//
// The leaf pool has room for every leaf question of a full check at once,
// so that they all take one round trip: about 40 DKIM selector probes and
// the policy records at the start, then, once the MX addresses are known,
// the blocklist questions (A and TXT per address or domain and list, two
// health-test questions per list: 88 for 3 MX addresses on 8 lists and 3
// domains on 3, see blocklist.Questions). Leaves never take critical
// slots, so however many are in flight, a critical question never waits
// behind them.
const (
	DefaultTimeout         = 2 * time.Second
	DefaultMaxInFlight     = 64
	DefaultMaxLeafInFlight = 128
	DefaultMaxQueries      = 500
	DefaultMaxCNAMEs       = 8
	DefaultMaxTXTBytes     = 1 << 20
	DefaultMaxLog          = 100_000
)

// EDNSBufferSize is the UDP payload size the client advertises in EDNS0
// (RFC 6891 §6.2.5): 1232 bytes, the DNS Flag Day 2020 value that fits a
// 1280-byte IPv6 MTU without fragmentation.
const EDNSBufferSize = 1232

// Config sets up a Client. Zero values take the defaults above.
type Config struct {
	// Servers are asked in order, "host:port"; port 53 is added when
	// missing, IPv6 may be bare or in brackets. A host name is resolved by
	// the system when dialling; give addresses to avoid that.
	Servers []string
	// ServerNames names servers for people, by "host:port" (the in-process
	// server of --demo is "the demo zone"): Answer.ServerName carries it.
	ServerNames map[string]string
	// Timeout bounds one question including its one retry.
	Timeout time.Duration
	// Authoritative asks each name's own zone nameservers (found through
	// Servers) with RD=0, bypassing caches.
	Authoritative bool
	// Overlays send names equal to or below their zones to their server.
	Overlays []Overlay
	// MaxInFlight bounds concurrent critical questions.
	MaxInFlight int
	// MaxLeafInFlight bounds concurrent leaf questions; leaves never take
	// critical slots.
	MaxLeafInFlight int
	// MaxQueries bounds the questions this client sends on the wire.
	MaxQueries int
	// MaxCNAMEs bounds one CNAME chain.
	MaxCNAMEs int
	// MaxTXTBytes bounds the TXT bytes this client accepts in total.
	MaxTXTBytes int
	// MaxLog bounds the entries Log keeps; later calls are answered and
	// counted but not logged. DefaultMaxLog when 0; negative keeps none (a
	// bulk evaluation that asks per client IP).
	MaxLog int
	// OnQuery, when set, is called with every log entry as it is recorded,
	// from the goroutine of the lookup. It must not block long.
	OnQuery func(LogEntry)
	// Cache, when set, shares replies with every other client that uses it
	// (a batch run, a server's sessions); see Cache. Authoritative mode
	// never uses it.
	Cache *Cache
	// Limiter, when set, is waited on before every question put on the
	// wire, retries included; cache hits and merged questions do not wait.
	Limiter Limiter
	// Health, when set, tracks whether Servers answer at all, shared by
	// every client that uses it, and makes questions fail at once while
	// they do not; see Health.
	Health *Health
	// NameserverAddr, when set, turns a nameserver found in authoritative
	// mode (its host name and one of its addresses) into the "host:port" to
	// ask. Nil asks the address on port 53. Tests use it to reach loopback
	// servers on other ports.
	NameserverAddr func(host string, ip netip.Addr) string
	// AttemptTimeout, when set, decides when each attempt of a question
	// times out, in place of the clock: it is called once the attempt is
	// sent, with the server and the question, and the attempt times out
	// when the returned channel is closed (never, for nil). Timeout and the
	// context's deadline still apply. Tests set it, with a Timeout longer
	// than any test, so that exactly the questions a fault withholds time
	// out, at once, while an answered question waits as long as a loaded
	// machine needs: no count or verdict then depends on the machine's
	// speed. Nil leaves timing to Timeout alone.
	AttemptTimeout func(server, name string, qtype uint16) <-chan struct{}
	// CheckNameserver, when set, judges every nameserver address that
	// authoritative mode found in DNS (glue or an A/AAAA answer) before it
	// is asked: an address it refuses is skipped, and when it refuses them
	// all the question fails with ErrNameservers wrapping its error. mxray
	// serve passes netguard.Check, so that a zone cannot point the server's
	// questions at its own networks. Servers and Overlays, which the
	// operator gave, are never judged.
	CheckNameserver func(ip netip.Addr) error
	// Secrets never show in the log: every one (a Spamhaus DQS key, which
	// is part of the names asked) is replaced by SecretMask in the names
	// and errors it records, and so in what OnQuery is given.
	Secrets []string
}

// Overlay answers every name at or below one of Zones from Server.
type Overlay struct {
	Zones  []string
	Server string // host:port
}

// normalizeServer returns s as host:port, adding port 53 when missing.
func normalizeServer(s string) string {
	s = strings.TrimSpace(s)
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.String()
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return netip.AddrPortFrom(a, 53).String()
	}
	if _, _, err := net.SplitHostPort(s); err == nil {
		return s
	}
	return net.JoinHostPort(s, "53")
}

// ErrBadServer: a server given to ask is not HOST[:PORT].
var ErrBadServer = errors.New("not a DNS server address (HOST[:PORT])")

// ParseServer checks a server given to ask (--resolver) and returns it as
// "host:port", port 53 when none is given: an IPv4 or IPv6 address (bare
// or in brackets, with or without a port) or a host name, and a port from 1
// to 65535. Anything else is an error wrapping ErrBadServer that says what
// is wrong.
func ParseServer(s string) (string, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return "", fmt.Errorf("%w: empty", ErrBadServer)
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(in, "["), "]")); err == nil {
		return netip.AddrPortFrom(a, 53).String(), nil
	}
	host, port := in, "53"
	if h, p, err := net.SplitHostPort(in); err == nil {
		host, port = h, p
	} else if strings.Contains(in, "]") || strings.Count(in, ":") == 1 {
		return "", fmt.Errorf("%w: %q: %v", ErrBadServer, s, err)
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil || n == 0 {
		return "", fmt.Errorf("%w: %q: the port must be a number from 1 to 65535", ErrBadServer, s)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return netip.AddrPortFrom(a, uint16(n)).String(), nil
	}
	if err := CheckHostName(host); err != nil {
		return "", fmt.Errorf("%w: %q: neither an IP address nor a host name (%v)", ErrBadServer, s, err)
	}
	return net.JoinHostPort(host, port), nil
}

// CheckHostName accepts a host name of letters, digits, hyphens and
// underscores, in labels of 1 to 63 octets, at most 253 in all; one
// trailing dot is allowed. The error says what is wrong.
func CheckHostName(name string) error {
	name = strings.TrimSuffix(name, ".")
	if name == "" {
		return errors.New("empty name")
	}
	if len(name) > 253 {
		return fmt.Errorf("%d characters is longer than a name may be (253)", len(name))
	}
	for _, l := range strings.Split(name, ".") {
		if l == "" {
			return errors.New("empty label (two dots in a row)")
		}
		if len(l) > 63 {
			return fmt.Errorf("label %q is longer than 63 characters", l)
		}
		for i := 0; i < len(l); i++ {
			c := l[i] | 0x20 // ASCII letters in lower case; other bytes stay outside a-z
			if !(c >= 'a' && c <= 'z' || l[i] >= '0' && l[i] <= '9' || l[i] == '-' || l[i] == '_') {
				return fmt.Errorf("label %q has the character %q", l, l[i])
			}
		}
	}
	return nil
}
