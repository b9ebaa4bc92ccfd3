package main

import (
	"encoding/json"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// TestBadFlagValuesAreUsageErrors: a --trusted-hosts entry that is neither
// a host name nor an IP address or CIDR, and a --resolver that is not
// host[:port], stop the run with exit 2 and a message naming the entry
// (issue 21 point 7; before, they were taken as names that never match,
// or dialled and reported as "no DNS server answered").
func TestBadFlagValuesAreUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		bad  string
	}{
		{"CIDR prefix too long", []string{"--demo", "headers", "--trusted-hosts", "mx.receiver.example,10.0.0.0/33"}, "10.0.0.0/33"},
		{"octet over 255", []string{"--demo", "headers", "--trusted-hosts", "300.1.2.3"}, "300.1.2.3"},
		{"space in a name", []string{"--demo", "headers", "--trusted-hosts", "mx.receiver.example, bad host"}, "bad host"},
		{"wildcard", []string{"--demo", "headers", "--trusted-hosts", "*.receiver.example"}, "*.receiver.example"},
		{"port past 65535", []string{"--resolver", "127.0.0.1:99999", "check", "example.com"}, "127.0.0.1:99999"},
		{"port zero", []string{"--resolver", "dns.example:0", "check", "example.com"}, "dns.example:0"},
		{"port not a number", []string{"--resolver", "127.0.0.1:dns", "spf", "example.com"}, "127.0.0.1:dns"},
		{"not a host", []string{"--resolver", "a b", "check", "example.com"}, "a b"},
		{"too many colons", []string{"--resolver", "dns.example:53:1", "check", "example.com"}, "dns.example:53:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != exitCannot || out != "" {
				t.Fatalf("exit %d, stdout %q; want exit 2 and nothing", code, out)
			}
			if !strings.Contains(errOut, tt.bad) || strings.Contains(errOut, "no DNS server answered") {
				t.Errorf("the message does not name %q: %s", tt.bad, errOut)
			}
		})
	}
	// What is valid stays valid.
	code, _, errOut := runCLI(t, "", "--demo", "headers", "--trusted-hosts", "mx.receiver.example, 10.0.0.0/8,2001:db8::/32,[2001:db8::1],192.0.2.7", "--json")
	if code == exitCannot {
		t.Errorf("valid --trusted-hosts refused: %s", errOut)
	}
	zs := zoneservertest.New(t, "$ORIGIN spf.example.\n@ SOA ns h 1 3600 600 86400 300\n@ TXT \"v=spf1 -all\"\n")
	host, port, _ := net.SplitHostPort(zs.Addr())
	for _, r := range []string{zs.Addr(), "[" + host + "]:" + port} {
		if code, _, errOut := runCLI(t, "", "--resolver", r, "spf", "spf.example", "--ip", "192.0.2.1", "--json"); code == exitCannot {
			t.Errorf("--resolver %s refused: %s", r, errOut)
		}
	}
}

// TestSPFSenderWithoutAt: a sender without "@" gets the RFC's answer (the
// contract: never exit 2), the same as postmaster@ that name, with a
// warning on stderr that says what was checked.
func TestSPFSenderWithoutAt(t *testing.T) {
	type verdict struct {
		Domain string `json:"domain"`
		Sender string `json:"sender"`
		Result string `json:"result"`
	}
	run := func(sender string) (verdict, string) {
		t.Helper()
		code, out, errOut := runCLI(t, "", "--demo", "spf", "--sender", sender, "--ip", "198.51.100.250", "--json")
		if code == exitCannot {
			t.Fatalf("--sender %q: exit 2: %s", sender, errOut)
		}
		var v verdict
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		return v, errOut
	}
	bare, warning := run("healthy.example")
	full, quiet := run("postmaster@healthy.example")
	if bare.Result != full.Result || bare.Domain != full.Domain || bare.Result != "fail" {
		t.Errorf("without @: %+v; with postmaster@: %+v (want the same fail)", bare, full)
	}
	if !strings.Contains(warning, `--sender "healthy.example" has no "@"`) || !strings.Contains(warning, "postmaster@healthy.example") {
		t.Errorf("no warning saying what was checked: %q", warning)
	}
	if quiet != "" {
		t.Errorf("a warning for a full address: %q", quiet)
	}
	// With DOMAIN given, the warning says whose record decided.
	code, _, errOut := runCLI(t, "", "--demo", "spf", "healthy.example", "--sender", "bounces", "--ip", "198.51.100.250")
	if code == exitCannot || !strings.Contains(errOut, "postmaster@bounces") || !strings.Contains(errOut, "healthy.example's record") {
		t.Errorf("exit %d, warning %q", code, errOut)
	}
}

