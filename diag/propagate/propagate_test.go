package propagate

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// zoneText is prop.test as its primary serves it, with the NS hosts
// named by the test (each maps to its own loopback server).
func zoneText(serial, spf string, ns ...string) string {
	s := "$ORIGIN prop.test.\n$TTL 300\n@ SOA ns1 hostmaster " + serial + " 3600 600 604800 60\n"
	for _, n := range ns {
		s += "@ NS " + n + "\n" + n + " A 127.0.0.1\n"
	}
	s += "@ TXT \"" + spf + "\"\n@ MX 10 mx\nmx A 192.0.2.10\nalias CNAME @\n"
	return s
}

const (
	freshSPF = "v=spf1 include:new.example -all"
	staleSPF = "v=spf1 include:old.example -all"
)

// setup is a zone with one server per NS host; hosts maps each host to
// the zone text it serves ("" serves an unrelated zone: REFUSED) and
// resolver is the zone text of the resolver.
type setup struct {
	hosts    map[string]string
	drop     []string // hosts whose server never answers
	resolver string
}

func (s setup) start(t *testing.T) (*dnsclient.Client, map[string]*zoneserver.Server) {
	t.Helper()
	servers := map[string]*zoneserver.Server{}
	addrs := map[string]string{}
	for h, text := range s.hosts {
		if text == "" {
			text = "$ORIGIN other.test.\n@ SOA ns hostmaster 1 3600 600 604800 60\n@ NS ns\nns A 127.0.0.1\n"
		}
		srv := zoneservertest.New(t, text)
		servers[h] = srv
		addrs[h+".prop.test."] = srv.Addr()
	}
	for _, h := range s.drop {
		servers[h].SetFault("prop.test.", 0, zoneserver.FaultDrop)
		servers[h].SetFault("www.prop.test.", 0, zoneserver.FaultDrop)
	}
	res := zoneservertest.New(t, s.resolver)
	c := dnsclient.New(dnsclient.Config{
		Servers:     []string{res.Addr()},
		ServerNames: map[string]string{res.Addr(): "test resolver"},
		Timeout:     400 * time.Millisecond,
		NameserverAddr: func(host string, _ netip.Addr) string {
			return addrs[host]
		},
	})
	return c, servers
}

