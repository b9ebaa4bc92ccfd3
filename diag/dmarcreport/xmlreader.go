package dmarcreport

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// rawRow is one <record> as read, before any interpretation. Its buffers
// are reused from record to record.
type rawRow struct {
	line         int
	sourceIP     []byte
	count        []byte
	disposition  []byte
	dkim, spf    []byte // policy_evaluated
	reasons      []rawReason
	headerFrom   []byte
	envelopeFrom []byte
	hasEnvFrom   bool
	dkimRes      []rawAuth
	spfRes       []rawAuth
	tooMany      bool // more auth results or reasons than kept
}

type rawReason struct{ typ, comment []byte }

// rawAuth is one auth_results/dkim or auth_results/spf.
type rawAuth struct {
	domain, selector, scope, result []byte
}

// maxPerRow caps the auth results and reasons kept for one record.
const maxPerRow = 32

func (r *rawRow) reset(line int) {
	r.line = line
	r.sourceIP, r.count, r.disposition = r.sourceIP[:0], r.count[:0], r.disposition[:0]
	r.dkim, r.spf = r.dkim[:0], r.spf[:0]
	r.reasons = r.reasons[:0]
	r.headerFrom, r.envelopeFrom, r.hasEnvFrom = r.headerFrom[:0], r.envelopeFrom[:0], false
	r.dkimRes, r.spfRes = r.dkimRes[:0], r.spfRes[:0]
	r.tooMany = false
}

// nextAuth extends list by one reset entry, reusing its buffers.
func nextAuth(list []rawAuth) ([]rawAuth, *rawAuth) {
	if len(list) < cap(list) {
		list = list[:len(list)+1]
		a := &list[len(list)-1]
		a.domain, a.selector, a.scope, a.result = a.domain[:0], a.selector[:0], a.scope[:0], a.result[:0]
		return list, a
	}
	list = append(list, rawAuth{})
	return list, &list[len(list)-1]
}

// xmlSink receives what the reader finds.
type xmlSink interface {
	// report is called once per document, before its first row (or at its
	// end when it has none).
	report(rep *Report)
	// row is called for every record.
	row(rep *Report, r *rawRow)
}

// reportReader decodes one XML document token by token.
type reportReader struct {
	ctx   context.Context
	lim   Limits
	sink  xmlSink
	dec   *xml.Decoder
	guard *markupGuard

	stack    []elem
	names    []xml.Name
	target   *[]byte // where character data goes, nil to drop it
	rep      *Report
	emitted  bool
	pubSeen  int
	row      rawRow
	meta     struct{ org, email, id, begin, end, errText, generator []byte }
	pub      struct{ domain, p, sp, np, pct, adkim, aspf, fo, testing, disc []byte }
	seen9990 bool
	hasPct   bool

	// skeleton: this reader sees the document without its records (the
	// splitter's skeleton) and emits the report at the marker. worker: it
	// sees a batch of records only, under a synthetic root, for a report
	// whose metadata another reader has; lineBase maps its lines back.
	skeleton, worker bool
	lineBase         int
	onSync           func(int64) // the skeleton reached a sync point
	onFill           func()      // the skeleton has the report's metadata
	filled           bool
	sawRecord        bool // a top-level record's start tag was read
}

// readXML reads one aggregate report document from r. Rows go to sink as
// they are read. It returns a *FileError-ready error with the position:
// the caller adds the file and member names.
func readXML(ctx context.Context, r io.Reader, lim Limits, rep *Report, sink xmlSink) (line, col int, offset int64, err error) {
	return newReportReader(ctx, r, lim, rep, sink).read()
}

// newReportReader sets up the decoder for one document.
func newReportReader(ctx context.Context, r io.Reader, lim Limits, rep *Report, sink xmlSink) *reportReader {
	g := &markupGuard{r: r, max: int64(lim.MaxToken)}
	d := xml.NewDecoder(bufio.NewReaderSize(g, 64<<10))
	d.Strict = true
	d.CharsetReader = charsetReader
	return &reportReader{ctx: ctx, lim: lim, sink: sink, dec: d, rep: rep, guard: g}
}

