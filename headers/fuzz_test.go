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

// FuzzSplitItems: Microsoft's "KEY:value;…" fields split into items that
// hold no separator of items and no empty item; the Forefront reader built
// on it keeps one pair per item.
func FuzzSplitItems(f *testing.F) {
	for _, s := range []string{
		"CIP:192.0.2.1;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:x;PTR:x;CAT:SPM;SFS:(1)(2);DIR:INB;",
		"UIP:(null);(null);(null)SFV:SKI;SCL:-1",
		"CIP:2001:db8::1;;;;SFTY:9.19\r\n\tCAT:HPHSH",
		"Policy=Default; Similar Internal Domain=false",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		items := SplitItems(s, ':')
		for _, p := range items {
			if p.Name == "" && p.Value == "" {
				t.Fatalf("an empty item from %q", s)
			}
			if strings.Contains(p.Name+p.Value, ";") {
				t.Fatalf("item %+v keeps a separator", p)
			}
		}
		if ff := ParseForefront(s); len(ff.Pairs) != len(items) {
			t.Fatalf("ParseForefront kept %d pairs of %d items", len(ff.Pairs), len(items))
		}
	})
}
