package trace

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// Native fuzz targets. Their seeds (f.Add, from the corpora in
// ../../testdata/received, plus testdata/fuzz/FuzzX/) run on every go test.
// Each asserts properties: no panic, errors wrap the sentinel, and a date
// written back out reads as the same instant.

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
