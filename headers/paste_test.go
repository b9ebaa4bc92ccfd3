package headers

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mxray/mxray/headers/trace"
)

// names returns the field names of m, in order.
func names(m *Message) []string {
	var out []string
	for _, f := range m.Fields {
		out = append(out, f.Name)
	}
	return out
}

func problemsMention(m *Message, word string) bool {
	for _, p := range m.Problems {
		if strings.Contains(p.Message, word) {
			return true
		}
	}
	return false
}

func TestParsePasteDamage(t *testing.T) {
	const gmailBox = "Original message\n" +
		"Message ID\t<CAJ1234@mail.gmail.com>\n" +
		"Created at:\tTue, Mar 5, 2024 at 10:12 AM (Delivered after 1 seconds)\n" +
		"From:\tAlice Example <alice@example.com>\n" +
		"To:\tbob@example.org\n" +
		"Subject:\tHello\n" +
		"SPF:\tPASS with IP 209.85.220.41 Learn more\n" +
		"DKIM:\t'PASS' with domain example.com Learn more\n" +
		"DMARC:\t'PASS' Learn more\n" +
		"Download original\tCopy to clipboard\t\n"
	const realHeader = "Delivered-To: bob@example.org\n" +
		"Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])\n" +
		"        by mx.google.com with SMTPS id x; Tue, 5 Mar 2024 10:12:34 -0800 (PST)\n" +
		"From: Alice Example <alice@example.com>\n" +
		"Subject: Hello\n"

	tests := []struct {
		name      string
		in        string
		fields    []string // field names in order
		body      string   // "" means no body
		problem   string   // a word a Problem must contain; "" means no problem at all
		valueOf   string   // a field whose Value is checked
		wantValue string
	}{
		{
			name:   "CRLF",
			in:     "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n",
			fields: []string{"From", "Subject"}, body: "body\r\n",
		},
		{
			name:   "CR only",
			in:     "Received: from a (a [192.0.2.1]) by mx.example.com;\r Mon, 1 Jan 2024 00:00:00 +0000\rFrom: a@example.com\r\rbody\r",
			fields: []string{"Received", "From"}, body: "body\r",
			valueOf: "Received", wantValue: "from a (a [192.0.2.1]) by mx.example.com; Mon, 1 Jan 2024 00:00:00 +0000",
		},
		{
			name:   "mixed line ends",
			in:     "From: a@example.com\r\nTo: b@example.org\nSubject: x\r\n\ty\rDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nbody",
			fields: []string{"From", "To", "Subject", "Date"}, body: "body",
			valueOf: "Subject", wantValue: "x\ty",
		},
		{
			name:   "leading blank lines",
			in:     "\n\n   \n\t\nFrom: a@example.com\n\nbody",
			fields: []string{"From"}, body: "body",
		},
		{
			name:   "mbox From line",
			in:     "From MAILER-DAEMON Fri Jul  8 12:08:34 2011\nReturn-Path: <a@example.com>\nFrom: a@example.com\n\nbody",
			fields: []string{"Return-Path", "From"}, body: "body",
			problem: "mbox",
		},
		{
			name:   "Gmail show-original box",
			in:     gmailBox + realHeader + "\nHi Bob\n",
			fields: []string{"Delivered-To", "Received", "From", "Subject"}, body: "Hi Bob\n",
			problem: "Gmail",
		},
		{
			name:    "Gmail box without the buttons line",
			in:      strings.Replace(gmailBox, "Download original\tCopy to clipboard\t\n", "", 1) + realHeader,
			fields:  []string{"Delivered-To", "Received", "From", "Subject"},
			problem: "Gmail",
		},
		{
			name: "Outlook Internet headers copy",
			in: "Microsoft Mail Internet Headers Version 2.0\r\n" +
				"Received: from EX1.corp.example.com (10.0.0.1) by EX2.corp.example.com\r\n (10.0.0.2) with Microsoft SMTP Server id 15.2.1; Mon, 1 Jan 2024 00:00:00 +0000\r\n" +
				"Content-Type: multipart/alternative;\r\n\tboundary=\"_000_\"\r\n" +
				"From: a@example.com\r\n" +
				"--_000_\r\nContent-Type: text/plain\r\n\r\n--_000_--\r\n",
			fields:  []string{"Received", "Content-Type", "From"},
			body:    "--_000_\r\nContent-Type: text/plain\r\n\r\n--_000_--\r\n",
			problem: "MIME boundary",
		},
		{
			name: "blank line after every header line",
			in: "Delivered-To: bob@example.org\n\nReceived: from a (a [192.0.2.1]) by mx.example.net;\n\n        Mon, 1 Jan 2024 00:00:00 +0000\n\n" +
				"From: a@example.com\n\nSubject: s\n\nTo: bob@example.org\n\n\nHello Bob\n\nBye\n",
			fields:  []string{"Delivered-To", "Received", "From", "Subject", "To"},
			body:    "\nHello Bob\n\nBye\n",
			problem: "followed by a blank line",
			valueOf: "Received", wantValue: "from a (a [192.0.2.1]) by mx.example.net;        Mon, 1 Jan 2024 00:00:00 +0000",
		},
		{
			name: "double spacing ends at a line that is not a header",
			in: "From: a@example.com\n\nTo: b@example.org\n\nSubject: s\n\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\n" +
				"Hello,\n\nName: not a header\n",
			fields: []string{"From", "To", "Subject", "Date"}, body: "Hello,\n\nName: not a header\n",
			problem: "followed by a blank line",
		},
		{
			name:   "a normal message whose body looks like headers is not double spaced",
			in:     "From: a@example.com\nSubject: form\n\nName: Jo\n\nEmail: jo@example.org\n\nPhone: 1\n\nCity: X\n\n",
			fields: []string{"From", "Subject"}, body: "Name: Jo\n\nEmail: jo@example.org\n\nPhone: 1\n\nCity: X\n\n",
		},
		{
			name: "attached message/rfc822 stays in the body",
			in: "From: Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>\nContent-Type: multipart/report; boundary=\"b\"\n\n" +
				"--b\nContent-Type: message/rfc822\n\nReceived: from evil (evil [198.51.100.9]) by mx.example.net; Mon, 1 Jan 2024 00:00:00 +0000\nFrom: spammer@example.net\n\nbuy\n--b--\n",
			fields: []string{"From", "Content-Type"},
			body: "--b\nContent-Type: message/rfc822\n\nReceived: from evil (evil [198.51.100.9]) by mx.example.net; Mon, 1 Jan 2024 00:00:00 +0000\n" +
				"From: spammer@example.net\n\nbuy\n--b--\n",
		},
		{
			name:    "leading space on the first line",
			in:      " From: a@example.com\nSubject: s\n",
			fields:  []string{"From", "Subject"},
			problem: "starts with a space",
		},
		{
			name:    "space before the colon",
			in:      "Subject : s\nFrom: a@example.com\n",
			fields:  []string{"Subject", "From"},
			problem: "before its colon",
		},
		{
			name:    "a stray line amid the header is skipped",
			in:      "Here are the headers you asked for\nFrom: a@example.com\nSubject: s\n",
			fields:  []string{"From", "Subject"},
			problem: "not a header field",
		},
		{
			name:    "no empty line before the body",
			in:      "From: a@example.com\nSubject: s\nHello Bob, this is the body.\nIt has two lines.\n",
			fields:  []string{"From", "Subject"},
			body:    "Hello Bob, this is the body.\nIt has two lines.\n",
			problem: "no empty line",
		},
		{
			name:   "a line of white space inside a folded field",
			in:     "To: a@example.com,\n\t b@example.com,\n\t\n\tc@example.com\nFrom: x@example.com\n\nbody",
			fields: []string{"To", "From"}, body: "body",
			valueOf: "To", wantValue: "a@example.com,\t b@example.com,\t\tc@example.com",
		},
		{
			name:   "headers ending in blank lines have no body",
			in:     "From: a@example.com\n\n\n  \n",
			fields: []string{"From"},
		},
		{
			name:    "invalid UTF-8 is kept byte for byte",
			in:      "Subject: caf\xe9 \xff\xfe\nFrom: a@example.com\n",
			fields:  []string{"Subject", "From"},
			valueOf: "Subject", wantValue: "caf\xe9 \xff\xfe",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := names(m); fmt.Sprint(got) != fmt.Sprint(tt.fields) {
				t.Errorf("fields = %q, want %q", got, tt.fields)
			}
			if tt.body == "" && m.HasBody {
				t.Errorf("body %q where there is none", m.Body)
			}
			if tt.body != "" && (!m.HasBody || string(m.Body) != tt.body) {
				t.Errorf("body = %q (has %v), want %q", m.Body, m.HasBody, tt.body)
			}
			if tt.problem == "" && len(m.Problems) > 0 {
				t.Errorf("unexpected problems %+v", m.Problems)
			}
			if tt.problem != "" && !problemsMention(m, tt.problem) {
				t.Errorf("no problem mentions %q: %+v", tt.problem, m.Problems)
			}
			if tt.valueOf != "" {
				fs := m.All(tt.valueOf)
				if len(fs) == 0 || fs[0].Value != tt.wantValue {
					t.Errorf("%s value = %+v, want %q", tt.valueOf, fs, tt.wantValue)
				}
			}
		})
	}
}

