package render

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile carries every class the sanitizer must defuse, plus Markdown and
// HTML that a ticket system would run.
const hostile = "x\x1b]52;c;cm0=\x07 \x1b[2J \u202eevil \u200b <script>alert(1)</script> [click](https://evil.example) | cell"

func sampleDoc() *Doc {
	var d Doc
	d.Heading(1, "Report for example.com")
	d.Para("Record: " + hostile)
	d.Fields([2]string{"Policy", "reject"}, [2]string{"Empty", ""}, [2]string{"rua", "mailto:alice@reports.example"})
	d.Table([]string{"Host", "Note"}, [][]string{{"mx1.example.com", hostile}, {"mx2.example.com", "ok"}})
	d.List("first", "second "+hostile)
	root := &Node{Text: "example.com"}
	child := root.Add("include:_spf.example.com")
	child.Marked = true
	child.Add("ip4:192.0.2.0/24")
	d.Tree(root)
	d.Code("v=spf1 " + hostile + "\nsecond line")
	return &d
}

func TestTextIsSanitised(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, sampleDoc(), Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"\x1b", "\x07", "\u202e", "\u200b"} {
		if strings.Contains(out, bad) {
			t.Errorf("text output carries %q", bad)
		}
	}
	for _, want := range []string{`\x1b]52;c;cm0=\x07`, `\x1b[2J`, `\u202e`, `\u200b`, "Report for example.com\n══════", "Policy: reject", "include:_spf.example.com  ◀", "    second line"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Empty") {
		t.Error("a field with an empty value was printed")
	}
}

func TestTextASCII(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, sampleDoc(), Options{ASCII: true}); err != nil {
		t.Fatal(err)
	}
	for _, r := range b.String() {
		if r > 0x7e && r != '…' {
			t.Fatalf("non-ASCII %q in ASCII output:\n%s", r, b.String())
		}
	}
}

func TestMarkdownEscapes(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, sampleDoc(), Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"\x1b", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Errorf("markdown output carries %q:\n%s", bad, out)
		}
	}
	// Outside code spans and fenced blocks, no HTML and no link survives.
	prose := regexp.MustCompile("(?s)```.*?```|`[^`]*`").ReplaceAllString(out, "")
	for _, bad := range []string{"<script", "](http", "https://"} {
		if strings.Contains(prose, bad) {
			t.Errorf("markdown prose carries %q:\n%s", bad, prose)
		}
	}
	for _, want := range []string{"# Report for example.com", "`<script>alert(1)</script>`", "`[click](https://evil.example)`", `\| cell`, "| Host | Note |", "- **Policy:** reject", "**include:\\_spf.example.com** ◀", "`mailto:alice@reports.example`"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown output lacks %q:\n%s", want, out)
		}
	}
	// Every table row has the same number of unescaped pipes as the header.
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| mx") {
			if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n != 3 {
				t.Errorf("table row has %d cell separators: %q", n, line)
			}
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"mailto:dmarc@reports.example", "mailto:…@reports.example"},
		{"<20261122.abc@mailer.example>", "<…@mailer.example>"},
		{"no address here", "no address here"},
		{"a@b", "a@b"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	var b bytes.Buffer
	if err := Markdown(&b, sampleDoc(), Options{Redact: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "alice@") {
		t.Error("redacted markdown still names alice")
	}
}

func TestCodeSpanFence(t *testing.T) {
	if got := codeSpan("a`b"); got != "``a`b``" {
		t.Errorf("codeSpan = %q", got)
	}
	if got := codeSpan("`x"); got != "`` `x ``" {
		t.Errorf("codeSpan = %q", got)
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("é", 70*1024) // 140 KB of two-byte characters
	got := Clip(long, 301)
	if !strings.HasSuffix(got, "… [cut: 140 KB in all]") || !utf8.ValidString(got) || len(got) > 340 {
		t.Errorf("Clip = %q", got)
	}
	if Clip("short", 300) != "short" || SizeWords(512) != "512 bytes" || SizeWords(5<<20) != "5.0 MB" {
		t.Errorf("short values and sizes")
	}
}