// read runs the reader and places its error.
func (rr *reportReader) read() (line, col int, offset int64, err error) {
	d, g := rr.dec, rr.guard
	err = rr.run()
	if err != nil {
		line, col = d.InputPos()
		offset = d.InputOffset()
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			line, col = se.Line, 0
			msg := se.Msg
			if strings.Contains(msg, "invalid character entity") {
				err = fmt.Errorf("%w: %s", ErrEntity, msg)
			} else {
				err = fmt.Errorf("%w XML: %s", ErrSyntax, msg)
			}
		} else if re := (*readError)(nil); !errors.As(err, &re) && !known(err) {
			// encoding/xml's other failures (an XML declaration it does
			// not accept, a read error) are malformed input too.
			err = fmt.Errorf("%w XML: %v", ErrSyntax, err)
		}
		if g.err != nil && errors.Is(err, g.err) {
			offset = g.errAt
		}
		line += rr.lineBase
	}
	return line, col, offset, err
}

// run is the token loop.
func (rr *reportReader) run() error {
	rootSeen := false
	for {
		tok, err := rr.dec.RawToken()
		if err == io.EOF {
			if !rootSeen {
				return fmt.Errorf("%w: the XML has no root element", ErrNotReport)
			}
			if len(rr.stack) > 0 {
				return fmt.Errorf("%w XML: the document ends inside <%s>", ErrSyntax, clip(rr.names[len(rr.names)-1].Local))
			}
			rr.flush()
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(rr.stack) == 0 && rootSeen {
				return fmt.Errorf("%w XML: a second root element <%s>", ErrSyntax, clip(t.Name.Local))
			}
			if err := rr.checkNames(t); err != nil {
				return err
			}
			if len(rr.stack) >= rr.lim.MaxXMLDepth {
				return fmt.Errorf("%w: XML elements nested deeper than %d", ErrTooDeep, rr.lim.MaxXMLDepth)
			}
			e := elemOf(t.Name.Local)
			if len(rr.stack) == 0 {
				rootSeen = true
				if e != eFeedback {
					return fmt.Errorf("%w: the root element is <%s>, not <feedback>", ErrNotReport, clip(t.Name.Local))
				}
				rr.root(t)
			}
			rr.start(e)
			rr.stack = append(rr.stack, e)
			rr.names = append(rr.names, t.Name)
		case xml.EndElement:
			if len(rr.stack) == 0 {
				return fmt.Errorf("%w XML: unexpected </%s>", ErrSyntax, clip(t.Name.Local))
			}
			e, open := rr.stack[len(rr.stack)-1], rr.names[len(rr.names)-1]
			if t.Name != open {
				return fmt.Errorf("%w XML: </%s> does not close <%s>", ErrSyntax, clip(t.Name.Local), clip(open.Local))
			}
			if err := rr.end(e); err != nil {
				return err
			}
			rr.stack = rr.stack[:len(rr.stack)-1]
			rr.names = rr.names[:len(rr.names)-1]
			rr.target = nil
		case xml.CharData:
			if rr.target != nil {
				if len(*rr.target)+len(t) > rr.lim.MaxToken {
					return fmt.Errorf("%w: element text over %s", ErrTooLarge, sizeText(int64(rr.lim.MaxToken)))
				}
				*rr.target = append(*rr.target, t...)
			} else if len(t) > rr.lim.MaxToken {
				return fmt.Errorf("%w: text over %s", ErrTooLarge, sizeText(int64(rr.lim.MaxToken)))
			} else if len(rr.stack) == 0 && len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("%w XML: text outside the root element", ErrSyntax)
			}
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(t), []byte("DOCTYPE")) || bytes.HasPrefix(bytes.TrimSpace(t), []byte("doctype")) {
				return ErrDTD
			}
			return fmt.Errorf("%w XML: a <!%s> declaration", ErrSyntax, clip(string(firstWord(t))))
		case xml.Comment:
			if len(t) > rr.lim.MaxToken {
				return fmt.Errorf("%w: comment over %s", ErrTooLarge, sizeText(int64(rr.lim.MaxToken)))
			}
		case xml.ProcInst:
			// The XML declaration's encoding is handled by CharsetReader. The
			// splitter marks where the records were taken out of the
			// skeleton it hands this reader in parallel mode.
			if rr.skeleton {
				switch t.Target {
				case recordsMarker:
					rr.fill()
				case linesMarker:
					n, _ := strconv.Atoi(string(t.Inst))
					rr.lineBase += n
				case syncMarker:
					if n, err := strconv.ParseInt(string(t.Inst), 10, 64); err == nil && rr.onSync != nil {
						rr.onSync(n)
					}
				}
			}
		}
	}
}

