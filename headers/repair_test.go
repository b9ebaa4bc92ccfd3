package headers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mxray/mxray/headers/paste"
)

// hasKind reports whether m has a repair of kind k.
func hasKind(m *Message, k RepairKind) bool {
	for _, p := range m.Problems {
		if p.Kind == k {
			return true
		}
	}
	return false
}

func TestParseRepairs(t *testing.T) {
	const intact = "Received: from mail.example.com (mail.example.com [192.0.2.1])\n" +
		"\tby mx.example.net with ESMTPS id 4Nq2Kx\n" +
		"\tfor <bob@example.net>; Mon, 1 Jan 2024 00:00:00 +0000\n" +
		"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=s1;\n" +
		" h=From:To:Subject:Date;\n" +
		" bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n" +
		" b=dGVzdGluZ3Rlc3Rpbmd0ZXN0aW5ndGVzdGluZ3Rlc3Rpbmd0ZXN0aW5n\n" +
		"From: Alice <alice@example.com>\n" +
		"Subject: Re: the meeting\n" +
		"\tRe: Agenda: item 1\n" +
		"\n" +
		"Hello\n"
	wantFields := "[Received DKIM-Signature From Subject]"
	tests := []struct {
		name    string
		in      string
		kinds   []paste.RepairKind
		repair  string // a field whose Repair must be set
		valueOf string // a field whose Value is checked against the intact one (white space runs read as one space)
	}{
		{name: "quoted", in: quote(intact, "> "), kinds: []RepairKind{paste.RepairQuoted}, valueOf: "DKIM-Signature"},
		{name: "quoted without a space", in: quote(intact, ">"), kinds: []RepairKind{paste.RepairQuoted}, valueOf: "Received"},
		{name: "quoted twice", in: quote(intact, ">> "), kinds: []RepairKind{paste.RepairQuoted}, valueOf: "Subject"},
		{name: "quoted twice, spaced", in: quote(intact, "> > "), kinds: []RepairKind{paste.RepairQuoted}, valueOf: "Subject"},
		{name: "quoted inside a reply", in: "On Monday Bob wrote:\n" + quote(intact, "> ") + "Thanks, that helps.\n",
			kinds: []RepairKind{paste.RepairQuoted, paste.RepairSkipped, paste.RepairQuoteEnd}, valueOf: "Received"},
		{name: "de-indented", in: deindent(intact), kinds: []RepairKind{paste.RepairDeindented}, repair: "DKIM-Signature", valueOf: "Subject"},
		{name: "de-indented and quoted", in: quote(deindent(intact), "> "), kinds: []RepairKind{paste.RepairQuoted, paste.RepairDeindented}, repair: "Received", valueOf: "Received"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := fmt.Sprint(names(m)); got != wantFields {
				t.Fatalf("fields = %s, want %s; problems %+v", got, wantFields, m.Problems)
			}
			for _, k := range tt.kinds {
				if !hasKind(m, k) {
					t.Errorf("no %s repair in %+v", k, m.Problems)
				}
			}
			if string(m.Body) != "Hello\n" {
				t.Errorf("body = %q", m.Body)
			}
			ref, _ := Parse([]byte(intact))
			for i, f := range m.Fields {
				if (f.Repair != "") != (f.Name == tt.repair || tt.repair == "Received" && f.Name != "From") && tt.repair != "" {
					continue
				}
				if f.Name == tt.valueOf && oneSpace(f.Value) != oneSpace(ref.Fields[i].Value) {
					t.Errorf("%s = %q, intact %q", f.Name, f.Value, ref.Fields[i].Value)
				}
			}
			if tt.repair != "" && m.All(tt.repair)[0].Repair == "" {
				t.Errorf("%s not marked as repaired", tt.repair)
			}
			if tt.repair == "" {
				for _, f := range m.Fields {
					if f.Repair != "" {
						t.Errorf("%s marked %s, though quote marks alone were removed", f.Name, f.Repair)
					}
				}
			}
		})
	}
}

// oneSpace reads runs of white space as one space, as relaxed header
// canonicalization does (RFC 6376 §3.4.2).
func oneSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func quote(s, marks string) string {
	var b strings.Builder
	for l := range strings.Lines(s) {
		if l == "\n" {
			b.WriteString(strings.TrimRight(marks, " ") + "\n")
			continue
		}
		b.WriteString(marks + l)
	}
	return b.String()
}

func deindent(s string) string {
	head, body, _ := strings.Cut(s, "\n\n")
	var b strings.Builder
	for l := range strings.Lines(head) {
		b.WriteString(strings.TrimLeft(l, " \t"))
	}
	return b.String() + "\n\n" + body
}

