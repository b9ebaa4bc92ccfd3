package spfcheck

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/termsafe"
	"github.com/mxray/mxray/spf"
)

// BulkOptions configure a bulk evaluation.
type BulkOptions struct {
	// JSON writes JSON Lines (one object per IP, the "results" entry of
	// "mxray spf --json" plus "line"); otherwise a text table.
	JSON bool
	// Errs receives "line N: ..." for each input line that is not an IP
	// address; such lines are skipped.
	Errs io.Writer
	// Deadline bounds the prefetch of the trees (only ctx when 0);
	// the evaluation runs until the input ends.
	Deadline time.Duration
}

// BulkSummary is the outcome of a bulk evaluation.
type BulkSummary struct {
	Tree     *spf.Tree
	Findings []finding.Finding // about the tree
	IPs      int64             // addresses evaluated
	BadLines int64             // lines skipped
	Results  map[spf.Result]int64
	// Unreachable: no DNS server answered the prefetch at all.
	Unreachable bool
}

// Bulk evaluation sizes: a chunk of IPs is evaluated by one goroutine and
// written at once. The first bulkProbeIPs go one per chunk; once any
// evaluation has needed DNS (ptr, exists with %{i}, macros) every chunk is
// one IP, so that those lookups run concurrently; otherwise chunks are
// large, and evaluation is CPU alone, spread over every core.
const (
	bulkChunkSize    = 256
	bulkProbeIPs     = 64
	bulkWorkersDNS   = 64
	bulkChunkQueries = 1000 // question budget of one chunk's client (each verdict is bounded by RFC 7208's limits)
	bulkMaxLine      = 1024 // longer input lines are reported and skipped
	// bulkMaxSkip bounds how much of an over-long line is read to find its
	// end: past it the input is no list of addresses (/dev/zero, a binary
	// file) and the run stops with ErrNotText.
	bulkMaxSkip = 1 << 20
)

// ErrNotText: the input of a bulk evaluation is not text, one address a
// line: a line runs past bulkMaxSkip bytes (a stray bad line is reported
// and skipped instead).
var ErrNotText = errors.New("not a text file of addresses, one a line")

// ErrBulkLine: an input line of a bulk evaluation is not an IP address.
var ErrBulkLine = errors.New("not an IPv4 or IPv6 address")

// Bulk evaluates, for q's identity (q.IPs is not used), every client IP
// read from in (one per line; blank lines
// and "#" comments skipped, a bad line reported to Errs and skipped)
// against one prefetched tree, and streams one verdict per IP to out, in
// input order. Evaluation that needs DNS (ptr, exists:%{i}, macros) asks
// through fresh clients of cfg, concurrently and bounded, sharing one
// bounded cache; the rest is CPU only, spread over every core. It returns
// when the input ends, ctx ends, or writing fails.
func Bulk(ctx context.Context, cfg dnsclient.Config, q Query, in io.Reader, out io.Writer, o BulkOptions) (BulkSummary, error) {
	prefetch := dnsclient.New(cfg)
	rr := &bulkResolver{base: prefetch}
	opts := []spf.Option{advised}
	if q.Record != nil {
		opts = append(opts, spf.WithRecord(*q.Record))
	}
	pctx, cancel := context.WithCancel(ctx)
	if o.Deadline > 0 {
		pctx, cancel = context.WithTimeout(ctx, o.Deadline)
	}
	checker := spf.NewChecker(pctx, Resolver(rr), spf.Identity{Domain: q.Domain, Sender: q.Sender, HELO: q.HELO}, opts...)
	cancel()
	sum := BulkSummary{Tree: checker.Tree(), Results: map[spf.Result]int64{}}
	sum.Findings = Findings(sum.Tree.Findings())
	if dnsclient.NoServerAnswered(prefetch.Log()) {
		sum.Unreachable = true
		return sum, nil
	}

	evalCfg := cfg
	evalCfg.MaxLog = -1
	evalCfg.MaxQueries = bulkChunkQueries
	if evalCfg.Cache == nil && !evalCfg.Authoritative {
		evalCfg.Cache = dnsclient.NewCache(dnsclient.CacheConfig{})
	}
	b := &bulk{ctx: ctx, checker: checker, rr: rr, evalCfg: evalCfg, json: o.JSON}
	if !o.JSON {
		if _, err := io.WriteString(out, bulkHeader); err != nil {
			return sum, err
		}
	}
	err := b.run(in, out, o.Errs, &sum)
	return sum, err
}

