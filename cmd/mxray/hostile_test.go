package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/termsafe/termsafetest"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/spf"
)

// Hostile input end to end: what strangers write in a header or a DNS
// record, and what a user may type by mistake, must reach the terminal and
// the ticket only as visible escapes, while JSON keeps the value.

// hostileClass is one kind of text that must not reach a terminal as is.
type hostileClass struct {
	name string
	raw  string // the planted bytes
	// shown is how the text and Markdown reports write raw: every byte or
	// rune to defuse as a visible escape, the rest as it is.
	shown string
	// first is the visible escape of raw's first rune (a parser that
	// rejects the value quotes only that one).
	first string
	// json is raw as JSON keeps it: valid UTF-8 as is, invalid bytes as
	// U+FFFD (the encoder's rule).
	json string
}

var hostileClasses = []hostileClass{
	{"c0", "\x00\x01\x07\x08\x0b\x0c\x1a\x7f", `\x00\x01\x07\x08\x0b\x0c\x1a\x7f`, `\x00`, "\x00\x01\x07\x08\x0b\x0c\x1a\x7f"},
	{"c1", "\u0090\u009b2J\u009d\u009f", `\u0090\u009b2J\u009d\u009f`, `\u0090`, "\u0090\u009b2J\u009d\u009f"},
	{"c1-raw-byte", "\x9b2J", `\x9b2J`, `\x9b`, "\ufffd2J"},
	{"csi", "\x1b[2J\x1b[H", `\x1b[2J\x1b[H`, `\x1b`, "\x1b[2J\x1b[H"},
	{"osc52", "\x1b]52;c;Ym9v\x07", `\x1b]52;c;Ym9v\x07`, `\x1b`, "\x1b]52;c;Ym9v\x07"},
	{"osc8", "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\", `\x1b]8;;http://evil.example/\x1b\click\x1b]8;;\x1b\`, `\x1b`, "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\"},
	{"dcs", "\x1bP1$r\x1b\\", `\x1bP1$r\x1b\`, `\x1b`, "\x1bP1$r\x1b\\"},
	{"apc", "\x1b_Gf=100\x1b\\", `\x1b_Gf=100\x1b\`, `\x1b`, "\x1b_Gf=100\x1b\\"},
	{"bidi", "\u202a\u202b\u202c\u202d\u202eab\u2066\u2067\u2068\u2069", `\u202a\u202b\u202c\u202d\u202eab\u2066\u2067\u2068\u2069`, `\u202a`, "\u202a\u202b\u202c\u202d\u202eab\u2066\u2067\u2068\u2069"},
	{"zero-width", "\u200b\u200c\u200d\u2060\ufeff", `\u200b\u200c\u200d\u2060\ufeff`, `\u200b`, "\u200b\u200c\u200d\u2060\ufeff"},
}

// requireSafe fails the test when out carries raw or anything unsafe.
func requireSafe(t *testing.T, what, out, raw string) {
	t.Helper()
	if raw != "" && strings.Contains(out, raw) {
		t.Errorf("%s: the planted bytes %q reached the output as they are", what, raw)
	}
	if bad := termsafetest.Unsafe(out); bad != "" {
		t.Errorf("%s: %s:\n%s", what, bad, excerpt(out, bad))
	}
}

// excerpt shows the output around the offset named at the end of bad.
func excerpt(out, bad string) string {
	var at int
	fmt.Sscanf(bad[strings.LastIndex(bad, " ")+1:], "%d", &at)
	lo, hi := max(at-80, 0), min(at+80, len(out))
	return fmt.Sprintf("%q", out[lo:hi])
}

// markdownPlain undoes the Markdown writer's escaping (a backslash before
// punctuation, &amp;, the backticks of code spans), so a test can look for
// the sanitised text itself in a Markdown report.
func markdownPlain(md string) string {
	var b strings.Builder
	for i := 0; i < len(md); i++ {
		switch {
		case md[i] == '\\' && i+1 < len(md) && strings.IndexByte("\\`*_[]|~><#+-!=", md[i+1]) >= 0:
			i++
			b.WriteByte(md[i])
		case md[i] == '`':
		case strings.HasPrefix(md[i:], "&amp;"):
			b.WriteByte('&')
			i += len("&amp;") - 1
		default:
			b.WriteByte(md[i])
		}
	}
	return b.String()
}

