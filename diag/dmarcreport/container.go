package dmarcreport

import (
	"archive/zip"
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
)

// Input is one file the user gave: a name for messages and a way to open it.
type Input struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// FileInput is the file at path.
func FileInput(path string) Input {
	return Input{Name: path, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// BytesInput is data already in memory (stdin, an embedded demo report).
func BytesInput(name string, data []byte) Input {
	return Input{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

// kind is what a stream's first bytes say it is.
type kind int

const (
	kindUnknown kind = iota
	kindXML
	kindGzip
	kindZip
	kindMessage
	kindMbox
	kindUTF16
)

// sniffLen is how many bytes detection looks at.
const sniffLen = 512

// detect tells the kind of content from its first bytes, never from a name.
func detect(head []byte) kind {
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return kindGzip
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return kindZip
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}), bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return kindUTF16
	}
	h := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	t := bytes.TrimLeft(h, " \t\r\n")
	switch {
	case len(t) > 0 && t[0] == '<':
		return kindXML
	case bytes.HasPrefix(h, []byte("From ")):
		return kindMbox
	case looksLikeHeader(h):
		return kindMessage
	}
	return kindUnknown
}

// looksLikeHeader reports whether b starts with an RFC 5322 header field:
// a field name (letters, digits and '-', as every real one is), then ':'.
func looksLikeHeader(b []byte) bool {
	for i, c := range b {
		switch {
		case c == ':':
			return i > 0
		case !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'):
			return false
		}
		if i > 76 {
			return false
		}
	}
	return false
}

// fileReader reads one Input into a Set.
type fileReader struct {
	ctx    context.Context
	set    *Set
	lim    Limits
	file   string
	budget budget
	errs   int
	found  int // reports read
}

// fail records a problem at a member path.
func (fr *fileReader) fail(members []string, line, col int, offset int64, err error) {
	fr.errs++
	if fr.errs > fr.lim.MaxErrors {
		return
	}
	if fr.errs == fr.lim.MaxErrors {
		err = fmt.Errorf("%w (and further problems in this file are not listed)", err)
	}
	fr.set.fileError(&FileError{File: fr.file, Member: append([]string(nil), members...), Line: line, Column: col, Offset: offset, Err: err})
}

// content reads r as whatever it is. inMessage says a non-report part is
// to be skipped rather than reported (the text part of a report message).
// It returns false when the content was skipped as not a report.
func (fr *fileReader) content(members []string, r io.Reader, depth int, inMessage bool) bool {
	if err := fr.ctx.Err(); err != nil {
		fr.fail(members, 0, 0, -1, err)
		return true
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		fr.fail(members, 0, 0, 0, fmt.Errorf("%w: %v", ErrSyntax, err))
		return true
	}
	k := detect(head)
	if k != kindXML && k != kindUnknown && k != kindUTF16 && depth >= fr.lim.MaxNesting {
		fr.fail(members, 0, 0, 0, fmt.Errorf("%w: containers nested more than %d deep", ErrTooDeep, fr.lim.MaxNesting))
		return true
	}
	switch k {
	case kindXML:
		fr.xml(members, br)
	case kindGzip:
		fr.gzip(members, br, depth)
	case kindZip:
		fr.zip(members, br, r, depth)
	case kindMessage:
		fr.message(members, br, depth, false)
	case kindMbox:
		fr.mbox(members, br, depth)
	case kindUTF16:
		fr.fail(members, 0, 0, 0, fmt.Errorf("%w: UTF-16 XML (reports are UTF-8)", ErrCharset))
	default:
		if inMessage {
			return false
		}
		fr.fail(members, 0, 0, 0, fmt.Errorf("%w; it starts with %q", ErrUnknownFormat, clip(string(bytes.TrimSpace(head[:min(len(head), 24)])))))
	}
	return true
}

// xml reads one report document.
func (fr *fileReader) xml(members []string, r *bufio.Reader) {
	if b, _ := r.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		_, _ = r.Discard(3)
	}
	rep := &Report{File: fr.file, Member: append([]string(nil), members...)}
	line, off, err := readXML(fr.ctx, &readErrs{r: r}, fr.lim, rep, fr.set)
	var re *readError
	if errors.As(err, &re) {
		// The container failed under the XML (a corrupt gzip or base64
		// stream, a bomb): an XML position would only say how far the
		// scanner had read, which depends on its buffering.
		line, off, err = 0, -1, re.err
	}
	fr.found++
	// Problems in line order: the report's own (line 0) first.
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	if err != nil {
		if rep.Rows > 0 {
			err = fmt.Errorf("%w (the %d records before this point were counted)", err, rep.Rows)
		}
		fr.fail(members, line, 0, off, err)
	}
}

// readError marks a failure of the stream under a document, as opposed to
// one in the document.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// readErrs marks its reader's failures as readErrors.
type readErrs struct{ r io.Reader }

