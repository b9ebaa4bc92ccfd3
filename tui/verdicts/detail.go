package verdicts

import (
	"github.com/mxray/mxray/headers/filters"
	"github.com/mxray/mxray/tui/kit"
)

// Detail is the item under the cursor whole, for the root's detail view:
// the why, a verdict with who wrote it, or a signal with its raw value and
// meaning, none of it cut. Values are raw: the view sanitises them.
func (p *Pane) Detail() (kit.Detail, bool) {
	it, ok := p.current()
	if !ok {
		return kit.Detail{}, false
	}
	switch it.kind {
	case verdictItem:
		v := p.report.Verdicts[it.verdict]
		d := kit.Detail{Title: "Filter verdict: " + v.Filter.Name()}
		d.Add(kit.Para(filters.VerdictLine(v)), kit.RecordField("Read from", filters.FieldLine(v)), kit.Field("Summary", v.Summary),
			kit.Field("Trust", trustWords(v)), kit.Note(v.Note))
		return d, true
	case signalItem:
		v := p.report.Verdicts[it.verdict]
		s := v.Signals[it.signal]
		d := kit.Detail{Title: "Signal: " + s.Name}
		d.Add(kit.Field("Filter", v.Filter.Name()), kit.Field("Field", s.Field), kit.RecordField("Raw", rawText(s)), kit.Para(s.Meaning))
		switch {
		case s.Guess:
			d.Add(kit.Note("[guess] a widely reported reading: " + v.Filter.Name() + " does not document it"))
		case s.Undocumented:
			d.Add(kit.Note("[undocumented] " + v.Filter.Name() + " publishes no meaning for this value"))
		}
		return d, true
	}
	d := kit.Detail{Title: "Filter verdicts: why"}
	d.Add(kit.Para(p.report.Why), kit.Note(p.report.Forwarding.Explanation))
	return d, true
}
