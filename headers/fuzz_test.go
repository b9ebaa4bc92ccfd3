package headers

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Native fuzz targets. Their seeds (f.Add, from the samples and corpora in
// ../testdata, plus testdata/fuzz/FuzzX/) run on every go test. Each asserts
// properties: no panic, limits hold, and parse → text → parse is stable
// where the format allows it.

func addSampleSeeds(f *testing.F) {
	files, _ := filepath.Glob("../testdata/headers/*.eml")
	for _, path := range files {
		if b, err := os.ReadFile(path); err == nil {
			// The first 4 KB hold the start of every header; smaller
			// seeds mutate and run much faster.
			f.Add(b[:min(len(b), 4096)])
		}
	}
	f.Add([]byte("From: a@example.com\n\nbody"))
	f.Add([]byte(" From: a\r\n\r\n"))
	f.Add([]byte("Original message\nMessage ID\t<x>\nSPF:\tPASS\nDownload original\nFrom: a@b\n"))
	f.Add([]byte("A: b\n\nC: d\n\nE: f\n\nG: h\n\n\nbody"))
	f.Add(append(append([]byte{}, oleMagic...), 0, 1, 2))
	f.Add([]byte{0xFF, 0xFE, 'F', 0, ':', 0, ' ', 0, 'x', 0})
}

func FuzzParse(f *testing.F) {
	addSampleSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || m != nil {
				t.Fatalf("error %v is not an *InputError, or a message came with it", err)
			}
			return
		}
		if len(m.Fields) == 0 || len(m.Fields) > MaxFields {
			t.Fatalf("%d fields", len(m.Fields))
		}
		last := 0
		for _, fl := range m.Fields {
			if fl.Name == "" || strings.ContainsAny(fl.Name, ": \t\r\n") {
				t.Fatalf("bad field name %q", fl.Name)
			}
			if strings.ContainsAny(fl.Value, "\r\n") {
				t.Fatalf("value of %s is not unfolded: %q", fl.Name, fl.Value)
			}
			if fl.Line <= last {
				t.Fatalf("line numbers not increasing: %d after %d", fl.Line, last)
			}
			last = fl.Line
		}
		if m.HasBody != (len(m.Body) > 0) {
			t.Fatalf("HasBody %v with a body of %d bytes", m.HasBody, len(m.Body))
		}
		// A clean paste is stable: the fields written back out parse to
		// the same fields.
		if len(m.Problems) == 0 && !m.HasBody && len(m.Summary) == 0 {
			var b strings.Builder
			for _, fl := range m.Fields {
				b.WriteString(fl.Raw + "\r\n")
			}
			again, err := Parse([]byte(b.String()))
			if err != nil {
				t.Fatalf("re-parse: %v", err)
			}
			if len(again.Fields) != len(m.Fields) {
				t.Fatalf("re-parse: %d fields, want %d", len(again.Fields), len(m.Fields))
			}
			for i := range m.Fields {
				if again.Fields[i].Name != m.Fields[i].Name || again.Fields[i].Value != m.Fields[i].Value {
					t.Fatalf("re-parse field %d: %q=%q, want %q=%q", i, again.Fields[i].Name, again.Fields[i].Value, m.Fields[i].Name, m.Fields[i].Value)
				}
			}
		}
		a := Analyze(m, Options{Now: time.Unix(1700000000, 0)})
		if a.SendingIP != nil && (a.SendingIP.Zone() != "" || a.SendingIP.Is4In6() || !publicIP(*a.SendingIP)) {
			t.Fatalf("sending IP %v is zoned, mapped or not public", a.SendingIP)
		}
		for i, h := range a.Hops {
			if h.Index != i+1 {
				t.Fatalf("hop %d has index %d", i, h.Index)
			}
		}
		if _, err := json.Marshal(a); err != nil {
			t.Fatalf("marshal: %v", err)
		}
	})
}

func FuzzParseReceived(f *testing.F) {
	var cases []struct {
		Header string `json:"header"`
	}
	if b, err := os.ReadFile("../testdata/received/received.json"); err == nil && json.Unmarshal(b, &cases) == nil {
		for _, c := range cases {
			f.Add(c.Header)
		}
	}
	f.Add("from a (b [IPv6:::ffff:1.2.3.4%9]) by c; Mon, 1 Jan 2024 00:00:00 +0000")
	f.Add("(from x@y) by z id ((((")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReceived(s)
		if err != nil {
			if !errors.Is(err, ErrReceived) {
				t.Fatalf("error %v does not wrap ErrReceived", err)
			}
			return
		}
		if r.IP.IsValid() && (r.IP.Zone() != "" || r.IP.Is4In6()) {
			t.Fatalf("IP %v keeps a zone or is IPv4-mapped", r.IP)
		}
		if r.IP.Is4() && !strings.Contains(s, r.IP.String()) {
			// An IPv4 client must be written in the field.
			t.Fatalf("IPv4 %v read from nowhere in %q", r.IP, s)
		}
		for _, v := range []string{r.From, r.By, r.HELO, r.ID, r.For, r.With} {
			if strings.ContainsAny(v, "\r\n") {
				t.Fatalf("a clause keeps a line break: %q", v)
			}
		}
	})
}