func TestParseGmailBoxSummary(t *testing.T) {
	in := "Original message\nMessage ID\t<CAJ1@mail.gmail.com>\nFrom:\tA <a@example.com>\nSPF:\tPASS with IP 209.85.220.41 Learn more\n" +
		"DMARC:\t'FAIL' Learn more\nDownload original\nCopy to clipboard\nFrom: A <a@example.com>\n"
	m, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.All("From")) != 1 || len(m.Fields) != 1 {
		t.Fatalf("fields = %q: the box's From row must not become a field", names(m))
	}
	got := map[string]string{}
	for _, r := range m.Summary {
		got[r.Name] = r.Value
	}
	if got["SPF"] != "PASS with IP 209.85.220.41" || got["DMARC"] != "'FAIL'" || got["Message ID"] != "<CAJ1@mail.gmail.com>" {
		t.Errorf("summary = %+v", m.Summary)
	}
}

func TestParseTerminalBrokenLines(t *testing.T) {
	long := []string{
		"Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id e21sor2892698lfq.1; Mon, 02 Nov 2020 01:57:24 -0800 (PST)",
		"Received: from HE1EUR01FT040.eop-EUR01.prod.protection.outlook.com (2a01:111:f400:7e1f::206) by VI1PR0601CA0032.outlook.office365.com with Microsoft SMTP Server id 15.20.77.7; Fri, 13 Oct 2017 11:10:15 +0000",
		"Subject: short",
		"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel; h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=dGVzdGluZ3Rlc3Rpbmd0ZXN0aW5ndGVzdGluZ3Rlc3Rpbmd0ZXN0aW5n",
	}
	const width = 80
	var b strings.Builder
	for _, l := range long {
		for len(l) > width {
			b.WriteString(l[:width] + "\n")
			l = l[width:]
		}
		b.WriteString(l + "\n")
	}
	// The second field is cut just before its IPv6 address, which then
	// starts a line like a field name would ("2a01:…").
	if !strings.Contains(b.String(), "\n2a01:111") && !strings.Contains(b.String(), "\n1:f400") {
		t.Logf("note: the cut did not land on the IPv6 address")
	}
	m, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Fields) != len(long) {
		t.Fatalf("fields = %q, want %d fields", names(m), len(long))
	}
	for i, l := range long {
		want := l[strings.Index(l, ":")+2:]
		if m.Fields[i].Value != want {
			t.Errorf("field %d = %q, want %q", i, m.Fields[i].Value, want)
		}
	}
	if !problemsMention(m, "80 columns") {
		t.Errorf("no problem reports the joins: %+v", m.Problems)
	}
	r, err := trace.ParseReceived(m.Fields[0].Value)
	if err != nil || r.IP.String() != "209.85.220.41" {
		t.Errorf("rejoined Received reads IP %v, %v", r.IP, err)
	}
}