func (r *readErrs) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = &readError{err}
	}
	return n, err
}

// gzip reads a gzip stream (several members in a row are one stream,
// RFC 1952 §2.2).
func (fr *fileReader) gzip(members []string, r io.Reader, depth int) {
	cr := &countingReader{r: r}
	zr, err := gzip.NewReader(cr)
	if err != nil {
		fr.fail(members, 0, 0, 0, fmt.Errorf("%w gzip: %v", ErrSyntax, err))
		return
	}
	name := "gzip"
	if zr.Name != "" {
		name = "gzip " + clip(zr.Name)
	}
	g := &bombGuard{r: zr, compressed: func() int64 { return cr.n }, what: "the gzip stream", b: &fr.budget, lim: &fr.lim}
	inner := append(members[:len(members):len(members)], name)
	fr.content(inner, &gzipErrs{g}, depth+1, false)
}

// gzipErrs marks decompression failures as such.
type gzipErrs struct{ r io.Reader }

func (g *gzipErrs) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF && !errors.Is(err, ErrBomb) {
		err = fmt.Errorf("%w gzip data: %v", ErrSyntax, err)
	}
	return n, err
}

// zip reads every member of a zip archive. An archive from a file on disk
// is read in place; one from inside a message is held in memory, capped.
func (fr *fileReader) zip(members []string, r io.Reader, orig io.Reader, depth int) {
	var ra io.ReaderAt
	var size int64
	if f, ok := underlyingFile(orig); ok && len(members) == 0 {
		st, err := f.Stat()
		if err == nil {
			ra, size = f, st.Size()
		}
	}
	if ra == nil {
		data, err := io.ReadAll(io.LimitReader(r, fr.lim.MaxBuffered+1))
		if err != nil {
			fr.fail(members, 0, 0, -1, fmt.Errorf("%w: %v", ErrSyntax, err))
			return
		}
		if int64(len(data)) > fr.lim.MaxBuffered {
			fr.fail(members, 0, 0, -1, fmt.Errorf("%w: a zip archive inside another container over %s", ErrTooLarge, sizeText(fr.lim.MaxBuffered)))
			return
		}
		ra, size = bytes.NewReader(data), int64(len(data))
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		fr.fail(members, 0, 0, -1, fmt.Errorf("%w zip: %v", ErrSyntax, err))
		return
	}
	files := zr.File
	if len(files) > fr.lim.MaxMembers {
		fr.fail(members, 0, 0, -1, fmt.Errorf("%w: the zip archive has %d members; only the first %d were read", ErrTooMany, len(files), fr.lim.MaxMembers))
		files = files[:fr.lim.MaxMembers]
	}
	for i, f := range files {
		if f.FileInfo().IsDir() {
			continue
		}
		name := "zip member " + strconv.Itoa(i+1) + " " + clip(f.Name)
		inner := append(members[:len(members):len(members)], name)
		left := fr.budget.limit - fr.budget.used
		switch {
		case f.UncompressedSize64 > uint64(left):
			fr.fail(inner, 0, 0, -1, fmt.Errorf("%w: the member says it holds %s, more than the %s left of the %s limit", ErrBomb,
				sizeText(int64(min(f.UncompressedSize64, 1<<62))), sizeText(left), sizeText(fr.budget.limit)))
			continue
		case f.UncompressedSize64 > uint64(fr.lim.RatioFloor) && f.UncompressedSize64 > max(f.CompressedSize64, 1)*uint64(fr.lim.MaxRatio):
			fr.fail(inner, 0, 0, -1, fmt.Errorf("%w: the member says it expands %s to %s, a ratio over %d:1", ErrBomb,
				sizeText(int64(min(f.CompressedSize64, 1<<62))), sizeText(int64(min(f.UncompressedSize64, 1<<62))), fr.lim.MaxRatio))
			continue
		}
		rc, err := f.Open()
		if err != nil {
			fr.fail(inner, 0, 0, -1, fmt.Errorf("%w zip member: %v", ErrSyntax, err))
			continue
		}
		comp := int64(min(f.CompressedSize64, 1<<62))
		g := &bombGuard{r: rc, compressed: func() int64 { return comp }, what: "the zip member", b: &fr.budget, lim: &fr.lim}
		fr.content(inner, &gzipErrs{g}, depth+1, false)
		_ = rc.Close()
	}
}

// underlyingFile finds the *os.File of a top-level input.
func underlyingFile(r io.Reader) (*os.File, bool) {
	if s, ok := r.(*sourceReader); ok {
		if f, ok := s.Reader.(*os.File); ok {
			if _, err := f.Seek(0, io.SeekCurrent); err == nil {
				return f, true
			}
		}
	}
	return nil, false
}

// sourceReader marks the reader of a top-level input, so that a zip on
// disk can be read in place.
type sourceReader struct{ io.Reader }
