package kit

import (
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
)

// VerdictStyles colour verdicts by their tone (diag.Tone): the RFC 7208
// results and every check's verdict word (ok is Pass, broken is Fail, a
// warning is SoftFail, a failed lookup TempError).
type VerdictStyles struct {
	Pass, Fail, SoftFail, Neutral, None, TempError Style
}

// Tone returns the style a verdict of that tone is drawn in.
func (v VerdictStyles) Tone(t diag.Tone) Style {
	switch t {
	case diag.TonePass:
		return v.Pass
	case diag.ToneFail:
		return v.Fail
	case diag.ToneWarn:
		return v.SoftFail
	case diag.ToneNeutral:
		return v.Neutral
	case diag.ToneUnknown:
		return v.TempError
	default:
		return v.None
	}
}

// SeverityStyles colour findings.
type SeverityStyles struct {
	Error, Warning, Info Style // one per finding.Severity
}

// For returns the style of a severity.
func (s SeverityStyles) For(sev finding.Severity) Style {
	switch sev {
	case finding.Error:
		return s.Error
	case finding.Warning:
		return s.Warning
	default:
		return s.Info
	}
}

// BoxStyles draw a pane's frame in the two-column layout.
type BoxStyles struct {
	Border, FocusedBorder, Title, FocusedTitle Style // a frame and its title, unfocused and focused
}

// TabStyles draw the tab strip.
type TabStyles struct {
	Active, Inactive, Separator Style // the focused pane's tab, the others, the rule between them
}

// Styles are every look the TUI draws with, named by meaning. They are built
// once per background colour (tea.BackgroundColorMsg) by NewStyles.
type Styles struct {
	Verdict  VerdictStyles  // verdict words and symbols
	Severity SeverityStyles // findings
	Box      BoxStyles      // frames of the two-column layout
	Tab      TabStyles      // the tab strip

	App      Style       // the application name in the header
	Target   Style       // the domain under investigation
	Heading  Style       // a section heading inside a pane
	Label    Style       // the label of a field ("Policy")
	Muted    Style       // secondary text
	Record   Style       // a DNS record's text
	Selected Style       // the row under the cursor
	Path     Style       // the deciding path of an SPF verdict
	Flash    Style       // a one-line notice (copied, exported)
	FlashBad Style       // a one-line notice that something failed
	Error    Style       // an error message under a field
	Prompt   Style       // a text field's prompt
	Input    Style       // a text field's text
	Help     help.Styles // the help bar and the full help
	// TextInput and TextArea draw the text fields and the header editor,
	// for the same background as everything else.
	TextInput textinput.Styles
	TextArea  textarea.Styles
	TooSmall  Style // the "terminal too small" heading
	Highlight Style // the matched term of a verdict
}

// Style is a Lip Gloss style with its escape sequences worked out once:
// rendering one line of text is then two concatenations, which keeps a
// full redraw of a large screen well under two milliseconds. Text with
// line breaks goes through Lip Gloss.
type Style struct {
	lipgloss.Style
	pre, post string
	fast      bool // pre and post were found
}

// styleMark is a private-use character that never appears in drawn text.
const styleMark = "\ue000"

// newStyle wraps a Lip Gloss style.
func newStyle(ls lipgloss.Style) Style {
	st := Style{Style: ls}
	out := ls.Render(styleMark)
	if i := strings.Index(out, styleMark); i >= 0 {
		st.pre, st.post, st.fast = out[:i], out[i+len(styleMark):], true
	}
	return st
}

// Render styles text.
func (s Style) Render(strs ...string) string {
	text := strings.Join(strs, " ")
	switch {
	case text == "":
		return ""
	case !s.fast || strings.ContainsAny(text, "\n\t"):
		return s.Style.Render(text)
	}
	return s.pre + text + s.post
}

