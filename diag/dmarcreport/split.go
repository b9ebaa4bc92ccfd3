package dmarcreport

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Parallel decoding. encoding/xml decodes about 30 MB/s on one core, so a
// report of a million rows (650 MB) takes half a minute on one. The
// splitter cuts the document into a skeleton (everything but the
// top-level records) and batches of whole records; encoding/xml decodes
// the skeleton on one goroutine and the batches on the others, each into a
// compact list of raw rows, and one merger aggregates the rows in document
// order through Set.row, the very code the one-goroutine reader uses, so
// the result is the same. Every byte is still decoded and checked by
// encoding/xml; the splitter only finds where records begin and end, so it
// follows comments, CDATA sections, processing instructions and quoted
// attribute values. Anything it does not expect (a DOCTYPE, a construct
// longer than it holds) ends splitting: once the batches before it are
// merged, the rest of the document, from the start of the record being
// read, goes unsplit to the skeleton's decoder, which then decides exactly
// as the one-goroutine reader does. The skeleton is told how many lines
// each batch took out (a processing instruction), so its line numbers stay
// those of the file.

// recordsMarker is the processing instruction the splitter puts into the
// skeleton where the records begin; linesMarker says how many lines a
// batch took out of it.
const (
	recordsMarker = "mxray-records"
	linesMarker   = "mxray-lines"
	syncMarker    = "mxray-sync"
)

// batchSize is the size of record batches handed to the workers.
const batchSize = 256 << 10

// batch is a run of whole top-level elements (records) of a document.
type batch struct {
	seq    int
	data   []byte
	line   int     // line of data[0] in the document
	pooled *[]byte // where data's memory goes back to
}

// partial is what one worker made of one batch: its rows, in order.
type partial struct {
	seq       int
	sawRecord bool // the batch's first record's start tag was read
	rows      *batchRows
	line, col int
	offset    int64
	err       error
}

// workers is how many batch decoders a report gets: the skeleton's
// decoder idles once the header is read, and the splitter and merger are
// light, so all of them.
func (l Limits) workers() int { return max(l.Workers, 1) }

