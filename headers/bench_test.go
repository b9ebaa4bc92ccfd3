package headers

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mxray/mxray/headers/headerstest"
)

// bigHeader builds a header block of about 1 MB from the header blocks of
// the samples (Received chains, DKIM and ARC sets, Authentication-Results),
// repeated, under the field limit.
func bigHeader(tb testing.TB) []byte {
	tb.Helper()
	files, err := filepath.Glob("../testdata/headers/*.eml")
	if err != nil || len(files) == 0 {
		tb.Fatal("no samples")
	}
	var out bytes.Buffer
	fields := 0
	for pass := 0; pass < 100 && out.Len() < 1<<20; pass++ {
		for _, path := range files {
			raw, err := os.ReadFile(path)
			if err != nil {
				tb.Fatal(err)
			}
			m, err := Parse(raw)
			if err != nil {
				tb.Fatal(err)
			}
			if fields+len(m.Fields) > MaxFields-10 || out.Len() >= 1<<20 {
				pass = 100
				break
			}
			for _, f := range m.Fields {
				out.WriteString(f.Raw + "\r\n")
			}
			fields += len(m.Fields)
		}
	}
	// Top up with one long folded field, as a big DKIM or ARC set would.
	if out.Len() < 1<<20 {
		out.WriteString("X-Filler: start\r\n")
		for out.Len() < 1<<20 {
			out.WriteString("\t0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopq\r\n")
		}
	}
	out.WriteString("\r\n")
	return out.Bytes()
}

func BenchmarkParse1MB(b *testing.B) {
	in := bigHeader(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseAnalyze1MB(b *testing.B) {
	in := bigHeader(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := Parse(in)
		if err != nil {
			b.Fatal(err)
		}
		Analyze(m, Options{})
	}
}

func TestBigHeaderIsAMegabyte(t *testing.T) {
	in := bigHeader(t)
	if len(in) < 1<<20 {
		t.Fatalf("the benchmark input is %d bytes", len(in))
	}
	m, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	a := Analyze(m, Options{})
	if len(a.Hops) < 100 {
		t.Errorf("only %d hops in the benchmark input", len(a.Hops))
	}
	t.Logf("benchmark input: %d bytes, %d fields, %d hops", len(in), len(m.Fields), len(a.Hops))
}

// BenchmarkFoldedField parses and analyses a 200 KB Authentication-Results
// field folded over 6,000 lines (cmd/mxray TestHeaderInputLimits reads it
// end to end and checks every result is kept; this measures how fast).
func BenchmarkFoldedField(b *testing.B) {
	var in bytes.Buffer
	in.WriteString("Received: from relay.mailer.example (relay.mailer.example [203.0.113.10])\r\n\tby mx.receiver.example with ESMTPS id 1; Sun, 22 Nov 2026 17:52:00 +0000\r\n")
	in.WriteString("Authentication-Results: mx.receiver.example;\r\n")
	for i := range 6000 {
		fmt.Fprintf(&in, "\tdkim=pass header.d=d%d.example;\r\n", i)
	}
	in.WriteString("From: a@healthy.example\r\n\r\n")
	b.SetBytes(int64(in.Len()))
	b.ReportAllocs()
	for b.Loop() {
		m, err := Parse(in.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		Analyze(m, Options{})
	}
}

// BenchmarkParseDamaged1MB parses the megabyte of headers quoted for a
// reply, de-indented and re-wrapped at 76 columns: the repair's worst
// case in size.
func BenchmarkParseDamaged1MB(b *testing.B) {
	in := []byte(headerstest.Quote(headerstest.Rewrap(headerstest.Deindent(string(bigHeader(b))), 76), "> "))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(in); err != nil {
			b.Fatal(err)
		}
	}
}

// TestParseDamagedStaysLinear bounds what the repair of a damaged megabyte
// allocates (a count, not a time): joining a re-wrapped field's pieces one
// string at a time once cost 700 MB for it.
func TestParseDamagedStaysLinear(t *testing.T) {
	in := []byte(headerstest.Quote(headerstest.Rewrap(headerstest.Deindent(string(bigHeader(t))), 76), "> "))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := Parse(in); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 40*uint64(len(in)) {
		t.Errorf("parsing %d bytes allocated %d bytes", len(in), got)
	}
}