// jsonStrings decodes a JSON document and returns every string in it.
func jsonStrings(t *testing.T, doc string) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("not JSON: %v\n%.400s", err, doc)
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				out = append(out, k)
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// requireJSONKeeps fails the test unless some string of the JSON document
// holds want.
func requireJSONKeeps(t *testing.T, what, doc, want string) {
	t.Helper()
	for _, s := range jsonStrings(t, doc) {
		if strings.Contains(s, want) {
			return
		}
	}
	t.Errorf("%s: the JSON does not keep %q", what, want)
}

// quotedPairs escapes s for an RFC 5322 quoted-string.
func quotedPairs(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// qEncode writes every byte of s as =XX, for an RFC 2047 Q encoded word.
func qEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "=%02X", s[i])
	}
	return b.String()
}

// headerSite is one place in a header where hostile text is planted,
// between two copies of a marker.
type headerSite struct {
	marker string
	what   string
	text   bool // the text and Markdown reports show this field
	json   bool // the headers JSON contract carries this field
}

var headerSites = []headerSite{
	{"QS", "Subject as written", true, false},
	{"QE", "Subject, RFC 2047 encoded word", true, false},
	{"qr", "Received from-name (the HELO)", true, true},
	{"QC", "Authentication-Results compauth reason", true, true},
	{"QD", "Authentication-Results dkim reason", false, true},
	{"QN", "From display name", false, true},
}

// hostileHeader is a delivered message's header with x planted at every
// header site: the receiver's own Authentication-Results, the relay's
// Received field, the From display name and the Subject.
func hostileHeader(x string) string {
	q := quotedPairs(x)
	return "Received: from mx.receiver.example (mx.receiver.example [203.0.113.200])\r\n" +
		"\tby store.receiver.example with LMTP id kU8xQ2; Sun, 22 Nov 2026 17:52:01 +0000\r\n" +
		"Authentication-Results: mx.receiver.example; spf=pass smtp.mailfrom=bounce@healthy.example;\r\n" +
		"\tdkim=fail reason=\"QD" + q + "QD\" header.d=healthy.example header.s=s1;\r\n" +
		"\tcompauth=fail reason=\"QC" + q + "QC\"\r\n" +
		"Received: from qr" + x + "qr.mailer.example (relay.mailer.example [203.0.113.10])\r\n" +
		"\tby mx.receiver.example (Postfix) with ESMTPS id 9F3B21C0042; Sun, 22 Nov 2026 17:52:00 +0000\r\n" +
		"From: \"QN" + q + "QN\" <alice@healthy.example>\r\n" +
		"To: Bob <bob@receiver.example>\r\n" +
		"Subject: QS" + x + "QS =?utf-8?q?QE" + qEncode(x) + "QE?=\r\n" +
		"Date: Sun, 22 Nov 2026 17:51:56 +0000\r\n" +
		"Message-ID: <hostile@healthy.example>\r\n\r\n"
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHostileHeaders plants every class at every header site and reads the
// file through "mxray headers" without and with the re-check (on the demo
// zone), as text, Markdown and JSON.
func TestHostileHeaders(t *testing.T) {
	for _, c := range hostileClasses {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			file := writeFile(t, "hostile.eml", hostileHeader(c.raw))
			runs := []struct {
				name string
				args []string
			}{
				{"text", []string{"headers", file, "--no-recheck"}},
				{"markdown", []string{"headers", file, "--no-recheck", "--format", "markdown"}},
				{"recheck text", []string{"--demo", "headers", file}},
				{"recheck markdown", []string{"--demo", "headers", file, "--format", "markdown"}},
			}
			for _, r := range runs {
				code, out, errOut := runCLI(t, "", r.args...)
				if code == exitCannot {
					t.Fatalf("%s: exit 2: %s", r.name, errOut)
				}
				requireSafe(t, r.name, out, c.raw)
				if strings.HasSuffix(r.name, "markdown") {
					out = markdownPlain(out)
				}
				for _, s := range headerSites {
					if want := s.marker + c.shown + s.marker; s.text && !strings.Contains(out, want) {
						t.Errorf("%s: the %s is not shown as %s", r.name, s.what, want)
					}
				}
			}
			for _, args := range [][]string{{"headers", file, "--no-recheck", "--json"}, {"--demo", "headers", file, "--json"}} {
				code, out, errOut := runCLI(t, "", args...)
				if code == exitCannot {
					t.Fatalf("%v: exit 2: %s", args, errOut)
				}
				for _, s := range headerSites {
					if s.json {
						requireJSONKeeps(t, strings.Join(args, " ")+": "+s.what, out, s.marker+c.json+s.marker)
					}
				}
			}
		})
	}
}