func TestParseRepairEachLine(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		fields  string
		valueOf string
		want    string
		kind    paste.RepairKind
	}{
		{
			name:    "a Received field's clauses",
			in:      "Received: from a.example.com (a.example.com [192.0.2.1])\nby mx.example.net (Postfix) with ESMTPS id 9F3B\nfor <bob@example.net>; Mon, 1 Jan 2024 00:00:00 +0000\nFrom: a@example.com\n",
			fields:  "[Received From]",
			valueOf: "Received", want: "from a.example.com (a.example.com [192.0.2.1]) by mx.example.net (Postfix) with ESMTPS id 9F3B for <bob@example.net>; Mon, 1 Jan 2024 00:00:00 +0000",
			kind: paste.RepairDeindented,
		},
		{
			name:    "h= names that look like fields",
			in:      "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s; h=To:\nSubject: Date: From;\nbh=abc=; b=def\nFrom: a@example.com\n",
			fields:  "[DKIM-Signature From]",
			valueOf: "DKIM-Signature", want: "v=1; a=rsa-sha256; d=example.com; s=s; h=To: Subject: Date: From; bh=abc=; b=def",
			kind: paste.RepairDeindented,
		},
		{
			name:    "Microsoft KEY:VALUE; runs",
			in:      "X-Forefront-Antispam-Report: CIP:192.0.2.1;CTRY:;LANG:en;\nSCL:1;SRV:;IPV:NLI;SFV:NSPM;\nH:mail.example.com;PTR:mail.example.com;CAT:NONE;\nFrom: a@example.com\n",
			fields:  "[X-Forefront-Antispam-Report From]",
			valueOf: "X-Forefront-Antispam-Report", want: "CIP:192.0.2.1;CTRY:;LANG:en; SCL:1;SRV:;IPV:NLI;SFV:NSPM; H:mail.example.com;PTR:mail.example.com;CAT:NONE;",
			kind: paste.RepairDeindented,
		},
		{
			name:    "a URL and an IPv6 address",
			in:      "List-Unsubscribe:\n<https://example.com/u?x=1>,\n<mailto:u@example.com>\nReceived: from a (a\n[2a01:111:f400::1]) by b; Mon, 1 Jan 2024 00:00:00 +0000\nFrom: a@example.com\n",
			fields:  "[List-Unsubscribe Received From]",
			valueOf: "List-Unsubscribe", want: "<https://example.com/u?x=1>, <mailto:u@example.com>",
			kind: paste.RepairDeindented,
		},
		{
			name:    "a reply prefix",
			in:      "Subject: Re: AW: long\nRe: Fwd: subject\nFrom: a@example.com\nTo: b@example.org\nweird line\n",
			fields:  "[Subject From To]",
			valueOf: "Subject", want: "Re: AW: long Re: Fwd: subject",
			kind: paste.RepairDeindented,
		},
		{
			name:    "a bad line amid the header does not end it",
			in:      "From: a@example.com\nSubject: s\n*** pasted from the ticket system ***\nTo: b@example.org\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nbody\n",
			fields:  "[From Subject To Date]",
			valueOf: "Subject", want: "s *** pasted from the ticket system ***",
			kind: paste.RepairDeindented,
		},
		{
			name:    "a line of white space trimmed to nothing inside a field",
			in:      "To: a@example.com,\nb@example.com,\n\nc@example.com\nFrom: x@example.com\n\nbody",
			fields:  "[To From]",
			valueOf: "To", want: "a@example.com, b@example.com, c@example.com",
			kind: paste.RepairDeindented,
		},
		{
			name: "a mail client's re-wrap cuts a long word at the width",
			in: "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s; h=from:to;\n" +
				"b=" + strings.Repeat("A", 74) + "\n" + strings.Repeat("B", 76) + "\n" + "CCCC; bh=x=\n" +
				"Subject: a subject long enough to be wrapped by the mail client at its\nwidth of seventy-six columns\nFrom: a@example.com\n",
			fields:  "[DKIM-Signature Subject From]",
			valueOf: "DKIM-Signature", want: "v=1; a=rsa-sha256; d=example.com; s=s; h=from:to; b=" + strings.Repeat("A", 74) + strings.Repeat("B", 76) + "CCCC; bh=x=",
			kind: paste.RepairSplitToken,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := fmt.Sprint(names(m)); got != tt.fields {
				t.Fatalf("fields = %s, want %s; problems %+v", got, tt.fields, m.Problems)
			}
			if got := m.All(tt.valueOf)[0]; got.Value != tt.want || got.Repair == "" {
				t.Errorf("%s = %q (repair %q), want %q", tt.valueOf, got.Value, got.Repair, tt.want)
			}
			if !hasKind(m, tt.kind) {
				t.Errorf("no %s repair in %+v", tt.kind, m.Problems)
			}
		})
	}
}

func TestParseGreetingAboveHeader(t *testing.T) {
	m, err := Parse([]byte("Hi, here are the headers you asked for:\n\nFrom: a@example.com\nTo: b@example.org\n\nbody\n"))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(names(m)) != "[From To]" || string(m.Body) != "body\n" || !hasKind(m, paste.RepairSkipped) {
		t.Errorf("fields %q, body %q, problems %+v", names(m), m.Body, m.Problems)
	}
}