// bulkHeader heads the text table; "Decided by" is last as its width
// varies.
const bulkHeader = "IP                                       Result     HELO       Lookups  Void  Decided by\n"

// bulkResolver asks through the client a chunk put in its context, or the
// prefetch client, and counts the questions asked during evaluation.
type bulkResolver struct {
	base      *dnsclient.Client
	evalAsked atomic.Int64
}

type bulkClientKey struct{}

func (b *bulkResolver) Lookup(ctx context.Context, name string, qtype uint16) dnsclient.Answer {
	if c, ok := ctx.Value(bulkClientKey{}).(*dnsclient.Client); ok {
		b.evalAsked.Add(1)
		return c.Lookup(ctx, name, qtype)
	}
	return b.base.Lookup(ctx, name, qtype)
}

// bulk is one bulk evaluation under way.
type bulk struct {
	ctx     context.Context
	checker *spf.Checker
	rr      *bulkResolver
	evalCfg dnsclient.Config
	json    bool
}

type bulkItem struct {
	line int64
	ip   netip.Addr
	bad  string // the line's text when it is not an IP
}

type bulkChunk struct {
	seq    int64
	items  []bulkItem
	out    []byte
	counts map[spf.Result]int64
}

func (b *bulk) run(in io.Reader, out, errs io.Writer, sum *BulkSummary) error {
	ctx, cancel := context.WithCancelCause(b.ctx)
	defer cancel(nil)
	workers := max(bulkWorkersDNS, runtime.GOMAXPROCS(0))
	window := make(chan struct{}, 2*workers)
	chunks := make(chan *bulkChunk)
	done := make(chan *bulkChunk, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := range chunks {
				b.evaluate(ctx, c)
				done <- c
			}
		})
	}
	go func() { wg.Wait(); close(done) }()

	var readErr error
	go func() {
		defer close(chunks)
		br := bufio.NewReaderSize(in, 64<<10)
		var seq, n int64
		cur := &bulkChunk{}
		flush := func() bool {
			if len(cur.items) == 0 {
				return true
			}
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return false
			}
			cur.seq = seq
			seq++
			select {
			case chunks <- cur:
			case <-ctx.Done():
				return false
			}
			cur = &bulkChunk{}
			return true
		}
		for {
			raw, err := readBulkLine(br)
			if err == io.EOF && raw == nil {
				break
			}
			if err != nil && err != io.EOF {
				readErr = fmt.Errorf("line %d: %w", n+1, err)
				cancel(readErr)
				return
			}
			n++
			text := strings.TrimSpace(string(raw))
			if i := strings.IndexByte(text, '#'); i >= 0 {
				text = strings.TrimSpace(text[:i])
			}
			if text == "" {
				continue
			}
			it := bulkItem{line: n}
			ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(text, "["), "]"))
			if err != nil || ip.Zone() != "" {
				it.bad = text
			} else {
				it.ip = ip.Unmap()
			}
			cur.items = append(cur.items, it)
			size := bulkChunkSize
			if seq < bulkProbeIPs || b.rr.evalAsked.Load() > 0 {
				size = 1
			}
			if len(cur.items) >= size && !flush() {
				return
			}
		}
		flush()
	}()

	pending := map[int64]*bulkChunk{}
	var next int64
	var writeErr error
	for c := range done {
		if writeErr != nil {
			<-window
			continue
		}
		pending[c.seq] = c
		for {
			c, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-window
			for _, it := range c.items {
				if it.bad != "" {
					sum.BadLines++
					if errs != nil {
						fmt.Fprintf(errs, "mxray: line %d: %q is %s; skipped\n", it.line, termsafe.String(it.bad), ErrBulkLine)
					}
				} else {
					sum.IPs++
				}
			}
			for r, k := range c.counts {
				sum.Results[r] += k
			}
			if _, err := out.Write(c.out); err != nil {
				writeErr = err
				cancel(err)
				break
			}
		}
	}
	switch {
	case writeErr != nil:
		return writeErr
	case readErr != nil:
		return readErr
	}
	return context.Cause(ctx)
}