// checkNames bounds element and attribute names and values.
func (rr *reportReader) checkNames(t xml.StartElement) error {
	if len(t.Name.Local)+len(t.Name.Space) > rr.lim.MaxToken {
		return fmt.Errorf("%w: element name over %s", ErrTooLarge, sizeText(int64(rr.lim.MaxToken)))
	}
	if len(t.Attr) > 64 {
		return fmt.Errorf("%w: <%s> has %d attributes", ErrTooLarge, clip(t.Name.Local), len(t.Attr))
	}
	for _, a := range t.Attr {
		if len(a.Value) > rr.lim.MaxToken {
			return fmt.Errorf("%w: attribute %s over %s", ErrTooLarge, clip(a.Name.Local), sizeText(int64(rr.lim.MaxToken)))
		}
	}
	return nil
}

// root records the root's namespace.
func (rr *reportReader) root(t xml.StartElement) {
	for _, a := range t.Attr {
		// xmlns="..." for the default namespace, xmlns:p="..." for the
		// root's own prefix.
		if (a.Name.Space == "" && a.Name.Local == "xmlns" && t.Name.Space == "") ||
			(a.Name.Space == "xmlns" && a.Name.Local == t.Name.Space && t.Name.Space != "") {
			rr.rep.Namespace = strings.TrimSpace(a.Value)
		}
	}
}

// parent returns the code of the element enclosing the one being started
// or ended at depth up (1 = parent).
func (rr *reportReader) at(up int) elem {
	if i := len(rr.stack) - up; i >= 0 && i < len(rr.stack) {
		return rr.stack[i]
	}
	return eOther
}

// start picks where the new element's text goes, and opens records,
// reasons and auth results. The new element is not yet on the stack.
func (rr *reportReader) start(e elem) {
	rr.target = nil
	parent, grand := rr.at(1), rr.at(2)
	r := &rr.row
	switch parent {
	case eFeedback:
		switch e {
		case eRecord:
			rr.sawRecord = true
			rr.emit()
			r.reset(rr.line())
		case ePolicyPublished:
			rr.pubSeen++
			if rr.pubSeen > 1 {
				rr.problem("report.policy_published_repeated", rr.line(), "policy_published appears more than once; the first one is used")
			}
		}
	case eReportMetadata:
		m := &rr.meta
		switch e {
		case eOrgName:
			rr.target = &m.org
		case eEmail:
			rr.target = &m.email
		case eReportID:
			rr.target = &m.id
		case eGenerator:
			rr.target = &m.generator
			rr.seen9990 = true
		case eError:
			m.errText = m.errText[:0]
			rr.target = &m.errText
		}
	case eDateRange:
		if grand == eReportMetadata {
			switch e {
			case eBegin:
				rr.target = &rr.meta.begin
			case eEnd:
				rr.target = &rr.meta.end
			}
		}
	case ePolicyPublished:
		if rr.pubSeen > 1 {
			return
		}
		rr.target = rr.pubTarget(e)
	case eRow:
		switch e {
		case eSourceIP:
			rr.target = &r.sourceIP
		case eCount:
			rr.target = &r.count
		}
	case ePolicyEvaluated:
		switch e {
		case eDisposition:
			rr.target = &r.disposition
		case eDKIM:
			rr.target = &r.dkim
		case eSPF:
			rr.target = &r.spf
		case eReason:
			if len(r.reasons) >= maxPerRow {
				r.tooMany = true
				return
			}
			r.reasons = append(r.reasons, rawReason{})
		}
	case eReason:
		if grand == ePolicyEvaluated && len(r.reasons) > 0 && !r.tooMany {
			last := &r.reasons[len(r.reasons)-1]
			switch e {
			case eType:
				rr.target = &last.typ
			case eComment:
				rr.target = &last.comment
			}
		}
	case eIdentifiers:
		switch e {
		case eHeaderFrom:
			rr.target = &r.headerFrom
		case eEnvelopeFrom:
			r.hasEnvFrom = true
			rr.target = &r.envelopeFrom
		}
	case eAuthResults:
		switch e {
		case eDKIM:
			if len(r.dkimRes) >= maxPerRow {
				r.tooMany = true
				return
			}
			r.dkimRes, _ = nextAuth(r.dkimRes)
		case eSPF:
			if len(r.spfRes) >= maxPerRow {
				r.tooMany = true
				return
			}
			r.spfRes, _ = nextAuth(r.spfRes)
		}
	case eDKIM, eSPF:
		if grand != eAuthResults {
			return
		}
		list := r.dkimRes
		if parent == eSPF {
			list = r.spfRes
		}
		if len(list) == 0 || r.tooMany && len(list) >= maxPerRow {
			return
		}
		a := &list[len(list)-1]
		switch e {
		case eDomain:
			rr.target = &a.domain
		case eSelector:
			rr.target = &a.selector
		case eScope:
			rr.target = &a.scope
		case eResult:
			rr.target = &a.result
		}
	}
}