// readXMLParallel reads one document with the skeleton and record batches
// decoded concurrently; the result is the same as readXML's.
func readXMLParallel(parent context.Context, r io.Reader, lim Limits, rep *Report, set *Set) (line, col int, offset int64, err error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	skelR, skelW := io.Pipe()
	// The report is handed to the set once: when the first record's start
	// tag is read (by a worker, told in its partial, or by the skeleton's
	// decoder after a fallback), or at a clean end of a report without
	// records.
	var regOnce sync.Once
	register := func() { regOnce.Do(func() { set.report(rep) }) }
	var synced, merged atomic.Int64
	syncNote, mergeNote := make(chan struct{}, 1), make(chan struct{}, 1)
	headerDone := make(chan struct{})
	skelDone := make(chan struct{})
	var skelErr struct {
		line, col int
		offset    int64
		err       error
	}
	go func() {
		defer close(skelDone)
		rr := newReportReader(ctx, skelR, lim, rep, registrar{register, set})
		rr.skeleton = true
		rr.onFill = func() { close(headerDone) }
		rr.onSync = func(n int64) {
			if n > synced.Load() {
				synced.Store(n)
			}
			select {
			case syncNote <- struct{}{}:
			default:
			}
		}
		skelErr.line, skelErr.col, skelErr.offset, skelErr.err = rr.read()
		_ = skelR.CloseWithError(errSkeletonDone)
	}()

	batches := make(chan batch, lim.workers())
	results := make(chan partial, lim.workers())
	var wg sync.WaitGroup
	for range lim.workers() {
		wg.Go(func() {
			for b := range batches {
				select {
				case <-headerDone:
				case <-skelDone:
					select {
					case <-headerDone:
					default:
						// The skeleton failed before its header: nothing to
						// count against, but the merger must still advance.
						results <- partial{seq: b.seq, rows: &batchRows{}}
						continue
					}
				}
				results <- decodeBatch(ctx, b, lim, rep)
			}
		})
	}
	go func() { wg.Wait(); close(results) }()

	// The merger counts into acc, folded into rep once every goroutine is
	// done, so that rep has one writer at a time.
	var acc *Report
	mergerDone := make(chan struct{})
	var mergeErr *partial
	go func() {
		defer close(mergerDone)
		pending := map[int]partial{}
		next := 0
		for p := range results {
			pending[p.seq] = p
			for {
				q, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				merged.Store(int64(next))
				select {
				case mergeNote <- struct{}{}:
				default:
				}
				if mergeErr != nil {
					continue
				}
				if q.sawRecord {
					register()
				}
				if acc == nil {
					acc = &Report{File: rep.File, Published: rep.Published, Duplicate: rep.Duplicate}
				}
				for i := range q.rows.rows {
					acc.Rows++
					set.row(acc, &q.rows.rows[i])
				}
				rowLists.Put(q.rows)
				if q.err != nil {
					mergeErr = &q
					cancel()
				}
			}
		}
	}()

	sp := &splitter{br: bufio.NewReaderSize(r, 1<<20), lim: lim, skel: bufio.NewWriterSize(skelW, 64<<10), line: 1, batches: batches, ctx: ctx,
		synced: &synced, syncNote: syncNote, skelDone: skelDone, merged: &merged, mergeNote: mergeNote}
	splitErr := sp.run()
	// The lines the last batch took out, for an error at the end; also
	// when splitting failed, so that the skeleton's consequent error is
	// placed where the failure was.
	if aerr := sp.announce(); splitErr == nil {
		splitErr = aerr
	}
	if ferr := sp.skel.Flush(); splitErr == nil {
		splitErr = ferr
	}
	close(batches)
	if splitErr != nil {
		_ = skelW.CloseWithError(splitErr)
	} else {
		_ = skelW.Close()
	}
	<-skelDone
	<-mergerDone
	if acc != nil {
		rep.Rows += acc.Rows
		rep.Messages += acc.Messages
		// The skeleton's decoder may have read records too (after a
		// fallback): keep the first problems in line order, as one reader
		// would have.
		ps := append(rep.Problems, acc.Problems...)
		slices.SortStableFunc(ps, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
		rep.Problems = ps[:min(len(ps), lim.MaxErrors)]
	}

	splitFailed := splitErr != nil && !errors.Is(splitErr, errSkeletonDone) && !errors.Is(splitErr, context.Canceled) && !errors.Is(splitErr, io.ErrClosedPipe)
	if mergeErr == nil && !splitFailed && skelErr.err == nil && parent.Err() == nil {
		register() // a report without records, read to its end
	}
	// The failure that comes first in the document is the one a single
	// reader meets. On the same line an error in the XML itself comes
	// first (the decoder reads it before it needs more input), then a
	// failure of the stream, then the XML errors that are its consequence
	// (the document ending too soon).
	type failure struct {
		line, col int
		offset    int64
		err       error
		rank      int
	}
	var first *failure
	consider := func(f failure) {
		if f.err == nil {
			return
		}
		if f.rank == 0 && (strings.Contains(f.err.Error(), "unexpected EOF") || strings.Contains(f.err.Error(), "document ends inside")) {
			f.rank = 2
		}
		if first == nil || f.line < first.line || f.line == first.line && f.rank < first.rank {
			first = &f
		}
	}
	if splitFailed {
		consider(failure{sp.line, 0, -1, splitErr, 1})
	}
	if mergeErr != nil {
		consider(failure{mergeErr.line, mergeErr.col, mergeErr.offset, mergeErr.err, 0})
	}
	consider(failure{skelErr.line, skelErr.col, skelErr.offset, skelErr.err, 0})
	if first != nil {
		return first.line, first.col, first.offset, first.err
	}
	if err := parent.Err(); err != nil {
		return sp.line, 0, -1, err
	}
	return 0, 0, 0, nil
}

// errSkeletonDone: the skeleton's decoder stopped reading.
var errSkeletonDone = errors.New("skeleton decoder finished")

// registrar is the skeleton's sink: its report goes through the one
// registration; it has no top-level rows of its own until a fallback, and
// those go to the set.
type registrar struct {
	register func()
	set      *Set
}

func (r registrar) report(*Report) { r.register() }

func (r registrar) row(rep *Report, row *rawRow) { r.set.row(rep, row) }

// The synthetic root a batch is decoded under.
const (
	batchOpen  = "<feedback>"
	batchClose = "</feedback>"
)

// Batch buffers and row lists are reused: a million-row report is some
// 2,500 batches.
var (
	batchBufs = sync.Pool{New: func() any { b := make([]byte, 0, batchSize+64<<10); return &b }}
	rowLists  = sync.Pool{New: func() any { return &batchRows{} }}
)

func getBatchBuf() *[]byte { return batchBufs.Get().(*[]byte) }

// decodeBatch decodes one batch of records into raw rows. The batch's
// buffer goes back to the pool; the rows go back once merged.
func decodeBatch(ctx context.Context, b batch, lim Limits, rep *Report) partial {
	rows := rowLists.Get().(*batchRows)
	rows.reset(len(b.data))
	wrep := &Report{File: rep.File}
	// The splitter has bounded every text run and construct as the
	// markup guard would; bytes.Reader is an io.ByteReader, so the decoder
	// reads the batch in place.
	d := xml.NewDecoder(bytes.NewReader(b.data))
	d.Strict = true
	rr := &reportReader{ctx: ctx, lim: lim, sink: rows, dec: d, rep: wrep, guard: &markupGuard{}}
	rr.worker, rr.lineBase = true, b.line-1
	defer func() {
		*b.pooled = b.data[:0]
		batchBufs.Put(b.pooled)
	}()
	p := partial{seq: b.seq, rows: rows}
	p.line, p.col, p.offset, p.err = rr.read()
	p.sawRecord = rr.sawRecord
	if p.err != nil {
		p.col = 0 // columns of a batch's first line are shifted by the synthetic root
		p.offset = -1
	}
	return p
}

// batchRows keeps the rows of one batch, their bytes copied into one
// arena (a batch's field text is never longer than the batch).
type batchRows struct {
	rows    []rawRow
	arena   []byte
	auths   []rawAuth
	reasons []rawReason
}

// reset empties the lists for a batch of n bytes, keeping their memory.
func (c *batchRows) reset(n int) {
	c.rows, c.auths, c.reasons = c.rows[:0], c.auths[:0], c.reasons[:0]
	if cap(c.arena) < n {
		c.arena = make([]byte, 0, n)
	}
	c.arena = c.arena[:0]
}

func (c *batchRows) report(*Report) {}

func (c *batchRows) row(_ *Report, r *rawRow) {
	c.rows = append(c.rows, rawRow{line: r.line, sourceIP: c.copy(r.sourceIP), count: c.copy(r.count),
		disposition: c.copy(r.disposition), dkim: c.copy(r.dkim), spf: c.copy(r.spf),
		headerFrom: c.copy(r.headerFrom), envelopeFrom: c.copy(r.envelopeFrom), hasEnvFrom: r.hasEnvFrom, tooMany: r.tooMany})
	row := &c.rows[len(c.rows)-1]
	start := len(c.reasons)
	for _, rs := range r.reasons {
		c.reasons = append(c.reasons, rawReason{typ: c.copy(rs.typ), comment: c.copy(rs.comment)})
	}
	row.reasons = c.reasons[start:len(c.reasons):len(c.reasons)]
	row.dkimRes = c.copyAuths(r.dkimRes)
	row.spfRes = c.copyAuths(r.spfRes)
}

func (c *batchRows) copyAuths(as []rawAuth) []rawAuth {
	start := len(c.auths)
	for _, a := range as {
		c.auths = append(c.auths, rawAuth{domain: c.copy(a.domain), selector: c.copy(a.selector), scope: c.copy(a.scope), result: c.copy(a.result)})
	}
	return c.auths[start:len(c.auths):len(c.auths)]
}

// copy puts b into the arena; slices handed out earlier stay valid when
// the arena grows, since they keep the old array.
func (c *batchRows) copy(b []byte) []byte {
	start := len(c.arena)
	c.arena = append(c.arena, b...)
	return c.arena[start:len(c.arena):len(c.arena)]
}

// splitter finds top-level records in a document.
type splitter struct {
	ctx     context.Context
	br      *bufio.Reader
	lim     Limits
	skel    *bufio.Writer // to the skeleton's decoder; flushed at the marker and the end
	batches chan<- batch
	line    int // line of the next byte
	depth   int
	inRec   bool
	inOther bool   // inside a top-level element that is not a record
	removed int    // lines taken out of the skeleton since it was last told
	cur     []byte // the batch being built; nil when writing to the skeleton
	acc     []byte // a construct that did not fit the read buffer
	pooled  *[]byte
	curLine int
	seq     int
	marked  bool
	scratch []byte
	// recStart is where the record being read begins in cur.
	recStart int
	// merged counts the batches merged; mergeNote says it moved.
	merged    *atomic.Int64
	mergeNote <-chan struct{}
	// syncs counts sync points written; synced is the last one the
	// skeleton's decoder read, syncNote says it moved.
	syncs    int
	needSync bool
	synced   *atomic.Int64
	syncNote <-chan struct{}
	skelDone <-chan struct{}
}

// run splits until the end of the input or an error.
func (s *splitter) run() error {
	for {
		text, err := s.until('<')
		if err == errOversize {
			return s.fallback(text)
		}
		if werr := s.out(text); werr != nil {
			return werr
		}
		if err == nil {
			err = s.markup()
		}
		if err != nil {
			// What was read before a failure is decoded, as the one-goroutine
			// reader would have decoded it.
			if ferr := s.flush(); ferr != nil {
				return ferr
			}
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// markup reads one construct after a '<' and sends it on.
func (s *splitter) markup() error {
	head, _ := s.br.Peek(8)
	var end string
	switch {
	case bytes.HasPrefix(head, []byte("!--")):
		end = "-->"
	case bytes.HasPrefix(head, []byte("![CDATA[")):
		end = "]]>"
	case bytes.HasPrefix(head, []byte("?")):
		end = "?>"
	case bytes.HasPrefix(head, []byte("!")):
		// A DOCTYPE or other declaration: the one-goroutine reader's
		// decoder would refuse it, so the skeleton's decides, on the rest.
		return s.fallback([]byte{'<'})
	}
	startLine := s.line
	var body []byte
	var err error
	if end != "" {
		body, err = s.untilSeq(end)
	} else {
		body, err = s.tag()
	}
	if err == errOversize {
		return s.fallback(append([]byte{'<'}, body...))
	}
	if err != nil {
		if werr := s.out(append([]byte{'<'}, body...)); werr != nil {
			return werr
		}
		return err
	}
	c := append(s.scratch[:0], '<')
	c = append(c, body...)
	s.scratch = c[:0]
	if end != "" {
		return s.out(c)
	}
	if len(body) > 0 && body[0] == '/' {
		s.depth--
		switch {
		case s.depth == 0:
			if err := s.flush(); err != nil {
				return err
			}
			return s.out(c)
		case s.depth == 1 && s.inRec:
			err := s.out(c)
			s.inRec = false
			if err == nil && len(s.cur) >= batchSize {
				err = s.flush()
			}
			return err
		case s.depth == 1 && s.inOther:
			err := s.out(c)
			s.inOther = false
			return err
		}
		return s.out(c)
	}
	empty := bytes.HasSuffix(body, []byte("/>"))
	if s.depth == 1 && !s.inRec && !s.inOther {
		if isRecord(body) {
			if s.cur == nil {
				if s.needSync {
					if err := s.sync(); err != nil {
						return err
					}
				}
				if !s.marked {
					s.marked = true
					if _, err := s.skel.WriteString("<?" + recordsMarker + "?>"); err != nil {
						return err
					}
					if err := s.skel.Flush(); err != nil {
						return err
					}
				}
				s.pooled = getBatchBuf()
				s.cur, s.curLine = append((*s.pooled)[:0], batchOpen...), startLine
			}
			s.inRec = !empty
			s.recStart = len(s.cur)
		} else {
			// Anything else at the top (policy_published again, an
			// extension) is the skeleton's, as it would be in order. The
			// batch so far is complete: records after this element must
			// not join it, in case the skeleton's decoder refuses it.
			if err := s.flush(); err != nil {
				return err
			}
			s.inOther = !empty
			if empty {
				s.inOther = true
				err := s.out(c)
				s.inOther = false
				return err
			}
		}
	}
	if !empty {
		s.depth++
	}
	return s.out(c)
}

// isRecord reports whether a start tag's name is record, with any prefix.
func isRecord(body []byte) bool {
	n := body
	if i := bytes.IndexAny(n, " \t\r\n/>"); i >= 0 {
		n = n[:i]
	}
	if i := bytes.LastIndexByte(n, ':'); i >= 0 {
		n = n[i+1:]
	}
	return bytes.EqualFold(n, []byte("record"))
}

// announce tells the skeleton how many lines batches took out since it was
// last told.
func (s *splitter) announce() error {
	if s.removed == 0 {
		return nil
	}
	_, err := s.skel.WriteString("<?" + linesMarker + " " + strconv.Itoa(s.removed) + "?>")
	s.removed = 0
	return err
}

// out sends bytes to the batch being built or to the skeleton. Lines a
// batch took out are announced to the skeleton before its next bytes.
func (s *splitter) out(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if s.cur != nil && !s.inOther {
		s.cur = append(s.cur, b...)
		s.removed += bytes.Count(b, []byte{'\n'})
		return nil
	}
	if err := s.announce(); err != nil {
		return err
	}
	if s.marked && len(bytes.TrimLeft(b, " \t\r\n")) > 0 {
		s.needSync = true
	}
	_, err := s.skel.Write(b)
	return err
}

// fallback sends the rest of the document, from the start of the record
// being read (or from here), unsplit to the skeleton's decoder, once every
// batch before it is merged: the result is the one-goroutine reader's.
// pending is what was read past the last byte sent on.
func (s *splitter) fallback(pending []byte) error {
	pending = append([]byte(nil), pending...) // it may be the read buffer's
	if s.cur != nil {
		var carry []byte
		if s.inRec {
			carry = append(carry, s.cur[s.recStart:]...)
			s.removed -= bytes.Count(carry, []byte{'\n'})
			s.cur = s.cur[:s.recStart]
			s.inRec = false
		}
		if err := s.flush(); err != nil {
			return err
		}
		for s.merged.Load() < int64(s.seq) {
			select {
			case <-s.mergeNote:
			case <-s.ctx.Done():
				return s.ctx.Err()
			}
		}
		pending = append(carry, pending...)
	}
	if err := s.out(pending); err != nil {
		return err
	}
	_, err := io.Copy(s.skel, s.br)
	return err
}

// sync waits until the skeleton's decoder has read everything written to
// it. It runs before a batch starts when, since records began, the
// skeleton was given anything but white space (another element, a
// comment, text): if the decoder refuses it, no record after it may be
// counted, as the one-goroutine reader stops there too.
func (s *splitter) sync() error {
	s.needSync = false
	s.syncs++
	if _, err := s.skel.WriteString("<?" + syncMarker + " " + strconv.Itoa(s.syncs) + "?>"); err != nil {
		return err
	}
	if err := s.skel.Flush(); err != nil {
		return err
	}
	for s.synced.Load() < int64(s.syncs) {
		select {
		case <-s.syncNote:
		case <-s.skelDone:
			return errSkeletonDone
		case <-s.ctx.Done():
			return s.ctx.Err()
		}
	}
	return nil
}

// flush hands the batch being built to a worker.
func (s *splitter) flush() error {
	if s.cur == nil {
		return nil
	}
	data := s.cur
	if !s.inRec {
		// A record cut off by the end of the input stays cut off, so its
		// decoder fails where the one-goroutine reader's does.
		data = append(data, batchClose...)
	}
	b := batch{seq: s.seq, data: data, line: s.curLine, pooled: s.pooled}
	s.seq++
	s.cur = nil
	select {
	case s.batches <- b:
		return nil
	case <-s.ctx.Done():
		return s.ctx.Err()
	}
}

// errOversize: a text run or construct is longer than the splitter
// holds; the rest of the document goes to the skeleton's decoder, whose
// limits then decide exactly as the one-goroutine reader's would.
var errOversize = errors.New("splitter: over the size it holds")

// until reads up to delim (consumed, not returned). Past MaxToken bytes it
// returns what it read, the delimiter included if reached, and
// errOversize.
func (s *splitter) until(delim byte) ([]byte, error) {
	var acc []byte
	for {
		b, err := s.br.ReadSlice(delim)
		s.line += bytes.Count(b, []byte{'\n'})
		if acc == nil && err != bufio.ErrBufferFull && len(b) <= s.lim.MaxToken {
			if err == nil {
				b = b[:len(b)-1]
			}
			return b, err
		}
		acc = append(acc, b...)
		if len(acc) > s.lim.MaxToken {
			return acc, errOversize
		}
		if err != bufio.ErrBufferFull {
			if err == nil {
				acc = acc[:len(acc)-1]
			}
			return acc, err
		}
	}
}

// untilSeq reads through the end sequence of a comment, CDATA section or
// processing instruction, returning it with the sequence.
func (s *splitter) untilSeq(end string) ([]byte, error) {
	acc := s.acc[:0]
	defer func() { s.acc = acc }()
	last := end[len(end)-1]
	for {
		b, err := s.br.ReadSlice(last)
		s.line += bytes.Count(b, []byte{'\n'})
		acc = append(acc, b...)
		if len(acc) > s.lim.MaxToken+len(end)+8 {
			return acc, errOversize
		}
		if err == nil && bytes.HasSuffix(acc, []byte(end)) && len(acc) >= len(end)+1 {
			return acc, nil
		}
		if err != nil && err != bufio.ErrBufferFull {
			return acc, err
		}
	}
}

// tag reads a start or end tag through its '>', which may appear inside a
// quoted attribute value.
func (s *splitter) tag() ([]byte, error) {
	acc := s.acc[:0]
	var quote byte
	for {
		b, err := s.br.ReadSlice('>')
		s.line += bytes.Count(b, []byte{'\n'})
		for _, c := range b {
			switch {
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			case c == quote:
				quote = 0
			}
		}
		if err == nil && quote == 0 && len(acc) == 0 {
			return b, nil // the usual case: the whole tag in the buffer, not copied
		}
		acc = append(acc, b...)
		s.acc = acc
		if len(acc) > s.lim.MaxToken*2+256 {
			return acc, errOversize
		}
		if err == nil && quote == 0 {
			return acc, nil
		}
		if err != nil && err != bufio.ErrBufferFull {
			return acc, err
		}
	}
}