// NewStyles builds the styles for a dark or light background. With color
// false (NO_COLOR) only bold, faint, underline and reverse are used.
func NewStyles(dark, useColor bool) Styles {
	ld := lipgloss.LightDark(dark)
	c := func(light, darkHex string) color.Color {
		if !useColor {
			return nil
		}
		return ld(lipgloss.Color(light), lipgloss.Color(darkHex))
	}
	fg := func(col color.Color) lipgloss.Style {
		s := lipgloss.NewStyle()
		if col != nil {
			s = s.Foreground(col)
		}
		return s
	}
	var (
		green   = c("#1A7F37", "#5FD787")
		red     = c("#C62828", "#FF6B6B")
		amber   = c("#9A6700", "#FFB454")
		blue    = c("#0550AE", "#7AA2F7")
		grey    = c("#57606A", "#8B949E")
		magenta = c("#8250DF", "#D2A8FF")
		accent  = c("#0B7285", "#56D4DD")
		plain   = lipgloss.NewStyle()
	)
	// Without colour, what colour told apart is told by weight.
	muted, neutral := fg(grey), fg(blue)
	if !useColor {
		muted, neutral = muted.Faint(true), neutral.Bold(true)
	}
	w := newStyle
	s := Styles{
		Verdict: VerdictStyles{
			Pass:      w(fg(green).Bold(true)),
			Fail:      w(fg(red).Bold(true)),
			SoftFail:  w(fg(amber).Bold(true)),
			Neutral:   w(neutral),
			None:      w(muted),
			TempError: w(fg(magenta)),
		},
		Severity: SeverityStyles{
			Error:   w(fg(red).Bold(true)),
			Warning: w(fg(amber)),
			Info:    w(fg(blue)),
		},
		Box: BoxStyles{
			Border:        w(muted),
			FocusedBorder: w(fg(accent).Bold(true)),
			Title:         w(muted),
			FocusedTitle:  w(fg(accent).Bold(true)),
		},
		Tab: TabStyles{
			Active:    w(fg(accent).Bold(true).Underline(true)),
			Inactive:  w(muted),
			Separator: w(muted),
		},
		App:       w(fg(accent).Bold(true)),
		Target:    w(plain.Bold(true)),
		Heading:   w(fg(accent).Bold(true)),
		Label:     w(muted),
		Muted:     w(muted),
		Record:    w(plain),
		Selected:  w(plain.Reverse(true)),
		Path:      w(fg(accent).Bold(true)),
		Flash:     w(fg(green)),
		FlashBad:  w(fg(red).Bold(true)),
		Error:     w(fg(red)),
		Prompt:    w(fg(accent).Bold(true)),
		Input:     w(plain),
		TooSmall:  w(fg(amber).Bold(true)),
		Highlight: w(fg(green).Bold(true)),
	}
	s.TextInput = textinput.DefaultStyles(dark)
	s.TextInput.Focused.Prompt = s.Prompt.Style
	s.TextInput.Blurred.Prompt = s.Muted.Style
	s.TextInput.Focused.Text = s.Input.Style
	s.TextInput.Cursor.Blink = false // no timers while idle
	s.TextArea = textarea.DefaultStyles(dark)
	s.TextArea.Focused.Text = s.Input.Style
	s.TextArea.Focused.CursorLine = s.Input.Style
	s.TextArea.Focused.LineNumber = s.Muted.Style
	s.TextArea.Focused.CursorLineNumber = s.Muted.Style
	s.TextArea.Focused.Placeholder = s.Muted.Style
	s.TextArea.Cursor.Blink = false
	s.Help = help.DefaultStyles(dark)
	if !useColor {
		s.Help = help.Styles{
			ShortKey:       plain.Bold(true),
			ShortDesc:      plain,
			ShortSeparator: plain.Faint(true),
			Ellipsis:       plain.Faint(true),
			FullKey:        plain.Bold(true),
			FullDesc:       plain,
			FullSeparator:  plain.Faint(true),
		}
	}
	return s
}

// NoColor reports whether the environment asks for no colour: NO_COLOR set
// to a non-empty value (no-color.org).
func NoColor(env []string) bool {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "NO_COLOR="); ok && v != "" {
			return true
		}
	}
	return false
}