func codes(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestCompare(t *testing.T) {
	fresh := zoneText("2026120202", freshSPF, "ns1", "ns2")
	stale := zoneText("2026120201", staleSPF, "ns1", "ns2")
	tests := []struct {
		name         string
		setup        setup
		qname        string
		types        []uint16
		agree        bool
		serialsAgree bool
		resolvers    bool
		codes        []string
		groups       []int // per server, of the first type
		lame         []bool
	}{
		{
			name:  "all agree",
			setup: setup{hosts: map[string]string{"ns1": fresh, "ns2": fresh}, resolver: fresh},
			qname: "prop.test", types: []uint16{dns.TypeTXT},
			agree: true, serialsAgree: true, resolvers: true,
			groups: []int{1, 1, 1}, lame: []bool{false, false, false},
		},
		{
			name:  "one nameserver stale",
			setup: setup{hosts: map[string]string{"ns1": fresh, "ns2": stale}, resolver: fresh},
			qname: "prop.test", types: []uint16{dns.TypeTXT},
			agree: false, serialsAgree: false, resolvers: true,
			codes:  []string{CodeDiffers, CodeSerial},
			groups: []int{1, 2, 1}, lame: []bool{false, false, false},
		},
		{
			name:  "resolver still cached the old record",
			setup: setup{hosts: map[string]string{"ns1": fresh, "ns2": fresh}, resolver: stale},
			qname: "prop.test", types: []uint16{dns.TypeTXT},
			agree: true, serialsAgree: true, resolvers: false,
			codes:  []string{CodeResolverStale},
			groups: []int{1, 1, 2}, lame: []bool{false, false, false},
		},
		{
			name: "lame nameserver",
			setup: setup{hosts: map[string]string{"ns1": fresh, "ns2": fresh, "ns3": ""},
				resolver: zoneText("2026120202", freshSPF, "ns1", "ns2", "ns3")},
			qname: "prop.test", types: []uint16{dns.TypeTXT},
			agree: true, serialsAgree: true, resolvers: true,
			codes:  []string{CodeLame},
			groups: []int{1, 1, 0, 1}, lame: []bool{false, false, true, false},
		},
		{
			name: "nameserver down",
			setup: setup{hosts: map[string]string{"ns1": fresh, "ns2": fresh}, drop: []string{"ns2"},
				resolver: fresh},
			qname: "prop.test", types: []uint16{dns.TypeTXT, dns.TypeMX},
			agree: true, serialsAgree: true, resolvers: true,
			codes:  []string{CodeNoAnswer},
			groups: []int{1, 0, 1}, lame: []bool{false, false, false},
		},
		{
			name:  "NXDOMAIN compared too",
			setup: setup{hosts: map[string]string{"ns1": fresh, "ns2": zoneText("2026120202", freshSPF, "ns1", "ns2") + "www TXT \"new\"\n"}, resolver: fresh},
			qname: "www.prop.test", types: []uint16{dns.TypeTXT},
			agree: false, serialsAgree: true, resolvers: true,
			codes:  []string{CodeDiffers},
			groups: []int{1, 2, 1}, lame: []bool{false, false, false},
		},
		{
			name:  "a CNAME is its answer",
			setup: setup{hosts: map[string]string{"ns1": fresh, "ns2": fresh}, resolver: fresh},
			qname: "alias.prop.test", types: []uint16{dns.TypeTXT},
			agree: true, serialsAgree: true, resolvers: true,
			groups: []int{1, 1, 1}, lame: []bool{false, false, false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := tt.setup.start(t)
			res, err := Compare(context.Background(), c, tt.qname, tt.types)
			if err != nil {
				t.Fatal(err)
			}
			if res.Zone != "prop.test." {
				t.Errorf("zone %q", res.Zone)
			}
			if res.Agree != tt.agree || res.SerialsAgree != tt.serialsAgree || res.ResolversAgree != tt.resolvers {
				t.Errorf("agree %v serials %v resolvers %v, want %v %v %v", res.Agree, res.SerialsAgree, res.ResolversAgree, tt.agree, tt.serialsAgree, tt.resolvers)
			}
			if got := codes(res.Findings); !slices.Equal(got, tt.codes) {
				t.Errorf("codes %v, want %v", got, tt.codes)
			}
			var groups []int
			var lame []bool
			for _, s := range res.Servers {
				groups = append(groups, s.Answers[0].Group)
				lame = append(lame, s.Lame)
				if len(s.Answers) != len(tt.types) {
					t.Errorf("%s: %d answers", s.Label(), len(s.Answers))
				}
			}
			if !slices.Equal(groups, tt.groups) || !slices.Equal(lame, tt.lame) {
				t.Errorf("groups %v lame %v, want %v %v", groups, lame, tt.groups, tt.lame)
			}
			if got := finding.HasError(res.Findings); got != slices.ContainsFunc(tt.codes, func(c string) bool { return c == CodeDiffers || c == CodeLame }) {
				t.Errorf("has error %v with %v", got, tt.codes)
			}
		})
	}
}

// TestStaleDetails: the stale nameserver's serial, records and TTL are
// what it serves, and the authoritative questions were asked with RD clear.
func TestStaleDetails(t *testing.T) {
	fresh := zoneText("2026120202", freshSPF, "ns1", "ns2")
	stale := zoneText("2026120201", staleSPF, "ns1", "ns2")
	c, servers := setup{hosts: map[string]string{"ns1": fresh, "ns2": stale}, resolver: fresh}.start(t)
	res, err := Compare(context.Background(), c, "prop.test.", []uint16{dns.TypeTXT})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kind    Kind
		serial  uint32
		records []string
	}{
		{KindAuthoritative, 2026120202, []string{`TXT "` + freshSPF + `"`}},
		{KindAuthoritative, 2026120201, []string{`TXT "` + staleSPF + `"`}},
		{KindResolver, 2026120202, []string{`TXT "` + freshSPF + `"`}},
	}
	if len(res.Servers) != len(want) {
		t.Fatalf("%d servers", len(res.Servers))
	}
	for i, w := range want {
		s := res.Servers[i]
		a := s.Answers[0]
		if s.Kind != w.kind || s.Serial == nil || *s.Serial != w.serial || !slices.Equal(a.Records, w.records) || a.TTL != 300 {
			t.Errorf("server %d: %+v %+v", i, s, a)
		}
		if s.Kind == KindAuthoritative && !a.AA {
			t.Errorf("%s: AA clear", s.Label())
		}
	}
	for h, srv := range servers {
		for _, q := range srv.Log() {
			if q.RD {
				t.Errorf("%s asked %s with RD set", h, q.Name)
			}
		}
	}
}