func FuzzParseAuthResults(f *testing.F) {
	for _, s := range []string{
		"example.com; spf=pass smtp.mailfrom=example.net",
		"spf=pass (sender IP is 1.2.3.4) smtp.mailfrom=a.example; dkim=pass header.d=a.example;dmarc=pass action=none header.from=a.example;compauth=pass reason=100",
		`mx.example.net; dkim=fail reason="a;b" header.d=x; dkim-atps=neutral`,
		"example.org 1; none",
		"mta1007.mail.sp2.yahoo.com  from=a.example; domainkeys=neutral (no sig)",
		"i=1; mx.google.com; arc=pass (i=1 spf=pass)",
		"a; b=(c", `"`, "x; =", "(((",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ar, err := ParseAuthResults(s)
		if err != nil && !errors.Is(err, ErrAuthResults) {
			t.Fatalf("error %v does not wrap ErrAuthResults", err)
		}
		if ar.Results == nil {
			t.Fatal("Results is nil")
		}
		for _, r := range ar.Results {
			if r.Method == "" || r.Method != strings.ToLower(r.Method) {
				t.Fatalf("method %q", r.Method)
			}
			for i := 0; i < len(r.Method); i++ {
				if !isKeywordChar(r.Method[i]) {
					t.Fatalf("method %q has %q", r.Method, r.Method[i])
				}
			}
			if r.Properties == nil {
				t.Fatal("Properties is nil")
			}
		}
		if len(ar.Results) > len(s) {
			t.Fatalf("%d results from %d bytes", len(ar.Results), len(s))
		}
	})
}

func FuzzParseTagList(f *testing.F) {
	for _, s := range []string{"v=1; a=rsa-sha256", "v=1;", "b=abc\r\n\tdef ;s=x", " k = rsa ", "p=", "v=1; v=1", "v=1;; a=b", "1v=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags, err := ParseTagList(s)
		if err != nil {
			var te *TagError
			if !errors.As(err, &te) || te.Pos < 0 || te.Pos > len(s) {
				t.Fatalf("error %v is not a *TagError in range", err)
			}
		}
		seen := map[string]bool{}
		for _, tag := range tags {
			if tag.Pos < 0 || tag.Pos+len(tag.Name) > len(s) || s[tag.Pos:tag.Pos+len(tag.Name)] != tag.Name {
				t.Fatalf("tag %q at %d is not there", tag.Name, tag.Pos)
			}
			if seen[tag.Name] {
				t.Fatalf("tag %q returned twice", tag.Name)
			}
			seen[tag.Name] = true
		}
	})
}

func FuzzParseDKIMSignature(f *testing.F) {
	f.Add("v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel; h=From:To; i=joe@mail.example.com; l=100; t=1000; x=2000; bh=AA==; b=AA==")
	f.Add("v=2; a=x; d=; s=; h=; bh=!!; b=")
	f.Add("x=99999999999999999999; t=-1; l=-5")
	f.Fuzz(func(t *testing.T, s string) {
		sig, err := ParseDKIMSignature(s)
		if sig == nil {
			t.Fatal("nil signature")
		}
		if (err == nil) != (len(sig.Problems) == 0) {
			t.Fatalf("err %v with %d problems", err, len(sig.Problems))
		}
		if err != nil && !errors.Is(err, ErrDKIMSignature) {
			t.Fatalf("error %v does not wrap ErrDKIMSignature", err)
		}
		if sig.Length != nil && *sig.Length < 0 {
			t.Fatalf("negative l=%d", *sig.Length)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	var cases []struct {
		Header string `json:"header"`
	}
	if b, err := os.ReadFile("../testdata/received/date.json"); err == nil && json.Unmarshal(b, &cases) == nil {
		for _, c := range cases {
			f.Add(c.Header)
		}
	}
	f.Add("Fri Sep 14 14:36:56 EDT 2018")
	f.Add("2023-10-23T21:23:08.5Z")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !errors.Is(err, ErrDate) {
				t.Fatalf("error %v does not wrap ErrDate", err)
			}
			return
		}
		// Written back in RFC 5322 form, the date reads as the same instant.
		if d.Year() < 0 || d.Year() > 9999 {
			return
		}
		again, err := ParseDate(d.Format("Mon, 02 Jan 2006 15:04:05.999999999 -0700"))
		if err != nil || !again.Equal(d) {
			t.Fatalf("round trip of %v: %v, %v", d, again, err)
		}
	})
}

func FuzzDecodeWords(f *testing.F) {
	for _, s := range []string{"=?UTF-8?Q?=E2=9C?= =?UTF-8?Q?=94?=", "=?GB2312?B?1cXP?= =?GB2312?B?yMn6?=", "=?x?Q?a", "=??=", "=?utf-8*en?b?YQ==?="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := DecodeWords(s)
		if !strings.Contains(s, "=?") && got != s {
			t.Fatalf("text without encoded words changed: %q -> %q", s, got)
		}
		if utf8.ValidString(s) && !strings.Contains(s, "=?") && !utf8.ValidString(got) {
			t.Fatalf("valid UTF-8 became invalid")
		}
	})
}

func FuzzParseAddressList(f *testing.F) {
	var cases []struct {
		Header string `json:"header"`
	}
	if b, err := os.ReadFile("../testdata/received/address.json"); err == nil && json.Unmarshal(b, &cases) == nil {
		for _, c := range cases {
			f.Add(c.Header)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		as, err := ParseAddressList(s)
		if err != nil && !errors.Is(err, ErrAddress) {
			t.Fatalf("error %v does not wrap ErrAddress", err)
		}
		for _, a := range as {
			if a.Addr == "" {
				t.Fatalf("mailbox without an address: %+v", a)
			}
			if strings.ContainsAny(a.Addr, " \t\r\n") && !strings.Contains(a.Addr, `"`) {
				t.Fatalf("address keeps white space: %q", a.Addr)
			}
		}
	})
}