// readBulkLine reads one line without its end; a line over bulkMaxLine is
// read to its end and returned cut, so that it is reported as bad. It
// returns nil, io.EOF at the end of the input.
func readBulkLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	switch {
	case err == bufio.ErrBufferFull || (err == nil && len(line) > bulkMaxLine):
		cut := append([]byte(nil), line[:min(len(line), bulkMaxLine)]...)
		for skipped := len(line); err == bufio.ErrBufferFull; skipped += len(line) {
			if skipped > bulkMaxSkip {
				return nil, fmt.Errorf("%w: a line runs past %d bytes", ErrNotText, bulkMaxSkip)
			}
			line, err = br.ReadSlice('\n')
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		return cut, nil
	case err == io.EOF && len(line) == 0:
		return nil, io.EOF
	case err != nil && err != io.EOF:
		return nil, err
	}
	return line, nil
}

// evaluate runs one chunk and renders its lines. Once any evaluation has
// needed DNS, each chunk gets its own client (its cache and budget live as
// long as the chunk; answers are shared through evalCfg's Cache).
func (b *bulk) evaluate(ctx context.Context, c *bulkChunk) {
	c.counts = map[spf.Result]int64{}
	ectx := context.WithValue(ctx, bulkClientKey{}, dnsclient.New(b.evalCfg))
	buf := make([]byte, 0, 160*len(c.items))
	for _, it := range c.items {
		if it.bad != "" {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		v := b.checker.Check(ectx, it.ip)
		c.counts[v.Result]++
		if b.json {
			buf = appendVerdictJSON(buf, it.line, v)
		} else {
			buf = appendVerdictRow(buf, v)
		}
	}
	c.out = buf // text rows are made safe cell by cell
	if b.json {
		c.out = termsafe.JSON(buf)
	}
}

// appendVerdictJSON appends {"line":N, ...the verdict's results entry...}.
func appendVerdictJSON(buf []byte, line int64, v *spf.Verdict) []byte {
	j, err := v.ResultJSON()
	if err != nil || len(j) < 2 {
		return fmt.Appendf(buf, "{\"line\":%d,\"ip\":%q,\"error\":%q}\n", line, v.IP.String(), fmt.Sprint(err))
	}
	buf = fmt.Appendf(buf, "{\"line\":%d,", line)
	buf = append(buf, j[1:]...)
	return append(buf, '\n')
}

// appendVerdictRow appends one row of the text table.
func appendVerdictRow(buf []byte, v *spf.Verdict) []byte {
	helo := string(v.HELOResult)
	if helo == "" || v.HELO == "" {
		helo = "-"
	}
	return fmt.Appendf(buf, "%-40s %-10s %-10s %2d/%-2d    %-4d  %s\n",
		v.IP.String(), v.Result, helo, v.Lookups, spf.LookupLimit, v.VoidLookups, termsafe.String(DecidedBy(v)))
}

// DecidedBy says in words what decided a verdict, for the "Decided by"
// column of mxray spf and the TUI's verdict table: the deciding path and
// term; why evaluation stopped; that the domain has no SPF record; or that
// nothing matched and the default applied.
func DecidedBy(v *spf.Verdict) string {
	switch {
	case v.Matched != nil:
		return strings.Join(v.Matched.Path, " → ") + ": " + v.Matched.Term
	case v.Err != nil:
		return spf.Reason(v.Err)
	case v.Result == spf.None:
		return "no SPF record at " + v.Domain
	case v.Result == spf.Neutral:
		return "no term matched and the record has no \"all\": the default, neutral (RFC 7208 §4.7)"
	}
	return "no term matched"
}
