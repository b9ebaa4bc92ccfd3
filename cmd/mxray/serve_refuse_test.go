package main

import (
	"encoding/json"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/tui/serve"
	"github.com/mxray/mxray/tui/serve/servetest"
	"github.com/spf13/pflag"
)

// TestServeRefusals: what a stranger cannot do, each refused with the
// message the user sees: a key not in authorized_keys, a password, a
// command other than check, spf and headers -, a flag or argument naming
// a file on the server, a session with neither terminal nor command.
func TestServeRefusals(t *testing.T) {
	s := startServed(t, []string{"--demo"})
	host := s.srv.HostPublicKey()
	for _, tt := range []struct {
		name string
		auth gossh.AuthMethod
	}{
		{"unknown key", gossh.PublicKeys(s.users["mallory"])},
		{"password", gossh.Password("hunter2")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := servetest.Dial(s.addr, "mallory", host, tt.auth)
			if err == nil {
				c.Close()
				t.Fatal("logged in")
			}
			if msg := err.Error(); !strings.Contains(msg, "unable to authenticate") || !strings.Contains(msg, "no supported methods remain") {
				t.Errorf("the client was told %q", msg)
			}
		})
	}
	s.waitEvent(t, "a refused key", func(e serve.Event) bool {
		return e.Action == serve.ActionAuthRefused && e.Method == "publickey" && e.KeyFingerprint == serve.Fingerprint(s.users["mallory"].PublicKey())
	})
	s.waitEvent(t, "a refused password client", func(e serve.Event) bool {
		return e.Action == serve.ActionAuthRefused && e.Method == "none" && strings.Contains(e.Reason, "public keys only")
	})

	c := s.dial(t, "alice")
	for _, tt := range []struct{ line, stderr string }{
		{"sh -c id", `mxray: "sh" is not allowed over SSH: only check, spf, dns and headers - run here`},
		{"check healthy.example --zone /etc/passwd", "mxray: --zone names a file on the server: not allowed over SSH"},
		{"--zone=/tmp/z check healthy.example", "mxray: --zone names a file on the server: not allowed over SSH"},
		{"headers /etc/passwd", `mxray: headers "/etc/passwd" would read a file on the server: not allowed over SSH`},
		{"check -f /etc/domains", "mxray: -f/--file names a file on the server: not allowed over SSH"},
		{"check healthy.example --resolver 10.0.0.1", "mxray: --resolver is set by the server's operator: not allowed over SSH"},
		{"serve --listen :22", "mxray: serve is not allowed over SSH"},
		{"check healthy.example; cat /etc/passwd", "mxray: ';' would need a shell"},
	} {
		t.Run(tt.line, func(t *testing.T) {
			out, errOut, code := servetest.Run(t, c, tt.line, "")
			if code != exitCannot || out != "" || !strings.HasPrefix(errOut, tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, out, errOut, tt.stderr)
			}
		})
	}
	if errOut, code := servetest.Shell(t, c); code != exitCannot || !strings.Contains(errOut, "no shell here") {
		t.Errorf("a shell without a terminal: exit %d, %q", code, errOut)
	}
}

