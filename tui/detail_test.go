package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/tui/kit"
)

// loadingWords are what ends in "…" while something runs: not a value
// cut short.
var loadingWords = []string{"Looking up", "checking", "evaluating", "computing", "Waiting for", "Collecting", "Reading"}

// TestEveryCutValueOpens: in every pane, at 60x20, 80x24 and 120x40, on
// the demo's domains, its sample message, two real messages, its DMARC
// reports, an SPF verdict table and the SMTP probe of the demo's mail
// servers, every value drawn cut with "…" can
// be read whole: in the focused item's detail (v) or, in a pane that
// scrolls or shows the selected item underneath, on a line where it is
// not cut. The cursor walks every row of each pane. Before the detail
// view, DKIM p= values, DNS names, Decided by cells, DMARC tag values and
// the findings' messages had no way to be read at these sizes.
func TestEveryCutValueOpens(t *testing.T) {
	srv := blocklistDemo(t)
	type scenario struct {
		name string
		open func(w, h int) *driver
	}
	scenarios := []scenario{
		{"broken.example", func(w, h int) *driver { return openIdle(t, demoConfig(srv, "broken.example", true), w, h) }},
		{"reports", func(w, h int) *driver { return openReports(t, srv, w, h) }},
		{"spf-table", func(w, h int) *driver { return openSPFTable(t, srv, w, h) }},
		{"smtp-probed", func(w, h int) *driver {
			return openIdle(t, withDemoSMTP(t, srv, demoConfig(srv, "broken.example", true)), w, h)
		}},
	}
	for _, s := range headerSamples(t) {
		scenarios = append(scenarios, scenario{s.name, func(w, h int) *driver {
			return openIdle(t, withMessage(t, demoConfig(srv, "", true), s.raw, s.name), w, h)
		}})
	}
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		for _, sc := range scenarios {
			d := sc.open(size[0], size[1])
			for _, p := range d.m.panes {
				t.Run(fmt.Sprintf("%s/%s/%dx%d", sc.name, p.ID(), size[0], size[1]), func(t *testing.T) {
					checkCutValues(t, d, p.ID())
				})
			}
		}
	}
}

// openSPFTable opens broken.example on the demo with four addresses in
// the SPF pane's IP field: their verdict table.
func openSPFTable(t *testing.T, srv *zoneserver.Server, w, h int) *driver {
	t.Helper()
	d := openIdle(t, demoConfig(srv, "broken.example", true), w, h)
	d.focusPane(finding.PartSPF)
	d.key("i")
	d.typeText("198.51.100.200, 192.0.2.1 198.51.100.10 2001:db8::1")
	d.key("enter")
	d.idle()
	return d
}

// checkCutValues walks the pane's rows (j from the top, up to 40) and
// fails for a value cut with "…" that no detail and no uncut line holds.
func checkCutValues(t *testing.T, d *driver, id finding.Part) {
	t.Helper()
	d.m.setFocus(d.m.indexOf(id))
	if d.m.editing() {
		return
	}
	d.key("g")
	var cut []string
	var corpus strings.Builder
	prev := ""
	for range 40 {
		if !d.m.quiet() {
			d.idle()
		}
		view := ansi.Strip(d.m.pane(id).View())
		for line := range strings.SplitSeq(view, "\n") {
			if i := strings.Index(line, "…"); i >= 0 && !loading(line[:i]) {
				cut = append(cut, line[:i])
				continue
			}
			corpus.WriteString(line + " ")
		}
		if det, ok := d.m.focused().(kit.Detailer); ok {
			if dt, ok := det.Detail(); ok {
				corpus.WriteString(dt.Text() + " ")
			}
		}
		if view == prev {
			break
		}
		prev = view
		d.key("j")
	}
	text := " " + strings.ToLower(strings.Join(strings.Fields(corpus.String()), " "))
	for _, c := range cut {
		if !readable(strings.ToLower(c), text) {
			t.Errorf("cut and nowhere whole: %q…", c)
		}
	}
}

// loading reports whether text before "…" is a loading state.
func loading(s string) bool {
	for _, w := range loadingWords {
		if strings.HasSuffix(strings.TrimSpace(s), w) {
			return true
		}
	}
	return false
}

// readable reports whether the value cut at the end of before can be read
// whole in text: its last word (the one cut), with the words before it in
// the same cell when there are any, continues there.
func readable(before, text string) bool {
	words := strings.Fields(strings.TrimPrefix(strings.TrimSpace(before), "›"))
	if len(words) == 0 || strings.Trim(words[len(words)-1], "─·") == "" {
		return true // a rule or a separator, not a value
	}
	// Cut after a whole word: that word need not go on.
	whole := strings.HasSuffix(before, " ")
	for n := min(3, len(words)); n >= 1; n-- {
		frag := strings.Join(words[len(words)-n:], " ")
		for i := 0; ; {
			j := strings.Index(text[i:], frag)
			if j < 0 {
				break
			}
			end := i + j + len(frag)
			if whole || n > 1 || len(frag) >= 8 || end < len(text) && text[end] != ' ' {
				return true // the word goes on: it is whole there
			}
			i = end
		}
	}
	return false
}
