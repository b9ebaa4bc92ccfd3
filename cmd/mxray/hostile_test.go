package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxray/mxray/diag/termsafe/termsafetest"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
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
// resolver; text, JSON). The check asks no blocklist: their zones are
// outside the overlay, and blocklist answers have their own hostile test
// (diag/blocklist TestDocHostileAnswers).
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
			check := []string{"--zone", zoneFile, "--resolver", guard.Addr(), "check", domain, "--selector", "sel", "--no-blocklists"}
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