// hostileZone serves, for every class, a domain <class>.hostile.example
// whose SPF, DMARC, DKIM (selector "sel") and TLS-RPT records carry the
// class between markers, and x.<class>.hostile.example whose SPF exp=
// explanation is the class alone; clean.hostile.example is the control
// with a printable explanation.
func hostileZone() string {
	var b strings.Builder
	b.WriteString("$TTL 300\n$ORIGIN example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	b.WriteString("$ORIGIN hostile.example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	for _, c := range hostileClasses {
		x := zoneEscape(c.raw)
		fmt.Fprintf(&b, "%s TXT \"v=spf1 ip4:192.0.2.0/24 a:QP%sQP.hostile.example -all\"\n", c.name, x)
		fmt.Fprintf(&b, "_dmarc.%s TXT \"v=DMARC1; p=reject; rua=mailto:d@hostile.example; QM%sQM\"\n", c.name, x)
		fmt.Fprintf(&b, "sel._domainkey.%s TXT \"v=DKIM1; k=rsa; h=QK%sQK; p=\"\n", c.name, x)
		fmt.Fprintf(&b, "_smtp._tls.%s TXT \"v=TLSRPTv1; rua=mailto:QT%sQT@hostile.example\"\n", c.name, x)
		fmt.Fprintf(&b, "x.%s TXT \"v=spf1 ip4:192.0.2.0/24 exp=why.%s.hostile.example -all\"\n", c.name, c.name)
		fmt.Fprintf(&b, "why.%s TXT \"QX%sQX\"\n", c.name, x)
	}
	b.WriteString("x.clean TXT \"v=spf1 ip4:192.0.2.0/24 exp=why.clean.hostile.example -all\"\n")
	b.WriteString("why.clean TXT \"Not allowed: see https://hostile.example/why\"\n")
	return b.String()
}

// zoneEscape writes s for a quoted master-file string: every byte that is
// not printable ASCII, and the quote and backslash, as \DDD (RFC 1035 §5.1).
func zoneEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			fmt.Fprintf(&b, `\%03d`, c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// guardResolver is a server behind the --zone overlay that owns no zone of
// the test: every question reaching it is REFUSED at once, and counted.
func guardResolver(t *testing.T) *zoneserver.Server {
	t.Helper()
	return zoneservertest.New(t, "$ORIGIN guard.invalid.\n@ SOA ns.guard.invalid. h.guard.invalid. 1 3600 600 86400 300\n")
}

// TestHostileDNS plants every class in SPF, DMARC, DKIM and TLS-RPT
// records served in-process, and reads them through "mxray check" (with
// --zone; text, Markdown, JSON) and "mxray spf" (against the server as the
// resolver; text, JSON).
func TestHostileDNS(t *testing.T) {
	zone := hostileZone()
	zoneFile := writeFile(t, "hostile.zone", zone)
	srv := zoneservertest.New(t, zone)
	type site struct {
		marker, what string
		whole        bool // shown whole; otherwise a parser quotes the first rune
	}
	checkSites := []site{{"QP", "SPF record", true}, {"QM", "DMARC record", true}, {"QK", "DKIM key record", false}, {"QT", "TLS-RPT record", true}}
	for _, c := range hostileClasses {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			domain := c.name + ".hostile.example"
			guard := guardResolver(t)
			check := []string{"--zone", zoneFile, "--resolver", guard.Addr(), "check", domain, "--selector", "sel"}
			spfArgs := []string{"--resolver", srv.Addr(), "spf", domain, "--ip", "198.51.100.1"}
			for _, r := range []struct {
				name  string
				args  []string
				sites []site
			}{
				{"check text", check, checkSites},
				{"check markdown", append(check, "--format", "markdown"), checkSites},
				{"spf text", spfArgs, checkSites[:1]}, // spf has no --format (DESIGN.md); diag tests its Markdown
			} {
				code, out, errOut := runCLI(t, "", r.args...)
				if code == exitCannot {
					t.Fatalf("%s: exit 2: %s", r.name, errOut)
				}
				requireSafe(t, r.name, out, c.raw)
				if strings.HasSuffix(r.name, "markdown") {
					out = markdownPlain(out)
				}
				for _, s := range r.sites {
					want := s.marker + c.shown + s.marker
					if !s.whole {
						want = c.first
					}
					if !strings.Contains(out, want) {
						t.Errorf("%s: the %s is not shown as %s", r.name, s.what, want)
					}
				}
			}
			_, out, _ := runCLI(t, "", append(check, "--json")...)
			for _, s := range checkSites {
				requireJSONKeeps(t, "check --json: "+s.what, out, s.marker+c.json+s.marker)
			}
			_, out, _ = runCLI(t, "", append(spfArgs, "--json")...)
			requireJSONKeeps(t, "spf --json: SPF record", out, "QP"+c.json+"QP")
			if n := guard.Queries(); n > 0 {
				t.Errorf("%d questions left the --zone overlay for the resolver", n)
			}
		})
	}
}

