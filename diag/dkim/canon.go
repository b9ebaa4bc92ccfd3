package dkim

import (
	"bufio"
	"io"
	"strings"
)

// Canonicalization is one of the two canonicalization algorithms of
// RFC 6376 §3.4, for the header or the body.
type Canonicalization string

// The RFC 6376 §3.4 algorithms.
const (
	// Simple tolerates almost no change (RFC 6376 §3.4.1, §3.4.3).
	Simple Canonicalization = "simple"
	// Relaxed tolerates whitespace changes and header re-folding
	// (RFC 6376 §3.4.2, §3.4.4).
	Relaxed Canonicalization = "relaxed"
)

// CanonicalizeHeader returns one header field in canonical form, ending in
// CRLF. raw is the whole field from its name to the end of its last line
// (headers.Field.Raw), folding kept, without the final line break. A lone
// LF is treated as CRLF.
//
// Simple (§3.4.1) keeps the field as it is. Relaxed (§3.4.2) lower-cases
// the name, unfolds, turns each run of spaces and tabs into one space,
// removes whitespace at the end of the value and around the colon.
func CanonicalizeHeader(c Canonicalization, raw string) string {
	if c == Relaxed {
		return relaxedHeader(raw)
	}
	return fixLF(raw) + "\r\n"
}

// fixLF turns every LF not preceded by CR into CRLF.
func fixLF(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' && (i == 0 || s[i-1] != '\r') {
			b.WriteByte('\r')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func relaxedHeader(raw string) string {
	name, value, ok := strings.Cut(raw, ":")
	var b strings.Builder
	b.Grow(len(raw) + 2)
	b.WriteString(strings.ToLower(strings.TrimRight(unfold(name), " \t")))
	if !ok {
		// Not a header field at all; canonicalize what there is.
		b.WriteString("\r\n")
		return b.String()
	}
	b.WriteByte(':')
	value = unfold(value)
	space := false
	wrote := false
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c == ' ' || c == '\t' {
			space = true
			continue
		}
		if space && wrote {
			b.WriteByte(' ')
		}
		space = false
		wrote = true
		b.WriteByte(c)
	}
	b.WriteString("\r\n")
	return b.String()
}

// unfold removes the line breaks of folding: CRLF, and a lone LF.
func unfold(s string) string {
	if !strings.ContainsAny(s, "\n") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "")
	return strings.ReplaceAll(s, "\n", "")
}

// CanonicalizeBody writes the canonical form of body to w and returns the
// number of octets of canonical body (RFC 6376 §3.4.3 simple, §3.4.4
// relaxed). Lines end at LF; a CR just before it belongs to the line break,
// any other CR is data. Empty lines at the end are dropped; a simple body
// that ends up empty is a single CRLF, a relaxed one stays empty.
//
// When limit is not negative, only the first limit octets of the canonical
// body are written (the l= tag, §3.4.5); the count returned is still the
// whole canonical length, so the caller can tell how much went unsigned.
func CanonicalizeBody(w io.Writer, c Canonicalization, body []byte, limit int64) (int64, error) {
	lw := &limitWriter{w: w, limit: limit}
	bw := bufio.NewWriterSize(lw, 32*1024)
	pendingEmpty := 0
	wroteAny := false
	var scratch []byte
	for len(body) > 0 {
		var line []byte
		if i := indexLF(body); i >= 0 {
			line, body = body[:i], body[i+1:]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
		} else {
			line, body = body, nil
		}
		if c == Relaxed {
			scratch = relaxedLine(scratch[:0], line)
			line = scratch
		}
		if len(line) == 0 {
			pendingEmpty++
			continue
		}
		for ; pendingEmpty > 0; pendingEmpty-- {
			bw.WriteString("\r\n")
		}
		bw.Write(line)
		bw.WriteString("\r\n")
		wroteAny = true
	}
	if !wroteAny && c != Relaxed {
		bw.WriteString("\r\n")
	}
	if err := bw.Flush(); err != nil {
		return lw.n, err
	}
	return lw.n, nil
}

func indexLF(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return -1
}

// relaxedLine appends line to out after applying §3.4.4: trailing spaces
// and tabs go, every other run of them becomes one space.
func relaxedLine(out, line []byte) []byte {
	space := false
	for _, c := range line {
		if c == ' ' || c == '\t' {
			space = true
			continue
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		out = append(out, c)
	}
	return out
}

// limitWriter passes on the first limit octets (all of them when limit is
// negative) and counts everything offered.
type limitWriter struct {
	w     io.Writer
	limit int64
	n     int64
}

// Write passes on what fits under the limit and reports all of p written.
func (l *limitWriter) Write(p []byte) (int, error) {
	start := l.n
	l.n += int64(len(p))
	if l.limit < 0 {
		return l.w.Write(p)
	}
	if start >= l.limit {
		return len(p), nil
	}
	room := l.limit - start
	if int64(len(p)) > room {
		if _, err := l.w.Write(p[:room]); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return l.w.Write(p)
}