// loopZone has an SPF domain that is a CNAME loop and one that is a chain
// of CNAMEs past the client's limit (dnsclient.DefaultMaxCNAMEs, 8).
const loopZone = `$ORIGIN loop.example.
@      SOA ns h 1 3600 600 86400 300
spf    CNAME back.loop.example.
back   CNAME spf.loop.example.
long   CNAME c1.loop.example.
c1     CNAME c2.loop.example.
c2     CNAME c3.loop.example.
c3     CNAME c4.loop.example.
c4     CNAME c5.loop.example.
c5     CNAME c6.loop.example.
c6     CNAME c7.loop.example.
c7     CNAME c8.loop.example.
c8     CNAME c9.loop.example.
c9     CNAME c10.loop.example.
c10    TXT "v=spf1 -all"
`

// TestSPFSaysWhatDNSDid: under spf, a CNAME loop, a CNAME chain past the
// limit and a malformed reply are what the output says, not "no DNS
// server answered" with exit 2: the servers did answer.
func TestSPFSaysWhatDNSDid(t *testing.T) {
	zoneFile := writeFile(t, "loop.zone", loopZone)
	const dead = "127.0.0.1:9"
	env := func() *environment { return &environment{attemptTimeout: zoneservertest.Expiry([]string{dead})} }
	for _, tt := range []struct{ domain, want string }{
		{"spf.loop.example", "CNAME loop"},
		{"long.loop.example", "CNAME chain too long"},
	} {
		code, out, errOut := runCLIWith(t, env(), "", "--zone", zoneFile, "--resolver", dead, "spf", tt.domain, "--ip", "192.0.2.1")
		if code == exitCannot || strings.Contains(errOut, "no DNS server answered") || !strings.Contains(out, tt.want) {
			t.Errorf("%s: exit %d, stderr %q, stdout:\n%s\nwant %q in it", tt.domain, code, errOut, out, tt.want)
		}
	}

	// A server that replies to every question with a header and garbage.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 1500)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if n < 12 {
				continue
			}
			// The question's ID, QR set, one question, then bytes that
			// are no question.
			reply := append([]byte{buf[0], buf[1], 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0}, 0xc0, 0xff, 0xff)
			_, _ = pc.WriteTo(reply, addr)
		}
	}()
	code, out, errOut := runCLI(t, "", "--resolver", pc.LocalAddr().String(), "spf", "mangled.example", "--ip", "192.0.2.1")
	if code == exitCannot || strings.Contains(errOut, "no DNS server answered") || !strings.Contains(out, "malformed reply") {
		t.Errorf("malformed reply: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
}

// TestInputsThatAreNoList: a domain list with no domain in it says so
// without asking DNS (the resolver here would count any question), and a
// file that is not text (/dev/zero, endless NUL bytes) is read only so far
// and named for what it is: never "0 bytes", never a hang.
func TestInputsThatAreNoList(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var asked atomic.Int64
	go func() {
		buf := make([]byte, 2048)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
			asked.Add(1)
		}
	}()
	resolver := pc.LocalAddr().String()
	empty := writeFile(t, "empty.txt", "# the domains of the audit\n\n   \n# none yet\n")
	for _, args := range [][]string{
		{"--resolver", resolver, "check", "-f", empty, "--json"},
		{"--resolver", resolver, "check", "-f", empty},
		{"--resolver", resolver, "check", "-f", "-"},
	} {
		code, out, errOut := runCLI(t, "# nothing\n", args...)
		if code != exitCannot || out != "" || !strings.Contains(errOut, "no domains in it") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	if n := asked.Load(); n != 0 {
		t.Errorf("%d DNS questions asked for lists without a domain", n)
	}

	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--demo", "headers", "/dev/zero"}, "/dev/zero: not text: it starts with 4096 NUL bytes"},
		{[]string{"--demo", "spf", "healthy.example", "--ip-file", "/dev/zero"}, "not a text file of addresses"},
		{[]string{"--demo", "check", "-f", "/dev/zero"}, "/dev/zero: input line too long"},
		{[]string{"--demo", "report", "/dev/zero"}, "not a DMARC aggregate report"},
	} {
		code, _, errOut := runCLI(t, "", tt.args...)
		if code != exitCannot || !strings.Contains(errOut, tt.want) || strings.Contains(errOut, "0 bytes") {
			t.Errorf("%v: exit %d, stderr %.300q; want exit 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}
