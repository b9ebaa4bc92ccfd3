package smtp

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits cap what the probe reads from a server, so a hostile or broken
// one cannot exhaust memory. Zero values take the defaults.
type Limits struct {
	// MaxLine caps one reply line, CRLF included. RFC 5321 §4.5.3.1.5 says
	// 512; real servers stay well under the default of 2048.
	MaxLine int
	// MaxLines caps the lines of one reply (an EHLO reply has one per
	// extension).
	MaxLines int
	// MaxBytes caps everything read from one connection, the TLS
	// handshake included.
	MaxBytes int64
}

// Defaults for the zero values of Limits.
const (
	DefaultMaxLine  = 2048
	DefaultMaxLines = 100
	DefaultMaxBytes = 256 << 10
)

func (l Limits) withDefaults() Limits {
	if l.MaxLine <= 0 {
		l.MaxLine = DefaultMaxLine
	}
	if l.MaxLines <= 0 {
		l.MaxLines = DefaultMaxLines
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	return l
}

// Why a reply could not be read; a *StepError wraps one. Tell them apart
// with errors.Is.
var (
	// ErrLineTooLong: a reply line longer than Limits.MaxLine.
	ErrLineTooLong = errors.New("reply line too long")
	// ErrTooManyLines: a reply of more than Limits.MaxLines lines.
	ErrTooManyLines = errors.New("reply has too many lines")
	// ErrTooMuchData: more than Limits.MaxBytes read from the connection.
	ErrTooMuchData = errors.New("server sent too much data")
	// ErrMalformed: a line that is not an RFC 5321 §4.2 reply line.
	ErrMalformed = errors.New("malformed reply")
)

// Reply is one SMTP reply (RFC 5321 §4.2): a three-digit code and its text
// lines, without the code and separator.
type Reply struct {
	Code  int
	Lines []string
}

// Class is the reply's first digit: 2 success, 3 intermediate, 4 transient
// failure, 5 permanent failure (RFC 5321 §4.2.1).
func (r Reply) Class() int { return r.Code / 100 }

// String writes the reply as received: "250-first\n250 last".
func (r Reply) String() string {
	var b strings.Builder
	for i, l := range r.Lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		sep := " "
		if i < len(r.Lines)-1 {
			sep = "-"
		}
		fmt.Fprintf(&b, "%03d%s%s", r.Code, sep, l)
	}
	return strings.TrimRight(b.String(), " ")
}

// ReadReply reads one reply: lines "NNN-text" then a last "NNN text" (or
// "NNN" alone), each ended by CRLF or a bare LF, every line with the same
// code (RFC 5321 §4.2.1), within the limits. The code's digits must be
// 2-5, 0-5 and 0-9 (RFC 5321 §4.2).
func ReadReply(br *bufio.Reader, lim Limits) (Reply, error) {
	lim = lim.withDefaults()
	var r Reply
	for {
		if len(r.Lines) >= lim.MaxLines {
			return r, fmt.Errorf("%w: more than %d", ErrTooManyLines, lim.MaxLines)
		}
		line, err := readLine(br, lim.MaxLine)
		if err != nil {
			return r, err
		}
		code, last, text, err := parseLine(line)
		if err != nil {
			return r, err
		}
		if len(r.Lines) > 0 && code != r.Code {
			return r, fmt.Errorf("%w: code %d after %d in one reply", ErrMalformed, code, r.Code)
		}
		r.Code = code
		r.Lines = append(r.Lines, text)
		if last {
			return r, nil
		}
	}
}

// readLine reads up to and including LF and returns the line without its
// CRLF or LF, refusing lines longer than max bytes (CRLF included).
func readLine(br *bufio.Reader, max int) (string, error) {
	var line []byte
	for {
		frag, err := br.ReadSlice('\n')
		if len(line)+len(frag) > max {
			return "", fmt.Errorf("%w: over %d bytes", ErrLineTooLong, max)
		}
		line = append(line, frag...)
		if err == nil {
			break
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return "", err
		}
	}
	s := strings.TrimSuffix(string(line), "\n")
	return strings.TrimSuffix(s, "\r"), nil
}

// parseLine splits one reply line into its code, whether it is the last
// line, and its text.
func parseLine(line string) (code int, last bool, text string, err error) {
	if len(line) < 3 {
		return 0, false, "", fmt.Errorf("%w: %q", ErrMalformed, clip(line))
	}
	d0, d1, d2 := line[0], line[1], line[2]
	if d0 < '2' || d0 > '5' || d1 < '0' || d1 > '5' || d2 < '0' || d2 > '9' {
		return 0, false, "", fmt.Errorf("%w: %q does not start with a reply code", ErrMalformed, clip(line))
	}
	code = int(d0-'0')*100 + int(d1-'0')*10 + int(d2-'0')
	switch {
	case len(line) == 3:
		return code, true, "", nil
	case line[3] == ' ':
		return code, true, line[4:], nil
	case line[3] == '-':
		return code, false, line[4:], nil
	}
	return 0, false, "", fmt.Errorf("%w: %q has no space or hyphen after the code", ErrMalformed, clip(line))
}

// clip shortens s for an error message.
func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut-- // never half a character
	}
	return s[:cut] + "…"
}
