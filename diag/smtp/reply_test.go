package smtp

import (
	"bufio"
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestReadReply(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		code  int
		lines []string
		err   error
	}{
		{"one line", "220 mx.example.com ESMTP\r\n", 220, []string{"mx.example.com ESMTP"}, nil},
		{"multi-line", "250-mx.example.com\r\n250-PIPELINING\r\n250 STARTTLS\r\n", 250, []string{"mx.example.com", "PIPELINING", "STARTTLS"}, nil},
		{"bare LF", "220 mx\n", 220, []string{"mx"}, nil},
		{"code alone", "250\r\n", 250, []string{""}, nil},
		{"codes differ", "250-a\r\n251 b\r\n", 0, nil, ErrMalformed},
		{"not a code", "hello\r\n", 0, nil, ErrMalformed},
		{"first digit 6", "620 x\r\n", 0, nil, ErrMalformed},
		{"second digit 9", "290 x\r\n", 0, nil, ErrMalformed},
		{"no separator", "220x\r\n", 0, nil, ErrMalformed},
		{"too long", "220 " + strings.Repeat("a", DefaultMaxLine) + "\r\n", 0, nil, ErrLineTooLong},
		{"too many lines", strings.Repeat("250-x\r\n", DefaultMaxLines+1), 0, nil, ErrTooManyLines},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ReadReply(bufio.NewReader(strings.NewReader(tt.in)), Limits{})
			if !errors.Is(err, tt.err) {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if tt.err == nil && (r.Code != tt.code || !reflect.DeepEqual(r.Lines, tt.lines)) {
				t.Errorf("reply %+v", r)
			}
		})
	}
	r, _ := ReadReply(bufio.NewReader(strings.NewReader("250-a\r\n250 b c\r\n")), Limits{})
	if r.String() != "250-a\n250 b c" || r.Class() != 2 {
		t.Errorf("String %q class %d", r.String(), r.Class())
	}
}

func TestParseEHLO(t *testing.T) {
	e := ParseEHLO(Reply{Code: 250, Lines: []string{"mx.example.com Hello client [192.0.2.1]", "PIPELINING", "size 10240000", "AUTH PLAIN LOGIN", "-bad", "", "STARTTLS"}})
	if e.Host != "mx.example.com" || e.Greeting != "Hello client [192.0.2.1]" || len(e.Lines) != 6 {
		t.Errorf("ehlo %+v", e)
	}
	var kws []string
	for _, x := range e.Extensions {
		kws = append(kws, x.Keyword+"/"+strings.Join(x.Params, ","))
	}
	if strings.Join(kws, " ") != "PIPELINING/ SIZE/10240000 AUTH/PLAIN,LOGIN STARTTLS/" {
		t.Errorf("extensions %v", kws)
	}
	if !e.Has("starttls") || e.Has("SMTPUTF8") {
		t.Error("Has")
	}
}

// FuzzReadReply: no input panics; whatever is returned keeps the limits;
// a reply read whole writes back to the same reply.
func FuzzReadReply(f *testing.F) {
	for _, s := range []string{"220 mx ESMTP\r\n", "250-a\r\n250-b\r\n250 c\r\n", "250\n", "5", "220-x\r\n220", "220 \xff\x1b[2J\r\n", "250-a\r\n251 b\r\n"} {
		f.Add([]byte(s))
	}
	lim := Limits{MaxLine: 64, MaxLines: 8}
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := ReadReply(bufio.NewReader(bytes.NewReader(in)), lim)
		if len(r.Lines) > lim.MaxLines {
			t.Fatalf("%d lines", len(r.Lines))
		}
		for _, l := range r.Lines {
			if len(l) > lim.MaxLine {
				t.Fatalf("line of %d bytes", len(l))
			}
			if strings.ContainsAny(l, "\n") {
				t.Fatalf("line %q holds a line feed", l)
			}
		}
		if err != nil {
			return
		}
		if r.Code < 200 || r.Code > 559 {
			t.Fatalf("code %d", r.Code)
		}
		again, err := ReadReply(bufio.NewReader(strings.NewReader(r.String()+"\r\n")), Limits{})
		if err != nil || again.Code != r.Code || len(again.Lines) != len(r.Lines) {
			t.Fatalf("%q read back as %+v, %v", r.String(), again, err)
		}
	})
}

// FuzzParseEHLO: no input panics; every extension has a valid, upper-case
// keyword and comes from a line kept in Lines.
func FuzzParseEHLO(f *testing.F) {
	for _, s := range []string{"mx.example.com\nPIPELINING\nSTARTTLS", "x\n-bad\nsize 1", "", "\n\n", "a\nAUTH PLAIN  LOGIN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := ParseEHLO(Reply{Code: 250, Lines: strings.Split(s, "\n")})
		if len(e.Extensions) > len(e.Lines) {
			t.Fatalf("%d extensions from %d lines", len(e.Extensions), len(e.Lines))
		}
		for _, x := range e.Extensions {
			if !validKeyword(x.Keyword) || x.Keyword != strings.ToUpper(x.Keyword) {
				t.Fatalf("keyword %q", x.Keyword)
			}
			if !e.Has(x.Keyword) {
				t.Fatalf("Has(%q) false", x.Keyword)
			}
		}
	})
}