// TestBoundByContext: a nameserver that never answers holds Compare only
// as long as the caller's context: cancelled once every question reached
// the dead server, Compare returns with the context's error in its rows.
func TestBoundByContext(t *testing.T) {
	fresh := zoneText("2026120202", freshSPF, "ns1", "ns2")
	c0, servers := setup{hosts: map[string]string{"ns1": fresh, "ns2": fresh}, drop: []string{"ns2"}, resolver: fresh}.start(t)
	// A client whose timeout would never end the questions on its own.
	resolver := c0.Servers()[0]
	// The live server's answers (SOA and TXT) as the client logs them: the
	// caller gives up only once they are in, so a slow machine cannot
	// cancel them too.
	var liveAnswered atomic.Int32
	live := servers["ns1"].Addr()
	c := dnsclient.New(dnsclient.Config{Servers: []string{resolver}, Timeout: time.Hour,
		NameserverAddr: func(host string, _ netip.Addr) string {
			return map[string]string{"ns1.prop.test.": servers["ns1"].Addr(), "ns2.prop.test.": servers["ns2"].Addr()}[host]
		},
		OnQuery: func(e dnsclient.LogEntry) {
			if e.Server == live && e.Status == dnsclient.StatusRecords {
				liveAnswered.Add(1)
			}
		}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// SOA and TXT both reach the dead server and are answered by the
		// live one, then the caller gives up.
		for servers["ns2"].Queries() < 2 || liveAnswered.Load() < 2 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	res, err := Compare(ctx, c, "prop.test", []uint16{dns.TypeTXT})
	if err != nil {
		t.Fatal(err)
	}
	dead := res.Servers[1]
	if dead.Answers[0].Group != 0 || dead.Serial != nil {
		t.Fatalf("dead server answered: %+v", dead)
	}
	if got := servers["ns2"].Queries(); got != 2 {
		t.Errorf("the dead server got %d questions, want 2 (no retry after the cancel)", got)
	}
	if res.Servers[0].Answers[0].Group != 1 {
		t.Errorf("the live server's answer was lost: %+v", res.Servers[0])
	}
	if !slices.Contains(codes(res.Findings), CodeNoAnswer) {
		t.Errorf("findings %v", codes(res.Findings))
	}
}

// TestNoZone: a name under no zone the resolver knows is an error that
// says so, as is an NS-less zone.
func TestNoZone(t *testing.T) {
	res := zoneservertest.New(t, "$ORIGIN lonely.test.\n@ SOA ns hostmaster 1 3600 600 604800 60\n@ TXT \"x\"\n")
	c := dnsclient.New(dnsclient.Config{Servers: []string{res.Addr()}, Timeout: 400 * time.Millisecond})
	tests := []struct {
		name string
		want error
	}{
		{"elsewhere.test", ErrNoZone},
		{"lonely.test", ErrNoNameservers},
		{"bad..name", dnsclient.ErrBadName},
	}
	for _, tt := range tests {
		if _, err := Compare(context.Background(), c, tt.name, nil); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
}

// TestGuard: an address the client's CheckNameserver refuses is listed,
// not asked.
func TestGuard(t *testing.T) {
	fresh := zoneText("2026120202", freshSPF, "ns1", "ns2")
	_, servers := setup{hosts: map[string]string{"ns1": fresh, "ns2": fresh}, resolver: fresh}.start(t)
	resolver := zoneservertest.New(t, fresh)
	// The nameservers' addresses map to the servers, as in the other
	// tests, so a guard that let a question through would be counted.
	c := dnsclient.New(dnsclient.Config{Servers: []string{resolver.Addr()}, Timeout: 400 * time.Millisecond,
		CheckNameserver: func(netip.Addr) error { return errors.New("a private address") },
		NameserverAddr: func(host string, _ netip.Addr) string {
			return map[string]string{"ns1.prop.test.": servers["ns1"].Addr(), "ns2.prop.test.": servers["ns2"].Addr()}[host]
		}})
	res, err := Compare(context.Background(), c, "prop.test", []uint16{dns.TypeTXT})
	if err != nil {
		t.Fatal(err)
	}
	for h, srv := range servers {
		if srv.Queries() != 0 {
			t.Errorf("%s was asked", h)
		}
	}
	if got := codes(res.Findings); !slices.Equal(got, []string{CodeNotAsked}) {
		t.Errorf("codes %v", got)
	}
	if res.Servers[0].Error == "" || res.Servers[0].Answers[0].Group != 0 {
		t.Errorf("%+v", res.Servers[0])
	}
}

func TestDefaultTypes(t *testing.T) {
	tests := []struct {
		name string
		want []uint16
	}{
		{"_dmarc.example.com.", []uint16{dns.TypeTXT}},
		{"s1._domainkey.example.com", []uint16{dns.TypeTXT}},
		{"_mta-sts.example.com", []uint16{dns.TypeTXT}},
		{"example.com", []uint16{dns.TypeA, dns.TypeAAAA, dns.TypeMX, dns.TypeTXT}},
	}
	for _, tt := range tests {
		if got := DefaultTypes(tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v", tt.name, got)
		}
	}
}

func TestParseType(t *testing.T) {
	tests := []struct {
		in   string
		want uint16
		ok   bool
	}{
		{"txt", dns.TypeTXT, true}, {"MX", dns.TypeMX, true}, {"TYPE99", dns.TypeSPF, true},
		{"any", 0, false}, {"AXFR", 0, false}, {"bogus", 0, false}, {"TYPE0", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseType(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("%s: %d %v", tt.in, got, err)
		}
	}
}
