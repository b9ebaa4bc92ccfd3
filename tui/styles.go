package tui

import (
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/spf"
)

// VerdictStyles colour the RFC 7208 results, and by extension every check's
// verdict word (ok is Pass, broken is Fail, a warning is SoftFail).
type VerdictStyles struct {
	Pass, Fail, SoftFail, Neutral, None, TempError, PermError lipgloss.Style
}

// For returns the style of an SPF result.
func (v VerdictStyles) For(r spf.Result) lipgloss.Style {
	switch r {
	case spf.Pass:
		return v.Pass
	case spf.Fail:
		return v.Fail
	case spf.SoftFail:
		return v.SoftFail
	case spf.Neutral:
		return v.Neutral
	case spf.TempError:
		return v.TempError
	case spf.PermError:
		return v.PermError
	default:
		return v.None
	}
}

// SeverityStyles colour findings.
type SeverityStyles struct {
	Error, Warning, Info lipgloss.Style
}

// For returns the style of a severity.
func (s SeverityStyles) For(sev finding.Severity) lipgloss.Style {
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
	Border, FocusedBorder, Title, FocusedTitle lipgloss.Style
}

// TabStyles draw the tab strip.
type TabStyles struct {
	Active, Inactive, Separator lipgloss.Style
}

// Styles are every look the TUI draws with, named by meaning. They are built
// once per background colour (tea.BackgroundColorMsg) by NewStyles.
type Styles struct {
	Verdict  VerdictStyles
	Severity SeverityStyles
	Box      BoxStyles
	Tab      TabStyles

	App       lipgloss.Style // the application name in the header
	Target    lipgloss.Style // the domain under investigation
	Heading   lipgloss.Style // a section heading inside a pane
	Label     lipgloss.Style // the label of a field ("Policy")
	Muted     lipgloss.Style // secondary text
	Record    lipgloss.Style // a DNS record's text
	Selected  lipgloss.Style // the row under the cursor
	Path      lipgloss.Style // the deciding path of an SPF verdict
	Flash     lipgloss.Style // a one-line notice (copied, exported)
	FlashBad  lipgloss.Style // a one-line notice that something failed
	Error     lipgloss.Style // an error message under a field
	Prompt    lipgloss.Style // a text field's prompt
	Input     lipgloss.Style // a text field's text
	Help      help.Styles
	TooSmall  lipgloss.Style
	Highlight lipgloss.Style // the matched term of a verdict
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
	)
	s := Styles{
		Verdict: VerdictStyles{
			Pass:      fg(green).Bold(true),
			Fail:      fg(red).Bold(true),
			SoftFail:  fg(amber).Bold(true),
			Neutral:   fg(blue),
			None:      fg(grey),
			TempError: fg(magenta),
			PermError: fg(red).Bold(true),
		},
		Severity: SeverityStyles{
			Error:   fg(red).Bold(true),
			Warning: fg(amber),
			Info:    fg(blue),
		},
		Box: BoxStyles{
			Border:        fg(grey),
			FocusedBorder: fg(accent).Bold(true),
			Title:         fg(grey),
			FocusedTitle:  fg(accent).Bold(true),
		},
		Tab: TabStyles{
			Active:    fg(accent).Bold(true).Underline(true),
			Inactive:  fg(grey),
			Separator: fg(grey),
		},
		App:       fg(accent).Bold(true),
		Target:    lipgloss.NewStyle().Bold(true),
		Heading:   fg(accent).Bold(true),
		Label:     fg(grey),
		Muted:     fg(grey),
		Record:    lipgloss.NewStyle(),
		Selected:  lipgloss.NewStyle().Reverse(true),
		Path:      fg(accent).Bold(true),
		Flash:     fg(green),
		FlashBad:  fg(red).Bold(true),
		Error:     fg(red),
		Prompt:    fg(accent).Bold(true),
		Input:     lipgloss.NewStyle(),
		TooSmall:  fg(amber).Bold(true),
		Highlight: fg(green).Bold(true),
	}
	if !useColor {
		s.Verdict.Neutral = s.Verdict.Neutral.Bold(true)
		s.Muted = s.Muted.Faint(true)
		s.Label = s.Label.Faint(true)
		s.Box.Border = s.Box.Border.Faint(true)
		s.Box.Title = s.Box.Title.Faint(true)
	}
	s.Help = help.DefaultStyles(dark)
	if !useColor {
		s.Help = help.Styles{
			ShortKey:       lipgloss.NewStyle().Bold(true),
			ShortDesc:      lipgloss.NewStyle(),
			ShortSeparator: lipgloss.NewStyle().Faint(true),
			Ellipsis:       lipgloss.NewStyle().Faint(true),
			FullKey:        lipgloss.NewStyle().Bold(true),
			FullDesc:       lipgloss.NewStyle(),
			FullSeparator:  lipgloss.NewStyle().Faint(true),
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