func TestParseTerminalBreakBeforeIPv6(t *testing.T) {
	// Cut exactly before the IPv6 address: the continuation looks like a
	// field named "2a01".
	head := "Received: from HE1EUR01FT040.eop-EUR01.prod.protection.outlook.com ("
	pad := strings.Repeat("x", 80-len(head))
	in := head[:len(head)-1] + pad + "(\n2a01:111:f400:7e1f::206) by mx.example.com; Fri, 13 Oct 2017 11:10:15 +0000\nFrom: a@example.com\n"
	m, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Fields) != 2 || m.Fields[0].Name != "Received" {
		t.Fatalf("fields = %q", names(m))
	}
	if !strings.Contains(m.Fields[0].Value, "(2a01:111:f400:7e1f::206)") {
		t.Errorf("not rejoined: %q", m.Fields[0].Value)
	}
}

func TestParseSplitEncodedWords(t *testing.T) {
	// "Ünïcødé" in UTF-8, with the two bytes of "ï" split across words.
	m, err := Parse([]byte("Subject: =?UTF-8?B?w5xu?=\r\n =?UTF-8?B?w68=?= =?UTF-8?Q?c=C3=B8d=C3?=\r\n\t=?UTF-8?Q?=A9?=\r\nFrom: a@example.com\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := DecodeWords(m.All("Subject")[0].Value); got != "Ünïcødé" {
		t.Errorf("decoded %q, want Ünïcødé", got)
	}
}

func TestParseFieldShape(t *testing.T) {
	m, err := Parse([]byte("\n\nFrom: a@example.com\nSubject: one\n two\n\tthree\n\nbody"))
	if err != nil {
		t.Fatal(err)
	}
	s := m.All("subject")[0]
	if s.Raw != "Subject: one\r\n two\r\n\tthree" {
		t.Errorf("Raw = %q: folding kept, lines joined with CRLF", s.Raw)
	}
	if s.Value != "one two\tthree" {
		t.Errorf("Value = %q: unfolded", s.Value)
	}
	if s.Line != 4 || m.All("From")[0].Line != 3 {
		t.Errorf("lines = %d, %d; want 4, 3", s.Line, m.All("From")[0].Line)
	}
}

func TestParseUnusableInput(t *testing.T) {
	tooMany := strings.Repeat("X-A: b\n", MaxFields+1)
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"too large", bytes.Repeat([]byte("X"), MaxInputSize+1), ErrTooLarge},
		{"outlook .msg", append(append([]byte{}, oleMagic...), make([]byte, 512)...), ErrOutlookMsg},
		{"no header field", []byte("Hello Bob,\nthe headers are below.\n\nThanks\n"), ErrNoHeaders},
		{"empty", nil, ErrNoHeaders},
		{"too many fields", []byte(tooMany), ErrTooManyFields},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Detail == "" {
				t.Errorf("error %T carries no advice", err)
			}
			if m != nil {
				t.Errorf("a message came back with the error")
			}
		})
	}
	// The limits themselves are accepted.
	if _, err := Parse([]byte(strings.Repeat("X-A: b\n", MaxFields))); err != nil {
		t.Errorf("%d fields: %v", MaxFields, err)
	}
}

func TestParseLargeFoldedField(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: a@example.com\r\nX-Big: start\r\n")
	for b.Len() < 200<<10 {
		b.WriteString("\t0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH\r\n")
	}
	b.WriteString("Subject: after\r\n\r\nbody")
	m, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(m); fmt.Sprint(got) != "[From X-Big Subject]" {
		t.Fatalf("fields = %q", got)
	}
	if v := m.All("X-Big")[0].Value; len(v) < 190<<10 || strings.ContainsAny(v, "\r\n") {
		t.Errorf("X-Big value is %d bytes or not unfolded", len(v))
	}
}

func TestParseUTF16(t *testing.T) {
	text := "From: a@example.com\r\nSubject: s\r\n"
	le := []byte{0xFF, 0xFE}
	for _, r := range text {
		le = append(le, byte(r), 0)
	}
	m, err := Parse(le)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(names(m)) != "[From Subject]" || !problemsMention(m, "UTF-16") {
		t.Errorf("fields %q, problems %+v", names(m), m.Problems)
	}
}
