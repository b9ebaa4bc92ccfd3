package dmarcreport

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
)

// Parallel decoding. encoding/xml decodes about 30 MB/s on one core, so a
// report of a million rows (650 MB) takes half a minute on one. The
// splitter cuts the document into a skeleton (everything but the records)
// and batches of whole top-level records; encoding/xml decodes the
// skeleton on one goroutine and the batches on the others, each batch
// into its own partial aggregate, and the partials are merged in document
// order. Every byte is still decoded and checked by encoding/xml; the
// splitter only finds where records begin and end, so it must follow
// comments, CDATA sections, processing instructions and quoted attribute
// values. Anything it does not expect (a DOCTYPE, markup over the size
// cap) ends splitting: the rest goes to the decoder that owns that place,
// which reports it.

// recordsMarker is the processing instruction the splitter puts into the
// skeleton where the records were.
const recordsMarker = "mxray-records"

// batchSize is the size of record batches handed to the workers.
const batchSize = 256 << 10

// batch is a run of whole top-level elements (records) of a document.
type batch struct {
	seq  int
	data []byte
	line int // line of data[0] in the document
}

// partial is what one worker made of one batch.
type partial struct {
	seq       int
	set       *Set
	rep       *Report
	line, col int
	offset    int64
	err       error
}

// workers is how many batch decoders a report gets.
func (l Limits) workers() int { return max(l.Workers-1, 1) }

// readXMLParallel reads one document with the skeleton and record batches
// decoded concurrently; the result is the same as readXML's.
func readXMLParallel(ctx context.Context, r io.Reader, lim Limits, rep *Report, set *Set) (line, col int, offset int64, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	skelR, skelW := io.Pipe()
	headerDone := make(chan struct{})
	skelDone := make(chan struct{})
	var skelErr struct {
		line, col int
		offset    int64
		err       error
	}
	go func() {
		defer close(skelDone)
		rr := newReportReader(ctx, skelR, lim, rep, &signalSink{Set: set, done: headerDone})
		rr.skeleton = true
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
						continue // the skeleton failed before its header: nothing to count against
					}
				}
				results <- decodeBatch(ctx, b, lim, rep)
			}
		})
	}
	go func() { wg.Wait(); close(results) }()

	// The merger counts into acc, folded into rep once every goroutine is
	// done, so that rep has one writer at a time.
	acc := &Report{}
	merged := make(chan struct{})
	var mergeErr *partial
	go func() {
		defer close(merged)
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
				if mergeErr != nil {
					continue
				}
				set.merge(acc, q.set, q.rep)
				if q.err != nil {
					mergeErr = &q
					cancel()
				}
			}
		}
	}()

	sp := &splitter{br: bufio.NewReaderSize(r, 1<<20), lim: lim, skel: skelW, line: 1, batches: batches, ctx: ctx}
	splitErr := sp.run()
	close(batches)
	if splitErr != nil {
		_ = skelW.CloseWithError(splitErr)
	} else {
		_ = skelW.Close()
	}
	<-skelDone
	<-merged
	rep.Rows += acc.Rows
	rep.Messages += acc.Messages
	for _, p := range acc.Problems {
		if len(rep.Problems) < lim.MaxErrors {
			rep.Problems = append(rep.Problems, p)
		}
	}

	splitFailed := splitErr != nil && !errors.Is(splitErr, errSkeletonDone) && !errors.Is(splitErr, context.Canceled) && !errors.Is(splitErr, io.ErrClosedPipe)
	switch {
	case mergeErr != nil && (!splitFailed || mergeErr.line < sp.line):
		return mergeErr.line, mergeErr.col, mergeErr.offset, mergeErr.err
	case splitFailed:
		return sp.line, 0, -1, splitErr
	case skelErr.err != nil:
		return skelErr.line, skelErr.col, skelErr.offset, skelErr.err
	}
	if err := ctx.Err(); err != nil && !errors.Is(err, context.Canceled) {
		return sp.line, 0, -1, err
	}
	return 0, 0, 0, nil
}

// errSkeletonDone: the skeleton's decoder stopped reading.
var errSkeletonDone = errors.New("skeleton decoder finished")

// signalSink passes the skeleton's report on and says when it is known.
type signalSink struct {
	*Set
	done chan struct{}
	once sync.Once
}

