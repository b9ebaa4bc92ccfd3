package dmarcreport

import (
	"fmt"
	"io"
	"strings"
)

// charsetReader lets the XML scanner read the encodings reports are
// written in besides UTF-8: US-ASCII, ISO-8859-1 and windows-1252 (seen from
// Exchange-based reporters).
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252", "iso-8859-15":
		return &latin1Reader{r: input}, nil
	}
	return nil, fmt.Errorf("%w %q", ErrCharset, clip(charset))
}

// latin1Reader converts ISO-8859-1 to UTF-8, with windows-1252's letters
// in 0x80–0x9F (which ISO-8859-1 leaves as C1 controls).
type latin1Reader struct {
	r   io.Reader
	in  []byte
	out []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	for len(l.out) == 0 {
		if l.in == nil {
			l.in = make([]byte, 16<<10)
		}
		n, err := l.r.Read(l.in)
		for _, c := range l.in[:n] {
			switch {
			case c < 0x80:
				l.out = append(l.out, c)
			case c < 0xa0 && cp1252[c-0x80] != 0:
				l.out = append(l.out, string(cp1252[c-0x80])...)
			default:
				l.out = append(l.out, string(rune(c))...)
			}
		}
		if err != nil && len(l.out) == 0 {
			return 0, err
		}
		if err != nil {
			break
		}
	}
	n := copy(p, l.out)
	l.out = l.out[n:]
	if len(l.out) == 0 {
		l.out = l.out[:0:0]
	}
	return n, nil
}

// cp1252 is windows-1252 at 0x80–0x9F; 0 where it has no character.
var cp1252 = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// budget is the decompressed bytes one input file may still produce.
type budget struct {
	limit, used int64
}

// bombGuard caps what a decompressor produces: the file's total budget,
// and the ratio to the compressed bytes it consumed.
type bombGuard struct {
	r          io.Reader    // the decompressor
	compressed func() int64 // compressed bytes consumed so far
	what       string       // "gzip stream", "zip member x.xml"
	b          *budget
	lim        *Limits
	out        int64
	err        error
}

func (g *bombGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	g.out += int64(n)
	g.b.used += int64(n)
	in := max(g.compressed(), 1)
	switch {
	case g.b.used > g.b.limit:
		g.err = fmt.Errorf("%w: %s decompresses to more than %s (from %s read so far)", ErrBomb, g.what, sizeText(g.b.limit), sizeText(in))
	case g.out > g.lim.RatioFloor && g.out > in*g.lim.MaxRatio:
		g.err = fmt.Errorf("%w: %s expands %s to %s, a ratio over %d:1", ErrBomb, g.what, sizeText(in), sizeText(g.out), g.lim.MaxRatio)
	}
	if g.err != nil {
		return n, g.err
	}
	return n, err
}