// TestHostileSPFExplanation: an exp= explanation made of controls is not a
// valid explain-string (RFC 7208 §7.1 allows visible ASCII and spaces only),
// so the fail carries no explanation, and nothing of it is printed. The
// clean control shows an explanation does get through.
func TestHostileSPFExplanation(t *testing.T) {
	srv := zoneservertest.New(t, hostileZone())
	explanation := func(t *testing.T, domain string) (string, string) {
		t.Helper()
		args := []string{"--resolver", srv.Addr(), "spf", domain, "--ip", "198.51.100.1"}
		_, text, errOut := runCLI(t, "", args...)
		_, js, _ := runCLI(t, "", append(args, "--json")...)
		var v struct{ Result, Explanation string }
		if err := json.Unmarshal([]byte(js), &v); err != nil {
			t.Fatalf("%s: %v (%s)", domain, err, errOut)
		}
		if v.Result != "fail" {
			t.Errorf("%s: result %q, want fail", domain, v.Result)
		}
		return text, v.Explanation
	}
	text, exp := explanation(t, "x.clean.hostile.example")
	if exp != "Not allowed: see https://hostile.example/why" || !strings.Contains(text, "Explanation: Not allowed") {
		t.Fatalf("the clean explanation did not come through: %q\n%s", exp, text)
	}
	for _, c := range hostileClasses {
		t.Run(c.name, func(t *testing.T) {
			text, exp := explanation(t, "x."+c.name+".hostile.example")
			if exp != "" {
				t.Errorf("explanation %q, want none: the explain-string is not RFC 7208 syntax", exp)
			}
			requireSafe(t, "spf text", text, c.raw)
			if strings.Contains(text, "QX") {
				t.Errorf("part of the invalid explanation was printed:\n%s", text)
			}
		})
	}
}

