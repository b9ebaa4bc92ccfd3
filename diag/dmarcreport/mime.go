package dmarcreport

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
)

// maxHeader caps the header section of one message or MIME part.
const maxHeader = 1 << 20

// message reads an RFC 5322 message (RFC 7489 §7.2.1.1: the report is a
// MIME part, usually gzip or zip, base64-encoded) and every report among
// its parts, at any depth, including forwarded message/rfc822 parts.
func (fr *fileReader) message(members []string, r io.Reader, depth int, inMbox bool) {
	hl := &headerLimit{r: r, n: maxHeader}
	br := bufio.NewReader(hl)
	msg, err := mail.ReadMessage(br)
	if err != nil {
		fr.fail(members, 0, 0, -1, fmt.Errorf("%w message header: %v", ErrSyntax, headerErr(hl, err)))
		return
	}
	hl.n = -1
	if !inMbox {
		members = append(members[:len(members):len(members)], "message")
	}
	parts := 0
	found := fr.entity(members, textproto.MIMEHeader(msg.Header), msg.Body, depth+1, 0, &parts)
	if found == 0 {
		fr.fail(members, 0, 0, -1, fmt.Errorf("%w: the message has %d MIME parts and none is an XML, gzip or zip report", ErrNotReport, max(parts, 1)))
	}
}

// headerErr says a header cut off by the limit is too large.
func headerErr(hl *headerLimit, err error) error {
	if hl.n == 0 {
		return fmt.Errorf("%w: header section over %s", ErrTooLarge, sizeText(maxHeader))
	}
	return err
}

// headerLimit caps the bytes read while a header is parsed; n < 0 lifts it.
type headerLimit struct {
	r io.Reader
	n int64
}

func (h *headerLimit) Read(p []byte) (int, error) {
	if h.n < 0 {
		return h.r.Read(p)
	}
	if h.n == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if int64(len(p)) > h.n {
		p = p[:h.n]
	}
	n, err := h.r.Read(p)
	h.n -= int64(n)
	return n, err
}

// maxMIMEDepth caps multipart entities inside multipart entities.
const maxMIMEDepth = 16

// entity reads one MIME entity with header h and raw body, returning how
// many reports were found in it. depth counts containers (messages,
// archives), mimeDepth multipart levels; parts counts the entities seen,
// against MaxMembers.
func (fr *fileReader) entity(members []string, h textproto.MIMEHeader, body io.Reader, depth, mimeDepth int, parts *int) int {
	*parts++
	if *parts > fr.lim.MaxMembers {
		if *parts == fr.lim.MaxMembers+1 {
			fr.fail(members, 0, 0, -1, fmt.Errorf("%w: more than %d MIME parts; the rest were not read", ErrTooMany, fr.lim.MaxMembers))
		}
		return 0
	}
	if mimeDepth > maxMIMEDepth {
		fr.fail(members, 0, 0, -1, fmt.Errorf("%w: MIME parts nested more than %d deep", ErrTooDeep, maxMIMEDepth))
		return 0
	}
	ct := h.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		mt = "text/plain"
		if ct != "" {
			mt = "application/octet-stream" // unparseable: look at the content
		}
	}
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		return fr.multipart(members, params["boundary"], body, depth, mimeDepth, parts)
	case mt == "message/rfc822" || mt == "message/global":
		if depth >= fr.lim.MaxNesting {
			fr.fail(members, 0, 0, -1, fmt.Errorf("%w: containers nested more than %d deep", ErrTooDeep, fr.lim.MaxNesting))
			return 0
		}
		hl := &headerLimit{r: decodeCTE(h.Get("Content-Transfer-Encoding"), body), n: maxHeader}
		msg, err := mail.ReadMessage(bufio.NewReader(hl))
		if err != nil {
			fr.fail(members, 0, 0, -1, fmt.Errorf("%w attached message header: %v", ErrSyntax, headerErr(hl, err)))
			return 0
		}
		hl.n = -1
		inner := append(members[:len(members):len(members)], "attached message")
		return fr.entity(inner, textproto.MIMEHeader(msg.Header), msg.Body, depth+1, mimeDepth+1, parts)
	}
	before := fr.found
	errsBefore := fr.errs
	if fr.content(members, decodeCTE(h.Get("Content-Transfer-Encoding"), body), depth, true) {
		// Content that was a container counts as found even when it failed:
		// its error is already recorded.
		return max(fr.found-before, min(fr.errs-errsBefore, 1))
	}
	return 0
}