func (s *signalSink) report(rep *Report) {
	s.Set.report(rep)
	s.once.Do(func() { close(s.done) })
}

// decodeBatch decodes one batch of records into a partial aggregate.
func decodeBatch(ctx context.Context, b batch, lim Limits, rep *Report) partial {
	// A batch is at most a few hundred kilobytes, so its partial keeps
	// every source and name; the caps apply when it is merged, exactly as
	// they would have applied to the rows one by one.
	plim := lim
	plim.MaxSources, plim.MaxNames = math.MaxInt, math.MaxInt
	local := NewSet(plim)
	wrep := &Report{File: rep.File, Published: rep.Published, Duplicate: rep.Duplicate}
	in := io.MultiReader(strings.NewReader("<feedback>"), bytes.NewReader(b.data), strings.NewReader("</feedback>"))
	rr := newReportReader(ctx, in, lim, wrep, local)
	rr.worker, rr.lineBase = true, b.line-1
	p := partial{seq: b.seq, set: local, rep: wrep}
	p.line, p.col, p.offset, p.err = rr.read()
	if p.err != nil {
		p.col = 0 // columns of a batch's first line are shifted by the synthetic root
		p.offset = -1
	}
	return p
}

// splitter finds top-level records in a document.
type splitter struct {
	ctx     context.Context
	br      *bufio.Reader
	lim     Limits
	skel    *io.PipeWriter
	batches chan<- batch
	line    int // line of the next byte
	depth   int
	inRec   bool
	cur     []byte // the batch being built; nil when writing to the skeleton
	curLine int
	seq     int
	marked  bool
	scratch []byte
}