// TestHostileErrorMessages: a hostile file name, --ip, --sending-ip,
// domain or zone file reaches stderr as one escaped line.
func TestHostileErrorMessages(t *testing.T) {
	dir := t.TempDir()
	evil := "\u202e\x1b[2J\x07" // no ';': a zone file would read the rest as a comment
	badZone := filepath.Join(dir, "bad.zone")
	if err := os.WriteFile(badZone, []byte("$ORIGIN z.example.\n@ SOA ns h 1 2 3 4 5\n@ TXT \"ok\"\n@ BOGUS"+evil+" x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	header := writeFile(t, "ok.eml", hostileHeader("x"))
	tests := []struct {
		name string
		args []string
	}{
		{"missing header file", []string{"headers", filepath.Join(dir, "mail"+evil+".eml"), "--no-recheck"}},
		{"missing zone file", []string{"--zone", filepath.Join(dir, "z"+evil+".zone"), "check", "example.com"}},
		{"bad zone file", []string{"--zone", badZone, "--resolver", "127.0.0.1:9", "check", "z.example"}},
		{"bad --ip", []string{"--demo", "spf", "healthy.example", "--ip", "192.0.2.1" + evil}},
		{"bad --sending-ip", []string{"headers", header, "--no-recheck", "--sending-ip", "192.0.2.1" + evil}},
		{"bad domain", []string{"--demo", "check", "evil" + evil + ".example"}},
		{"bad spf domain", []string{"--demo", "spf", "evil" + evil + ".example", "--ip", "192.0.2.1"}},
		{"bad format", []string{"--demo", "check", "healthy.example", "--format", "x" + evil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != exitCannot {
				t.Fatalf("exit %d, want 2\n%s%s", code, out, errOut)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.HasSuffix(errOut, "\n") {
				t.Errorf("the error is not one line: %q", errOut)
			}
			requireSafe(t, "stderr", errOut, evil)
			if !strings.Contains(errOut, `\x1b`) || !strings.Contains(errOut, `\u202e`) {
				t.Errorf("the hostile value is not shown escaped: %q", errOut)
			}
			requireSafe(t, "stdout", out, evil)
		})
	}
}

// TestHostileHeaderFileName: a header file whose name carries controls is
// titled with the name escaped; JSON keeps the name.
func TestHostileHeaderFileName(t *testing.T) {
	name := "mail\x1b[2J\u202e.eml"
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(hostileHeader("x")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "markdown"} {
		code, out, errOut := runCLI(t, "", "headers", path, "--no-recheck", "--format", format)
		if code == exitCannot {
			t.Fatalf("exit 2: %s", errOut)
		}
		requireSafe(t, format, out, name)
		if !strings.Contains(out, `mail\x1b[2J\u202e.eml`) && !strings.Contains(out, `mail\\x1b\[2J\\u202e.eml`) {
			t.Errorf("%s: the file name is not shown escaped:\n%.300s", format, out)
		}
	}
	_, out, _ := runCLI(t, "", "headers", path, "--no-recheck", "--json")
	requireJSONKeeps(t, "source", out, name)
}

// TestHostileBatchList: "check -f" prints each line of the list it could
// not use next to the error; a hostile line must be escaped there too.
func TestHostileBatchList(t *testing.T) {
	evil := "evil\x1b[2J\u202e.example"
	list := writeFile(t, "domains.txt", evil+"\nhealthy.example\n")
	for _, format := range []string{"text", "markdown"} {
		t.Run(format, func(t *testing.T) {
			_, out, _ := runCLI(t, "", "--demo", "check", "-f", list, "--format", format)
			requireSafe(t, "batch "+format, out, evil)
			if !strings.Contains(out, `\x1b`) {
				t.Errorf("the unusable line is not shown escaped:\n%.300s", out)
			}
		})
	}
	_, out, _ := runCLI(t, "", "--demo", "check", "-f", list, "--json")
	requireJSONKeeps(t, "batch --json input", strings.SplitN(out, "\n", 2)[0], evil)
}

// TestHeaderInputLimits: the 4 MiB and 5,000-field limits of headers.Parse
// end to end, each with exit 2 and a one-line message naming the limit; a
// 200 KB folded field below them is read whole.
func TestHeaderInputLimits(t *testing.T) {
	received := "Received: from relay.mailer.example (relay.mailer.example [203.0.113.10])\r\n\tby mx.receiver.example with ESMTPS id 1; Sun, 22 Nov 2026 17:52:00 +0000\r\n"
	fields := func(n int) string {
		var b strings.Builder
		b.WriteString(received)
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, "X-Filler-%d: %d\r\n", i, i)
		}
		return b.String() + "\r\n"
	}
	pad := func(size int) string {
		s := received + "X-Pad: "
		return s + strings.Repeat("a", size-len(s))
	}
	tests := []struct {
		name    string
		content string
		want    []string // in the one-line error; nil when the header must be read
	}{
		{"4 MiB + 1", pad(headers.MaxInputSize + 1), []string{"too large", "4 MiB", fmt.Sprint(headers.MaxInputSize + 1)}},
		{"exactly 4 MiB", pad(headers.MaxInputSize), nil},
		{"5,001 fields", fields(headers.MaxFields + 1), []string{"too many header fields", fmt.Sprint(headers.MaxFields)}},
		{"5,000 fields", fields(headers.MaxFields), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeFile(t, "big.eml", tt.content)
			code, out, errOut := runCLI(t, "", "headers", file, "--no-recheck", "--json")
			if tt.want == nil {
				if code == exitCannot {
					t.Fatalf("exit 2 below the limit: %s", errOut)
				}
				var v struct{ Hops []any }
				if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.Hops) != 1 {
					t.Errorf("report not read: %v, %d hops", err, len(v.Hops))
				}
				return
			}
			if code != exitCannot {
				t.Fatalf("exit %d, want 2", code)
			}
			if strings.Count(errOut, "\n") != 1 {
				t.Errorf("the error is not one line: %q", errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("the error %q does not say %q", errOut, w)
				}
			}
		})
	}

	// A 200 KB Authentication-Results field, folded over 6,000 lines: read
	// whole, every result kept.
	var ar strings.Builder
	ar.WriteString("Authentication-Results: mx.receiver.example;\r\n")
	const results = 6000
	for i := range results {
		fmt.Fprintf(&ar, "\tdkim=pass header.d=d%d.example;\r\n", i)
	}
	content := received + ar.String() + "From: a@healthy.example\r\n\r\n"
	if len(content) < 200_000 {
		t.Fatalf("the folded field is only %d bytes", len(content))
	}
	file := writeFile(t, "folded.eml", content)
	start := time.Now()
	code, out, errOut := runCLI(t, "", "headers", file, "--no-recheck", "--json")
	if code == exitCannot {
		t.Fatalf("a %d-byte folded field was refused: %s", len(content), errOut)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("reading a %d-byte field took %s", len(content), d)
	}
	var v struct {
		AR []struct{ Method string } `json:"authentication_results"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.AR) != results {
		t.Errorf("%d authentication results read, want %d (%v)", len(v.AR), results, err)
	}
}

// TestHeaderTooLargeSaysTrueSize: a 5 MiB file is refused, and the message
// must not claim a size the file does not have. mxray reads at most 4 MiB
// + 1 byte and headers.Parse reports the length it was given, so today the
// message says "the input is 4194305 bytes" for any larger file.
func TestHeaderTooLargeSaysTrueSize(t *testing.T) {
	const size = 5 << 20
	received := "Received: from relay.mailer.example (relay.mailer.example [203.0.113.10])\r\n\tby mx.receiver.example with ESMTPS id 1; Sun, 22 Nov 2026 17:52:00 +0000\r\nX-Pad: "
	file := writeFile(t, "big.eml", received+strings.Repeat("a", size-len(received)))
	code, _, errOut := runCLI(t, "", "headers", file, "--no-recheck")
	if code != exitCannot || !strings.Contains(errOut, "4 MiB") {
		t.Fatalf("exit %d, %q", code, errOut)
	}
	if strings.Contains(errOut, fmt.Sprint(headers.MaxInputSize+1)) {
		t.Errorf("the error says the input is %d bytes, but it is %d: %q", headers.MaxInputSize+1, size, errOut)
	}
}

// closedPort returns a loopback UDP address nothing listens on: a question
// sent there is refused by the kernel at once.
func closedPort(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	return addr
}

// TestNoResolverReachableEverySubcommand extends TestNoResolverReachable
// to spf and headers, with a server that never answers and one that
// refuses the connection: exit 2, one clear line, no hang.
func TestNoResolverReachableEverySubcommand(t *testing.T) {
	header := writeFile(t, "h.eml", hostileHeader("x"))
	for _, resolver := range []struct{ name, addr string }{{"silent", deadResolver(t)}, {"closed", closedPort(t)}} {
		for _, cmd := range [][]string{
			{"check", "example.com"},
			{"spf", "example.com", "--ip", "192.0.2.1"},
			{"spf", "--sender", "a@example.com", "--ip", "192.0.2.1"},
			{"headers", header},
		} {
			t.Run(resolver.name+"/"+strings.Join(cmd, " "), func(t *testing.T) {
				start := time.Now()
				args := append([]string{"--resolver", resolver.addr, "--timeout", "200ms", "--deadline", "3s"}, cmd...)
				code, out, errOut := runCLI(t, "", args...)
				if code != exitCannot || !strings.Contains(errOut, "no DNS server answered") || strings.Count(errOut, "\n") != 1 {
					t.Errorf("exit %d, stderr %q", code, errOut)
				}
				if out != "" {
					t.Errorf("a report was printed although nothing answered:\n%.300s", out)
				}
				if d := time.Since(start); d > 4*time.Second {
					t.Errorf("took %s: it should give up within the deadline", d)
				}
			})
		}
	}
}

// TestSPFIncludeTimeoutCLI: with --timeout 300ms, an include whose server
// never answers makes only the IPs that need it temperror, and "mxray spf"
// returns in about one timeout.
func TestSPFIncludeTimeoutCLI(t *testing.T) {
	srv := zoneservertest.New(t, `
$ORIGIN example.
@    SOA ns.example. h.example. 1 3600 600 86400 300
$ORIGIN f.example.
@    SOA ns.example. h.example. 1 3600 600 86400 300
@    TXT "v=spf1 ip4:192.0.2.0/24 include:inc.f.example -all"
inc  TXT "v=spf1 ip4:198.51.100.0/24 -all"
`)
	srv.SetFault("inc.f.example.", dns.TypeTXT, zoneserver.FaultDrop)
	start := time.Now()
	code, out, errOut := runCLI(t, "", "--resolver", srv.Addr(), "--timeout", "300ms", "spf", "f.example", "--ip", "192.0.2.7", "--ip", "198.51.100.7", "--json")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s with a 300ms timeout", d)
	}
	if code == exitCannot {
		t.Fatalf("exit 2: %s", errOut)
	}
	var v struct {
		Results []struct{ IP, Result string }
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Results) != 2 || v.Results[0].Result != "pass" || v.Results[1].Result != "temperror" {
		t.Errorf("results = %+v, want pass then temperror", v.Results)
	}
}

// limitFanOutZone returns a zone whose SPF tree at fan.example fans out: n
// includes, each with an mx: term naming ten hosts, each asked for A and
// AAAA ahead of time (21 questions per include).
func limitFanOutZone(n int) string {
	var b, rec strings.Builder
	b.WriteString("$ORIGIN example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	b.WriteString("$ORIGIN fan.example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	rec.WriteString("v=spf1")
	for i := range n {
		fmt.Fprintf(&rec, " include:i%d.fan.example", i)
		fmt.Fprintf(&b, "i%d TXT \"v=spf1 mx:m%d.fan.example -all\"\n", i, i)
		for h := range 10 {
			fmt.Fprintf(&b, "m%d MX 10 h%d.m%d\nh%d.m%d A 192.0.2.%d\n", i, h, i, h, i, h+1)
		}
	}
	rec.WriteString(" -all")
	fmt.Fprintf(&b, "@ TXT %s\n", txtStrings(rec.String()))
	return b.String()
}

// limitTXTZone returns a zone with n DKIM selectors s0..s<n-1> at
// big.example, each a TXT record of about 60 KB: asked together, more TXT
// than one investigation accepts. (Records that are not SPF keep the report
// small: an SPF tree of 1 MiB of terms is about 10 MB of JSON.)
func limitTXTZone(n int) string {
	var b strings.Builder
	b.WriteString("$ORIGIN example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	b.WriteString("$ORIGIN big.example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	b.WriteString("@ TXT \"v=spf1 -all\"\n")
	junk := strings.Repeat("x", 60_000)
	for i := range n {
		fmt.Fprintf(&b, "s%d._domainkey TXT %s\n", i, txtStrings("v=DKIM1; n="+junk))
	}
	return b.String()
}

// selectors returns --selector s0 ... --selector s<n-1>.
func selectors(n int) []string {
	var out []string
	for i := range n {
		out = append(out, "--selector", fmt.Sprintf("s%d", i))
	}
	return out
}

// txtStrings writes s as TXT RDATA of 255-byte character-strings.
func txtStrings(s string) string {
	var parts []string
	for len(s) > 255 {
		parts = append(parts, `"`+s[:255]+`"`)
		s = s[255:]
	}
	return "( " + strings.Join(append(parts, `"`+s+`"`), " ") + " )"
}

// TestLimitsEndToEnd: the per-investigation budgets of the DNS client
// (500 questions, 1 MiB of TXT) and the --deadline, reached through "mxray
// check" with the defaults: each says so in a finding, the report is still
// printed, and the run stays short.
func TestLimitsEndToEnd(t *testing.T) {
	type report struct {
		Queries    int
		Findings   []struct{ Code, Message string }
		Unfinished []string
	}
	slow := zoneservertest.New(t, `
$ORIGIN example.
@    SOA ns.example. h.example. 1 3600 600 86400 300
$ORIGIN f.example.
@    SOA ns.example. h.example. 1 3600 600 86400 300
@    MX  10 mx
mx   A   192.0.2.10
@    TXT "v=spf1 ip4:192.0.2.0/24 include:inc.f.example -all"
inc  TXT "v=spf1 ip4:198.51.100.0/24 -all"
`)
	slow.SetNameLatency("inc.f.example.", 5*time.Second)
	tests := []struct {
		name    string
		args    []string
		code    string // the finding
		message string // in its message
		bound   time.Duration
		check   func(t *testing.T, r report)
	}{
		{"questions", []string{"--zone", writeFile(t, "fan.zone", limitFanOutZone(60)), "check", "fan.example"},
			"dns.query_limit", "limit of 500 DNS questions", 5 * time.Second,
			func(t *testing.T, r report) {
				if r.Queries != 500 {
					t.Errorf("%d questions sent, want exactly the budget of 500", r.Queries)
				}
			}},
		{"TXT bytes", append([]string{"--zone", writeFile(t, "big.zone", limitTXTZone(18)), "check", "big.example"}, selectors(18)...),
			"dns.txt_limit", "total size limit", 5 * time.Second, nil},
		{"deadline", []string{"--resolver", slow.Addr(), "--timeout", "10s", "--deadline", "500ms", "check", "f.example"},
			"dns.unfinished", "500ms deadline", 2 * time.Second,
			func(t *testing.T, r report) {
				if strings.Join(r.Unfinished, ",") != "spf" {
					t.Errorf("unfinished = %v, want [spf]", r.Unfinished)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			guard := guardResolver(t)
			args := tt.args
			if args[0] == "--zone" {
				args = append([]string{"--resolver", guard.Addr()}, args...)
			}
			start := time.Now()
			code, out, errOut := runCLI(t, "", append(args, "--json")...)
			if d := time.Since(start); d > tt.bound {
				t.Errorf("took %s, want at most %s", d, tt.bound)
			}
			if code == exitCannot {
				t.Fatalf("exit 2: %s", errOut)
			}
			var r report
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range r.Findings {
				found = found || (f.Code == tt.code && strings.Contains(f.Message, tt.message))
			}
			if !found {
				t.Errorf("no %s finding saying %q: %+v", tt.code, tt.message, r.Findings)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

// TestJSONEscapesTerminalControls: JSON keeps hostile values, but as \u
// escapes, so that "mxray ... --json" printed on a terminal (the common
// case) cannot carry C1 controls, bidi controls or invisible characters to
// it either. encoding/json escapes only C0, <, >, & and U+2028/U+2029;
// termsafe's package doc assumes it escapes the rest. The escaped form
// decodes to exactly the same strings.
func TestJSONEscapesTerminalControls(t *testing.T) {
	zoneFile := writeFile(t, "hostile.zone", hostileZone())
	guard := guardResolver(t)
	for _, c := range hostileClasses {
		t.Run(c.name, func(t *testing.T) {
			header := writeFile(t, "h.eml", hostileHeader(c.raw))
			list := writeFile(t, "list.txt", c.name+".hostile.example\n")
			for _, r := range []struct {
				name string
				args []string
			}{
				{"headers", []string{"headers", header, "--no-recheck", "--json"}},
				{"check", []string{"--zone", zoneFile, "--resolver", guard.Addr(), "check", c.name + ".hostile.example", "--selector", "sel", "--json"}},
				{"check -f", []string{"--zone", zoneFile, "--resolver", guard.Addr(), "check", "-f", list, "--selector", "sel", "--json"}},
			} {
				_, out, errOut := runCLI(t, "", r.args...)
				if out == "" {
					t.Fatalf("%s: no output: %s", r.name, errOut)
				}
				if bad := termsafetest.Unsafe(out); bad != "" {
					t.Errorf("%s --json: %s", r.name, bad)
				}
				requireJSONKeeps(t, r.name+" --json", out, c.json)
			}
		})
	}
}

// TestSPFBoundsEndToEnd: through "mxray spf", a 100-level include chain is
// cut at spf's depth cap and ends in permerror at the 10-lookup limit, and
// an include behind 30 CNAMEs stops at the client's CNAME limit with
// temperror; each finding says where.
func TestSPFBoundsEndToEnd(t *testing.T) {
	var z strings.Builder
	z.WriteString("$ORIGIN example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	z.WriteString("$ORIGIN chain.example.\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n")
	z.WriteString("@ TXT \"v=spf1 include:l1.chain.example -all\"\n")
	for i := 1; i < 100; i++ {
		fmt.Fprintf(&z, "l%d TXT \"v=spf1 include:l%d.chain.example -all\"\n", i, i+1)
	}
	z.WriteString("l100 TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n")
	z.WriteString("cn TXT \"v=spf1 ip4:192.0.2.0/24 include:c0.chain.example -all\"\n")
	for i := range 30 {
		fmt.Fprintf(&z, "c%d CNAME c%d\n", i, i+1)
	}
	z.WriteString("c30 TXT \"v=spf1 ip4:198.51.100.0/24 -all\"\n")
	zone := writeFile(t, "chain.zone", z.String())
	guard := guardResolver(t)

	tests := []struct {
		domain, result, code, says string
	}{
		{"chain.example", "permerror", "spf.tree_cut", fmt.Sprintf(`"include:l%d.chain.example" at l%d.chain.example`, spf.DefaultMaxDepth+1, spf.DefaultMaxDepth)},
		{"cn.chain.example", "temperror", "spf.dns_error", "CNAME chain too long"},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			start := time.Now()
			code, out, errOut := runCLI(t, "", "--resolver", guard.Addr(), "--zone", zone, "spf", tt.domain, "--ip", "198.51.100.7", "--json")
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %s", d)
			}
			if code == exitCannot {
				t.Fatalf("exit 2: %s", errOut)
			}
			var v struct {
				Result   string
				Findings []struct{ Code, Message string }
			}
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatal(err)
			}
			if v.Result != tt.result {
				t.Errorf("result %s, want %s", v.Result, tt.result)
			}
			found := false
			for _, f := range v.Findings {
				found = found || (f.Code == tt.code && strings.Contains(f.Message, tt.says))
			}
			if !found {
				t.Errorf("no %s finding saying %s: %+v", tt.code, tt.says, v.Findings)
			}
		})
	}
}
