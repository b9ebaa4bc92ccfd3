package dmarcreport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mxray/mxray/diag/dmarcreport/internal/xmlscan"
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

// reportReader reads one XML document token by token.
type reportReader struct {
	ctx  context.Context
	lim  Limits
	sink xmlSink
	sc   *xmlscan.Scanner

	stack    []elem
	target   *[]byte // where character data goes, nil to drop it
	rep      *Report
	emitted  bool
	pubSeen  int
	row      rawRow
	meta     struct{ org, email, id, begin, end, errText, generator []byte }
	pub      struct{ domain, p, sp, np, pct, adkim, aspf, fo, testing, disc []byte }
	seen9990 bool
	hasPct   bool
}

// readXML reads one aggregate report document from r. Rows go to sink as
// they are read. It returns the position of a failure: the caller adds
// the file and member names.
func readXML(ctx context.Context, r io.Reader, lim Limits, rep *Report, sink xmlSink) (line int, offset int64, err error) {
	sc := xmlscan.New(r, xmlscan.Limits{MaxToken: lim.MaxToken, MaxDepth: lim.MaxXMLDepth, MaxAttrs: maxAttrs, Charset: charsetReader})
	rr := &reportReader{ctx: ctx, lim: lim, sink: sink, sc: sc, rep: rep}
	if err = rr.run(); err == nil {
		return 0, 0, nil
	}
	line, offset = sc.Line(), sc.Offset()
	var xe *xmlscan.Error
	if errors.As(err, &xe) {
		line, offset = xe.Line, xe.Offset
		err = fmt.Errorf("%w: %s", kindOf(xe.Err), xe.Msg)
	}
	return line, offset, err
}

// maxAttrs caps the attributes of one element.
const maxAttrs = 64

// kindOf maps the scanner's kinds of failure to this package's.
func kindOf(err error) error {
	switch {
	case errors.Is(err, xmlscan.ErrDTD):
		return ErrDTD
	case errors.Is(err, xmlscan.ErrEntity):
		return ErrEntity
	case errors.Is(err, xmlscan.ErrTooLarge):
		return ErrTooLarge
	case errors.Is(err, xmlscan.ErrTooDeep):
		return ErrTooDeep
	case errors.Is(err, xmlscan.ErrCharset):
		return ErrCharset
	}
	return fmt.Errorf("%w XML", ErrSyntax)
}

// run is the token loop.
func (rr *reportReader) run() error {
	sc := rr.sc
	rootSeen := false
	for {
		k, err := sc.Next()
		if err == io.EOF {
			if !rootSeen {
				return fmt.Errorf("%w: the XML has no root element", ErrNotReport)
			}
			rr.emit()
			return nil
		}
		if err != nil {
			return err
		}
		switch k {
		case xmlscan.StartElement:
			name := sc.Name()
			if len(rr.stack) == 0 && rootSeen {
				return fmt.Errorf("%w XML: a second root element <%s>", ErrSyntax, clip(string(name.Local)))
			}
			e := elemOf(name.Local)
			if len(rr.stack) == 0 {
				rootSeen = true
				if e != eFeedback {
					return fmt.Errorf("%w: the root element is <%s>, not <feedback>", ErrNotReport, clip(string(name.Local)))
				}
				rr.root(name, sc.Attrs())
			}
			rr.start(e)
			rr.stack = append(rr.stack, e)
		case xmlscan.EndElement:
			if err := rr.end(rr.stack[len(rr.stack)-1]); err != nil {
				return err
			}
			rr.stack = rr.stack[:len(rr.stack)-1]
			rr.target = nil
		case xmlscan.Text:
			t := sc.Text()
			if rr.target != nil {
				if len(*rr.target)+len(t) > rr.lim.MaxToken {
					return fmt.Errorf("%w: element text over %s", ErrTooLarge, sizeText(int64(rr.lim.MaxToken)))
				}
				*rr.target = append(*rr.target, t...)
			} else if len(rr.stack) == 0 && len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("%w XML: text outside the root element", ErrSyntax)
			}
		}
	}
}

// root records the root's namespace: xmlns="..." for the default
// namespace, xmlns:p="..." for the root's own prefix.
func (rr *reportReader) root(name xmlscan.Name, attrs []xmlscan.Attr) {
	for _, a := range attrs {
		n := a.Name
		if (len(n.Prefix) == 0 && string(n.Local) == "xmlns" && len(name.Prefix) == 0) ||
			(string(n.Prefix) == "xmlns" && len(name.Prefix) > 0 && bytes.Equal(n.Local, name.Prefix)) {
			rr.rep.Namespace = strings.TrimSpace(string(a.Value))
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

// line is the line of the current token.
func (rr *reportReader) line() int { return rr.sc.Line() }

func (rr *reportReader) problem(code string, line int, msg string) {
	if len(rr.rep.Problems) < rr.lim.MaxErrors {
		rr.rep.Problems = append(rr.rep.Problems, Problem{Code: code, Line: line, Message: msg})
	}
}

// emit fills the report's metadata and hands it to the sink, once: at the
// first record, or at the end of a report without records.
func (rr *reportReader) emit() {
	if rr.emitted {
		return
	}
	rr.emitted = true
	fillReport(rr.rep, rr)
	rr.sink.report(rr.rep)
}

// clip shortens raw text for an error message.
func clip(s string) string {
	const n = 64
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