// multipart reads the parts of a multipart entity (RFC 2046 §5.1).
func (fr *fileReader) multipart(members []string, boundary string, body io.Reader, depth, mimeDepth int, parts *int) int {
	if boundary == "" {
		fr.fail(members, 0, 0, -1, fmt.Errorf("%w MIME: a multipart entity without a boundary", ErrSyntax))
		return 0
	}
	mr := multipart.NewReader(body, boundary)
	found := 0
	for i := 1; ; i++ {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return found
		}
		if err != nil {
			fr.fail(members, 0, 0, -1, fmt.Errorf("%w MIME part %d: %v", ErrSyntax, i, err))
			return found
		}
		name := "part " + strconv.Itoa(i)
		if fn := partName(p.Header); fn != "" {
			name += " " + clip(fn)
		}
		inner := append(members[:len(members):len(members)], name)
		found += fr.entity(inner, p.Header, p, depth, mimeDepth+1, parts)
		_ = p.Close()
		if *parts > fr.lim.MaxMembers {
			return found
		}
	}
}

// partName is the file name a part gives itself, if any.
func partName(h textproto.MIMEHeader) string {
	if _, params, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		return params["filename"]
	}
	if _, params, err := mime.ParseMediaType(h.Get("Content-Type")); err == nil {
		return params["name"]
	}
	return ""
}

// decodeCTE undoes a Content-Transfer-Encoding (RFC 2045 §6).
func decodeCTE(cte string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return &cteErrs{base64.NewDecoder(base64.StdEncoding, &noSpace{r: r})}
	case "quoted-printable":
		return &cteErrs{quotedprintable.NewReader(r)}
	}
	return r
}

// cteErrs labels decoding failures.
type cteErrs struct{ r io.Reader }

func (c *cteErrs) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		var ce base64.CorruptInputError
		if errors.As(err, &ce) {
			err = fmt.Errorf("%w base64 at byte %d of the part", ErrSyntax, int64(ce))
		} else if !errors.Is(err, ErrSyntax) {
			err = fmt.Errorf("%w transfer encoding: %v", ErrSyntax, err)
		}
	}
	return n, err
}

// noSpace drops the white space some senders leave in base64 bodies
// (encoding/base64 skips only CR and LF).
type noSpace struct{ r io.Reader }

func (s *noSpace) Read(p []byte) (int, error) {
	for {
		n, err := s.r.Read(p)
		j := 0
		for _, c := range p[:n] {
			if c != ' ' && c != '\t' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// mbox reads a mailbox of messages, each starting with a "From " line
// (RFC 4155); ">From " lines in bodies are unescaped (mboxrd).
func (fr *fileReader) mbox(members []string, r *bufio.Reader, depth int) {
	for i := 1; ; {
		line, err := readLine(r)
		if len(line) == 0 && err != nil {
			return
		}
		if !bytes.HasPrefix(line, []byte("From ")) {
			continue // before the first message: nothing
		}
		if i > fr.lim.MaxMessages {
			fr.fail(members, 0, 0, -1, fmt.Errorf("%w: the mailbox has more than %d messages; the rest were not read", ErrTooMany, fr.lim.MaxMessages))
			return
		}
		if err := fr.ctx.Err(); err != nil {
			fr.fail(members, 0, 0, -1, err)
			return
		}
		mr := &mboxMessage{r: r, atStart: true}
		inner := append(members[:len(members):len(members)], "mbox message "+strconv.Itoa(i))
		fr.message(inner, mr, depth+1, true)
		if _, err := io.Copy(io.Discard, mr); err != nil {
			return
		}
		if mr.eof {
			return
		}
		i++
	}
}

// readLine reads one line, however long, keeping at most 1 KiB of it.
func readLine(r *bufio.Reader) ([]byte, error) {
	var keep []byte
	for {
		b, err := r.ReadSlice('\n')
		if len(keep) < 1024 {
			keep = append(keep, b[:min(len(b), 1024-len(keep))]...)
		}
		if err != bufio.ErrBufferFull {
			return keep, err
		}
	}
}

// mboxMessage reads one message of an mbox: up to the next line that
// starts with "From ", which it leaves unread.
type mboxMessage struct {
	r       *bufio.Reader
	atStart bool // at the start of a line
	pending []byte
	done    bool
	eof     bool
}

func (m *mboxMessage) Read(p []byte) (int, error) {
	for len(m.pending) == 0 {
		if m.done {
			return 0, io.EOF
		}
		if m.atStart {
			head, _ := m.r.Peek(5)
			if bytes.Equal(head, []byte("From ")) {
				m.done = true
				return 0, io.EOF
			}
		}
		b, err := m.r.ReadSlice('\n')
		if len(b) > 0 {
			if m.atStart && len(b) > 5 && b[0] == '>' && bytes.HasPrefix(bytes.TrimLeft(b, ">"), []byte("From ")) {
				b = b[1:]
			}
			m.pending = b
			m.atStart = b[len(b)-1] == '\n'
		}
		if err == bufio.ErrBufferFull {
			if len(b) == 0 {
				return 0, err
			}
			break
		}
		if err != nil {
			m.done, m.eof = true, true
			if len(m.pending) == 0 {
				return 0, io.EOF
			}
			break
		}
	}
	n := copy(p, m.pending)
	m.pending = m.pending[n:]
	return n, nil
}