// TestServeCommands: command sessions run the real CLI under the server's
// --demo: check streams JSON, headers - reads the message on stdin, and
// the exit status is the CLI's.
func TestServeCommands(t *testing.T) {
	s := startServed(t, []string{"--demo"})
	c := s.dial(t, "alice")

	out, errOut, code := servetest.Run(t, c, "check healthy.example --json", "")
	var rep struct {
		Domain  string `json:"domain"`
		Queries int    `json:"queries"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitOK || rep.Domain != "healthy.example" || rep.Queries == 0 {
		t.Fatalf("check --json: exit %d (%v), stderr %q, report %+v", code, err, errOut, rep)
	}
	out, errOut, code = servetest.Run(t, c, "check broken.example", "")
	if code != exitFindings || !strings.Contains(out, "mxray check of broken.example") {
		t.Errorf("check broken.example: exit %d, stderr %q, stdout %.200q", code, errOut, out)
	}

	sample := string(demo.SampleMessage())
	out, errOut, code = servetest.Run(t, c, "headers -", sample)
	if code == exitCannot || !strings.Contains(out, "From domain:     healthy.example") {
		t.Errorf("headers -: exit %d, stderr %q, stdout %.300q", code, errOut, out)
	}
	out, _, _ = servetest.Run(t, c, "headers - --json", sample)
	var hdr struct {
		FromDomain string            `json:"from_domain"`
		Hops       []json.RawMessage `json:"hops"`
	}
	if err := json.Unmarshal([]byte(out), &hdr); err != nil || hdr.FromDomain != "healthy.example" || len(hdr.Hops) == 0 {
		t.Errorf("headers - --json: %v, %+v", err, hdr)
	}
	out, _, code = servetest.Run(t, c, "spf healthy.example --ip 203.0.113.10", "")
	if code != exitOK || !strings.Contains(out, "pass") {
		t.Errorf("spf: exit %d, %q", code, out)
	}
	out, errOut, code = servetest.Run(t, c, "spf healthy.example --ip-file -", "203.0.113.10\n198.51.100.250\n")
	if code == exitCannot || !strings.Contains(out, "203.0.113.10") || !strings.Contains(out, "198.51.100.250") {
		t.Errorf("spf --ip-file -: exit %d, stderr %q, stdout %q", code, errOut, out)
	}
	// Under --demo every nameserver is the demo's own: dns compares them.
	out, errOut, code = servetest.Run(t, c, "dns changed.example TXT", "")
	if code != exitFindings || !strings.Contains(out, "#2 DIFFERS") {
		t.Errorf("dns: exit %d, stderr %q, stdout %q", code, errOut, out)
	}
	ev := s.waitEvent(t, "the check command", func(e serve.Event) bool { return e.Action == serve.ActionCommand })
	if strings.Join(ev.Command, " ") != "check --json healthy.example" {
		t.Errorf("command event = %+v", ev)
	}
}

// victimZone sends a domain's MTA-STS fetch, and its nameservers, to this
// very machine.
const victimZone = `$ORIGIN victim.example.
@        300 IN SOA ns hostmaster 1 7200 3600 1209600 60
@            IN NS  ns
ns           IN A   127.0.0.1
@            IN MX  10 mx
mx           IN A   192.0.2.25
@            IN TXT "v=spf1 mx -all"
_dmarc       IN TXT "v=DMARC1; p=reject"
_mta-sts     IN TXT "v=STSv1; id=1"
mta-sts      IN A   127.0.0.1
`

// TestServePrivateTargets: a session's MTA-STS fetch to a domain whose
// policy host is 127.0.0.1 is refused, and the user reads why, in a
// command's report and in the workbench's report view; with
// --allow-private-targets the fetch is tried. Under --authoritative the
// nameservers a zone names are judged the same way; the operator's
// resolver (also on loopback here) is not.
func TestServePrivateTargets(t *testing.T) {
	zs := zoneservertest.New(t, victimZone)
	global := []string{"--resolver=" + zs.Addr(), "--timeout=30s", "--deadline=60s"}
	const refusal = "destination refused: 127.0.0.1 is a loopback address; this server reaches only public destinations"

	s := startServed(t, global)
	c := s.dial(t, "alice")
	out, errOut, code := servetest.Run(t, c, "check victim.example", "")
	if code == exitCannot || !strings.Contains(out, refusal) {
		t.Errorf("check: exit %d, stderr %q; the report does not say the fetch was refused:\n%s", code, errOut, out)
	}

	p := servetest.OpenPTY(t, c, 120, 40, nil)
	p.Out.WaitScreen(t, `Domain, address, URL, or "IP DOMAIN":`)
	p.Type(t, "victim.example\r")
	p.Out.WaitScreen(t, "mxray  victim.example", "done")
	p.Type(t, "e")
	p.Out.WaitScreen(t, "Report of victim.example")
	p.Type(t, "y")
	p.Out.WaitScreen(t, "(OSC 52)")
	// The clipboard sequence follows the frame with the notice.
	p.Out.WaitRaw(t, "an OSC 52 sequence", func(raw string) bool { _, ok := decodeOSC52(raw); return ok })
	if md, ok := decodeOSC52(p.Out.Raw()); !ok || !strings.Contains(md, refusal) {
		t.Errorf("the workbench's report does not say the fetch was refused:\n%s", md)
	}

	// mxray dns lists the zone's loopback nameserver but does not ask it.
	out, errOut, code = servetest.Run(t, c, "dns victim.example TXT", "")
	if code == exitCannot || !strings.Contains(out, "ns.victim.example (127.0.0.1) was not asked") || !strings.Contains(out, "loopback") {
		t.Errorf("dns: exit %d, stderr %q; the loopback nameserver was asked, or the report does not say why not:\n%s", code, errOut, out)
	}

	allowed := startServed(t, global, "--allow-private-targets")
	out, _, _ = servetest.Run(t, allowed.dial(t, "alice"), "check victim.example", "")
	if strings.Contains(out, "destination refused") || !strings.Contains(out, "mta_sts.fetch_failed") {
		t.Errorf("with --allow-private-targets the fetch was not tried:\n%s", out)
	}

	auth := startServed(t, append(global, "--authoritative"))
	out, _, _ = servetest.Run(t, auth.dial(t, "alice"), "check victim.example", "")
	if !strings.Contains(out, "nameservers of victim.example. was refused: destination refused: 127.0.0.1 is a loopback address") {
		t.Errorf("--authoritative asked the zone's loopback nameserver, or did not say why not:\n%s", out)
	}
}

// TestServeShutdownAndReload: SIGHUP reopens the audit log (rotation by
// renaming) and reads the keys again; stopping the server (SIGTERM) tells
// an open workbench session why it closes, and serve exits with status 0.
func TestServeShutdownAndReload(t *testing.T) {
	s := startServed(t, []string{"--demo"})
	c := s.dial(t, "alice")
	p := servetest.OpenPTY(t, c, 80, 24, nil)
	p.Out.WaitScreen(t, `Domain, address, URL, or "IP DOMAIN":`)
	s.waitEvent(t, "the connect", func(e serve.Event) bool { return e.Action == serve.ActionConnect })

	rotated := s.audit + ".1"
	if err := os.Rename(s.audit, rotated); err != nil {
		t.Fatal(err)
	}
	s.hup <- syscall.SIGHUP
	waitFileHolds(t, s.stderr, "reloaded the keys files and reopened the audit log")
	servetest.Run(t, c, "check healthy.example", "")
	s.waitEvent(t, "the command, in the new file", func(e serve.Event) bool { return e.Action == serve.ActionCommand })
	for _, e := range readEvents(t, rotated) {
		if e.Action == serve.ActionCommand {
			t.Error("an event after the reopening went to the rotated file")
		}
	}

	if code := s.stop(t); code != exitOK {
		t.Errorf("serve exited with %d", code)
	}
	p.Err.WaitFor(t, "mxray: session closed: the server is shutting down.")
	servetest.WaitExit(t, p.Session)
	if !strings.Contains(readFile(t, s.stderr), "shutting down: telling every session") {
		t.Errorf("stderr: %q", readFile(t, s.stderr))
	}
}

// waitFileHolds waits until the file at path holds want.
func waitFileHolds(t *testing.T, path, want string) {
	t.Helper()
	waitUntil(t, "the file to hold "+want, func() bool { return strings.Contains(readFile(t, path), want) })
}

// TestServeJudgesEveryFlag: every flag of the CLI is either allowed in a
// session command or refused with its reason by serve.ParseCommand; none
// is refused only for being unknown (a flag added to the CLI must be
// judged for serve too).
func TestServeJudgesEveryFlag(t *testing.T) {
	o := &options{}
	fs := newFlagSet(o, io.Discard)
	fs.VisitAll(func(f *pflag.Flag) {
		_, err := serve.ParseCommand("check example.com --" + f.Name + "=x")
		if err != nil && strings.Contains(err.Error(), "unknown flag") {
			t.Errorf("--%s is not judged by serve.ParseCommand: %v", f.Name, err)
		}
	})
}
