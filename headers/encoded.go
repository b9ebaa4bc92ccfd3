package headers

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// DecodeWords decodes the RFC 2047 encoded words in s for display and
// returns the result. It is lenient where mail is: encoded words inside
// quoted strings and glued to other text are decoded too, the language
// suffix of RFC 2231 ("=?US-ASCII*EN?Q?...?=") is ignored, and white space
// between two encoded words is dropped (RFC 2047 §6.2).
//
// Adjacent encoded words in the same charset are joined before their bytes
// are converted, so a character split across two words (as mailers do when
// they fold a long Subject in the middle of a multi-byte character) comes
// out whole. Charsets are converted with the WHATWG and IANA tables of
// golang.org/x/text (latin1, windows-1252, gb2312, shift_jis, koi8-r, …);
// an encoded word whose charset is unknown or whose encoding is broken is
// kept as written, so the reader still sees it. Text outside encoded words
// is returned byte for byte, invalid UTF-8 included.
func DecodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	segs := splitEncoded(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(segs); i++ {
		seg := segs[i]
		if !seg.encoded {
			// White space between two encoded words is not displayed.
			if strings.Trim(seg.text, " \t") == "" && i > 0 && i+1 < len(segs) && segs[i-1].encoded && segs[i+1].encoded {
				continue
			}
			b.WriteString(seg.text)
			continue
		}
		// Join the run of encoded words in the same charset.
		data := append([]byte(nil), seg.data...)
		raw := seg.text
		j := i + 1
		for j < len(segs) {
			k := j
			if !segs[k].encoded && strings.Trim(segs[k].text, " \t") == "" && k+1 < len(segs) {
				k++
			}
			if !segs[k].encoded || !strings.EqualFold(segs[k].charset, seg.charset) {
				break
			}
			data = append(data, segs[k].data...)
			raw += segs[k].text
			j = k + 1
		}
		if text, ok := convertCharset(seg.charset, data); ok {
			b.WriteString(text)
		} else {
			b.WriteString(raw)
		}
		i = j - 1
	}
	return b.String()
}

// encSeg is a piece of a header value: literal text, or one encoded word
// with its payload already decoded from B or Q to bytes.
type encSeg struct {
	text    string // the text as written
	encoded bool
	charset string
	data    []byte
}

// splitEncoded cuts s into literal text and encoded words. A "=?" that does
// not start a well-formed encoded word stays literal.
func splitEncoded(s string) []encSeg {
	var segs []encSeg
	lit := 0
	for i := 0; i < len(s); {
		k := strings.Index(s[i:], "=?")
		if k < 0 {
			break
		}
		start := i + k
		end, charset, data, ok := readEncodedWord(s, start)
		if !ok {
			i = start + 2
			continue
		}
		if lit < start {
			segs = append(segs, encSeg{text: s[lit:start]})
		}
		segs = append(segs, encSeg{text: s[start:end], encoded: true, charset: charset, data: data})
		i, lit = end, end
	}
	if lit < len(s) {
		segs = append(segs, encSeg{text: s[lit:]})
	}
	return segs
}

// readEncodedWord reads "=?charset?enc?text?=" at s[start:] (RFC 2047 §2)
// and returns the end offset, the charset (language suffix removed) and
// the decoded payload.
func readEncodedWord(s string, start int) (end int, charset string, data []byte, ok bool) {
	i := start + 2
	cs := i
	for i < len(s) && s[i] != '?' && s[i] > ' ' && s[i] < 0x7f {
		i++
	}
	if i >= len(s) || s[i] != '?' || i == cs {
		return 0, "", nil, false
	}
	charset = s[cs:i]
	if star := strings.IndexByte(charset, '*'); star >= 0 {
		charset = charset[:star]
	}
	i++
	if i+1 >= len(s) || s[i+1] != '?' {
		return 0, "", nil, false
	}
	enc := s[i] | 0x20
	if enc != 'b' && enc != 'q' {
		return 0, "", nil, false
	}
	i += 2
	ts := i
	for i < len(s) && s[i] != '?' && s[i] > ' ' && s[i] < 0x7f {
		i++
	}
	if i+1 >= len(s) || s[i] != '?' || s[i+1] != '=' {
		return 0, "", nil, false
	}
	text := s[ts:i]
	if enc == 'b' {
		data, ok = decodeB(text)
	} else {
		data, ok = decodeQ(text), true
	}
	if !ok {
		return 0, "", nil, false
	}
	return i + 2, charset, data, true
}

func decodeB(text string) ([]byte, bool) {
	if b, err := base64.StdEncoding.DecodeString(text); err == nil {
		return b, true
	}
	if b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(text, "=")); err == nil {
		return b, true
	}
	return nil, false
}

// decodeQ decodes the Q encoding (RFC 2047 §4.2): "_" is a space and "=XX"
// a byte; a broken "=" escape is kept as written.
func decodeQ(text string) []byte {
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(text) && isHex(text[i+1]) && isHex(text[i+2]):
			out = append(out, unhex(text[i+1])<<4|unhex(text[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// convertCharset converts data from charset to UTF-8. UTF-8 and US-ASCII
// are kept byte for byte (invalid bytes stay for the display layer to
// escape). It reports false when the charset is unknown.
func convertCharset(charset string, data []byte) (string, bool) {
	switch strings.ToLower(charset) {
	case "utf-8", "utf8", "us-ascii", "ascii", "us_ascii", "ansi_x3.4-1968":
		return string(data), true
	}
	enc, err := lookupCharset(charset)
	if err != nil {
		return "", false
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", false
	}
	return string(out), true
}

// ErrUnknownCharset is wrapped by the error CharsetReader returns for a
// charset it does not know.
var ErrUnknownCharset = errors.New("unknown charset")

func lookupCharset(charset string) (encoding.Encoding, error) {
	if enc, err := htmlindex.Get(charset); err == nil {
		return enc, nil
	}
	if enc, err := ianaindex.IANA.Encoding(charset); err == nil && enc != nil {
		return enc, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownCharset, charset)
}

// CharsetReader returns a reader that converts input from charset to
// UTF-8, for mime.WordDecoder and mime/multipart. It knows the WHATWG and
// IANA charset names; for others it returns an error wrapping
// ErrUnknownCharset.
func CharsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	}
	enc, err := lookupCharset(charset)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Reader(input), nil
}
