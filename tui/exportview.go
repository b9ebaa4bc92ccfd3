package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/termsafe"
	"github.com/mxray/mxray/tui/kit"
)

// MaxClipboardBytes caps what y copies: OSC 52 carries the text
// base64-encoded in one escape sequence, and terminals (and tmux, screen)
// drop sequences much longer than this. Longer text is refused with a
// message, never cut short.
const MaxClipboardBytes = 100_000

// Auditor hears what the user does in the workbench: mxray serve writes it
// to its audit log. It is never given the content of headers, reports or
// copied text, only their sizes. Calls come from the program's goroutine
// and must not block long.
type Auditor interface {
	// TargetChecked: an investigation of target (a domain, an address,
	// "IP DOMAIN", as the user typed it) started, or was re-run.
	TargetChecked(target string)
	// HeadersPasted: a message header of size bytes was given and read,
	// with its From domain ("" when it has none or could not be read).
	HeadersPasted(size int, fromDomain string)
	// Copied: size bytes were copied to the user's clipboard; what is the
	// focused pane's part ("spf", "findings", ...) or "report".
	Copied(what string, size int)
	// Exported: the Markdown report, size bytes, was exported (shown in
	// the report view under Config.ExportToView).
	Exported(size int)
}

// reportView is the Markdown report shown in the session instead of a file
// (Config.ExportToView): scrolled with the navigation keys, copied with y,
// closed with esc or e. Nothing is written to disk.
type reportView struct {
	title  string   // what the report is of
	text   string   // the Markdown, sanitised
	lines  []string // text wrapped to the width
	width  int
	scroll kit.Scroller
}

// newReportView shows md, the report of name.
func newReportView(name, md string) *reportView {
	return &reportView{title: kit.Safe(name), text: termsafe.Lines(md)}
}

// setSize wraps the text for w cells and h lines, keeping the place.
func (v *reportView) setSize(w, h int) {
	if w != v.width {
		v.width = w
		v.lines = v.lines[:0]
		for l := range strings.SplitSeq(v.text, "\n") {
			if l == "" {
				v.lines = append(v.lines, "")
				continue
			}
			// A wrapped line keeps its indentation (nested list items).
			indent := min(len(l)-len(strings.TrimLeft(l, " ")), w/2)
			v.lines = append(v.lines, kit.WrapIndent(l, max(indent+1, w-2), indent)...)
		}
	}
	v.scroll.SetHeight(max(1, h-1))
	v.scroll.SetLen(len(v.lines))
}

// view draws the heading and the lines that show.
func (v *reportView) view(st kit.Styles, g kit.Glyphs) string {
	head := " " + st.Heading.Render("Report of "+v.title) + st.Muted.Render(fmt.Sprintf(" %s Markdown, %s %s %d%% shown",
		g.Dot, kit.Plural(len(v.text), "byte", "bytes"), g.Dot, v.percent()))
	out := []string{head}
	for _, l := range v.scroll.Window(v.lines) {
		out = append(out, " "+l)
	}
	return strings.Join(out, "\n")
}

// percent is how far down the text the last line shown is.
func (v *reportView) percent() int {
	if len(v.lines) == 0 {
		return 100
	}
	return 100 * (v.scroll.Offset() + len(v.scroll.Window(v.lines))) / len(v.lines)
}

// help lists the report view's keys.
func (v *reportView) help(k kit.KeyMap) []key.Binding {
	return []key.Binding{kit.WithHelp(k.Down, "scroll"), kit.WithHelp(k.Copy, "copy report"), kit.WithHelp(k.Back, "close")}
}

// showReport renders the run's report as Markdown and opens the view on it.
func (m *Model) showReport(run *runInfo) tea.Cmd {
	docs := reportDocs(run)
	m.stamp(run, docs[len(docs)-1])
	md, err := markdownOf(docs, render.Options{ASCII: m.ascii})
	if err != nil {
		m.setFlash("Report failed: "+termsafe.Error(err), true)
		return nil
	}
	name := run.target.Domain
	if run.hdr != nil {
		name = messageName(run.hdr.msg)
	}
	m.report = newReportView(name, string(md))
	m.report.setSize(m.lay.width, m.lay.body.h)
	if m.cfg.Audit != nil {
		m.cfg.Audit.Exported(len(md))
	}
	return nil
}

// reportKey handles a key while the report view is open.
func (m *Model) reportKey(k tea.KeyPressMsg) tea.Cmd {
	keys := m.com.Keys
	switch {
	case key.Matches(k, keys.Back), key.Matches(k, keys.Export):
		m.report = nil
	case key.Matches(k, keys.Quit):
		return m.quit()
	case key.Matches(k, keys.Copy):
		return m.copyText("report", m.report.text)
	default:
		m.report.scroll.HandleKey(k, keys)
	}
	return nil
}

// copyText puts text on the user's clipboard with OSC 52, if it is not
// over MaxClipboardBytes, and tells the Auditor.
func (m *Model) copyText(what, text string) tea.Cmd {
	if len(text) > MaxClipboardBytes {
		m.setFlash(fmt.Sprintf("Too long to copy (%d bytes; terminals take %d through OSC 52): select it on screen instead", len(text), MaxClipboardBytes), true)
		return nil
	}
	if m.cfg.Audit != nil {
		m.cfg.Audit.Copied(what, len(text))
	}
	m.setFlash("Copied "+kit.Plural(len([]rune(text)), "character", "characters")+" (OSC 52)", false)
	return tea.SetClipboard(text)
}