// pubTarget is where the text of a policy_published child goes.
func (rr *reportReader) pubTarget(e elem) *[]byte {
	p := &rr.pub
	switch e {
	case eDomain:
		return &p.domain
	case eP:
		return &p.p
	case eSP:
		return &p.sp
	case eNP:
		rr.seen9990 = true
		return &p.np
	case ePct:
		rr.hasPct = true
		return &p.pct
	case eADKIM:
		return &p.adkim
	case eASPF:
		return &p.aspf
	case eFO:
		return &p.fo
	case eTesting:
		rr.seen9990 = true
		return &p.testing
	case eDiscoveryMethod:
		rr.seen9990 = true
		return &p.disc
	}
	return nil
}

// end closes records and keeps repeated metadata elements.
func (rr *reportReader) end(e elem) error {
	switch {
	case e == eRecord && rr.at(2) == eFeedback:
		rr.rep.Rows++
		rr.sink.row(rr.rep, &rr.row)
		if rr.rep.Rows%4096 == 0 {
			if err := rr.ctx.Err(); err != nil {
				return err
			}
		}
	case e == eError && rr.at(2) == eReportMetadata:
		if t := strings.TrimSpace(string(rr.meta.errText)); t != "" && len(rr.rep.Errors) < 16 {
			rr.rep.Errors = append(rr.rep.Errors, t)
		}
	}
	return nil
}

// line is the decoder's current line in the document.
func (rr *reportReader) line() int {
	l, _ := rr.dec.InputPos()
	return l + rr.lineBase
}

func (rr *reportReader) problem(code string, line int, msg string) {
	if len(rr.rep.Problems) < rr.lim.MaxErrors {
		rr.rep.Problems = append(rr.rep.Problems, Problem{Code: code, Line: line, Message: msg})
	}
}

// emit fills the report's metadata and hands it to the sink, once.
func (rr *reportReader) emit() {
	rr.fill()
	if rr.emitted || rr.worker {
		return
	}
	rr.emitted = true
	rr.sink.report(rr.rep)
}

// fill reads the metadata into the report, once. In skeleton mode it
// happens at the records marker, and says so (onFill); the report is
// handed to the sink when the first record's start tag is read, as one
// reader does it.
func (rr *reportReader) fill() {
	if rr.filled || rr.worker {
		return
	}
	rr.filled = true
	fillReport(rr.rep, rr)
	if rr.onFill != nil {
		rr.onFill()
	}
}

// flush is called at the end of a document read without error. The
// skeleton leaves it to readXMLParallel, which knows whether a batch
// failed.
func (rr *reportReader) flush() {
	if rr.skeleton {
		rr.fill()
		return
	}
	rr.emit()
}

// known reports whether err is already one of this package's kinds or the
// context's.
func known(err error) bool {
	for _, k := range []error{ErrUnknownFormat, ErrNotReport, ErrDTD, ErrEntity, ErrBomb, ErrTooLarge, ErrTooMany, ErrTooDeep,
		ErrSyntax, ErrCharset, context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// firstWord returns the first space-separated word of b.
func firstWord(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if i := bytes.IndexAny(b, " \t\r\n"); i >= 0 {
		return b[:i]
	}
	return b
}

// clip shortens raw text for an error message.
func clip(s string) string {
	const n = 64
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