// run splits until the end of the input or an error.
func (s *splitter) run() error {
	for {
		text, err := s.until('<')
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
		return s.rest() // a DOCTYPE or other declaration: its decoder refuses it
	}
	startLine := s.line
	var body []byte
	var err error
	if end != "" {
		body, err = s.untilSeq(end, map[string]string{"-->": "comment", "]]>": "CDATA section", "?>": "processing instruction"}[end])
	} else {
		body, err = s.tag()
	}
	if err != nil {
		if werr := s.out(append([]byte{'<'}, body...)); werr != nil {
			return werr
		}
		return err
	}
	c := append(s.scratch[:0], '<')
	c = append(c, body...)
	s.scratch = c
	if end != "" {
		return s.out(c)
	}
	if len(body) > 0 && body[0] == '/' {
		s.depth--
		if s.depth == 0 && s.cur != nil {
			if err := s.flush(); err != nil {
				return err
			}
		}
		if err := s.out(c); err != nil {
			return err
		}
		if s.depth == 1 && s.inRec {
			s.inRec = false
			if len(s.cur) >= batchSize {
				return s.flush()
			}
		}
		return nil
	}
	empty := bytes.HasSuffix(body, []byte("/>"))
	if s.depth == 1 && !s.inRec && isRecord(body) {
		if s.cur == nil {
			if !s.marked {
				s.marked = true
				if _, err := io.WriteString(s.skel, "<?"+recordsMarker+"?>"); err != nil {
					return err
				}
			}
			s.cur, s.curLine = make([]byte, 0, batchSize+64<<10), startLine
		}
		s.inRec = !empty
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

// out sends bytes to the batch being built or to the skeleton.
func (s *splitter) out(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if s.cur != nil {
		s.cur = append(s.cur, b...)
		return nil
	}
	_, err := s.skel.Write(b)
	return err
}

// flush hands the batch being built to a worker.
func (s *splitter) flush() error {
	if s.cur == nil {
		return nil
	}
	b := batch{seq: s.seq, data: s.cur, line: s.curLine}
	s.seq++
	s.cur = nil
	select {
	case s.batches <- b:
		return nil
	case <-s.ctx.Done():
		return s.ctx.Err()
	}
}

// rest sends everything left, unsplit, to the decoder of this place: the
// skeleton's decoder, which refuses what it cannot read and stops the
// copy; or, inside a batch, the batch's decoder, which needs only the
// start of the construct to refuse it.
func (s *splitter) rest() error {
	if s.cur != nil {
		head, _ := s.br.Peek(256)
		s.cur = append(append(s.cur, '<'), head...)
		return s.flush()
	}
	if err := s.out([]byte{'<'}); err != nil {
		return err
	}
	_, err := io.Copy(s.skel, s.br)
	return err
}

// until reads up to delim (consumed, not returned). A run longer than
// MaxToken is an error, as the decoders' guard would say.
func (s *splitter) until(delim byte) ([]byte, error) {
	var acc []byte
	for {
		b, err := s.br.ReadSlice(delim)
		s.line += bytes.Count(b, []byte{'\n'})
		if err == nil {
			b = b[:len(b)-1]
		}
		if acc == nil && err != bufio.ErrBufferFull {
			if len(b) > s.lim.MaxToken {
				return b, fmt.Errorf("%w: more than %s of text without markup", ErrTooLarge, sizeText(int64(s.lim.MaxToken)))
			}
			return b, err
		}
		acc = append(acc, b...)
		if len(acc) > s.lim.MaxToken {
			return acc, fmt.Errorf("%w: more than %s of text without markup", ErrTooLarge, sizeText(int64(s.lim.MaxToken)))
		}
		if err != bufio.ErrBufferFull {
			return acc, err
		}
	}
}

// untilSeq reads through the end sequence of a comment, CDATA section or
// processing instruction, returning it with the sequence.
func (s *splitter) untilSeq(end, what string) ([]byte, error) {
	var acc []byte
	last := end[len(end)-1]
	for {
		b, err := s.br.ReadSlice(last)
		s.line += bytes.Count(b, []byte{'\n'})
		acc = append(acc, b...)
		if len(acc) > s.lim.MaxToken+len(end)+8 {
			return acc, fmt.Errorf("%w: %s over %s", ErrTooLarge, what, sizeText(int64(s.lim.MaxToken)))
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
	var acc []byte
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
		acc = append(acc, b...)
		if len(acc) > s.lim.MaxToken*2+256 {
			return acc, fmt.Errorf("%w: a tag over %s", ErrTooLarge, sizeText(int64(s.lim.MaxToken)))
		}
		if err == nil && quote == 0 {
			return acc, nil
		}
		if err != nil && err != bufio.ErrBufferFull {
			return acc, err
		}
	}
}

// merge adds a worker's partial aggregate of one batch to s.
func (s *Set) merge(rep *Report, part *Set, prep *Report) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep.Rows += prep.Rows
	rep.Messages += prep.Messages
	for _, p := range prep.Problems {
		if len(rep.Problems) < s.lim.MaxErrors {
			rep.Problems = append(rep.Problems, p)
		}
	}
	for _, ps := range part.order {
		key := sourceKey{domain: ps.Domain, ip: ps.IP}
		if !ps.IP.IsValid() {
			key.text = ps.Text
		}
		src := s.sources[key]
		if src == nil {
			if len(s.order) >= s.lim.MaxSources {
				if !s.overflowed {
					s.overflowed = true
					s.problem(rep, "report.too_many_sources", ps.line, fmt.Sprintf("more than %d distinct sources; the rest are counted together as \"(other sources)\"", s.lim.MaxSources))
				}
				key = sourceKey{domain: key.domain, text: "(other sources)"}
				src = s.sources[key]
			}
			if src == nil {
				src = newSource(key)
				src.line = ps.line
				s.sources[key] = src
				s.order = append(s.order, src)
			}
		}
		src.mergeFrom(ps, s)
	}
}

// mergeFrom adds o's counts to src.
func (src *Source) mergeFrom(o *Source, s *Set) {
	src.Rows += o.Rows
	src.Messages += o.Messages
	src.DMARCPass += o.DMARCPass
	src.DKIMAligned += o.DKIMAligned
	src.SPFAligned += o.SPFAligned
	src.ARCPass += o.ARCPass
	for k, v := range o.Dispositions {
		src.Dispositions[k] += v
	}
	for k, v := range o.DKIMResults {
		src.DKIMResults[k] += v
	}
	for k, v := range o.SPFResults {
		src.SPFResults[k] += v
	}
	for k, v := range o.Overrides {
		src.Overrides[k] += v
	}
	src.HeaderFrom.merge(&o.HeaderFrom, s)
	src.EnvelopeFrom.merge(&o.EnvelopeFrom, s)
	src.DKIMDomains.merge(&o.DKIMDomains, s)
}

// merge adds o's names to ns, keeping the cap.
func (ns *Names) merge(o *Names, s *Set) {
	for _, c := range o.List {
		ns.addCount(c, s.lim.MaxNames)
	}
	ns.More += o.More
}
