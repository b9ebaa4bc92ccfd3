package kit

import (
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
)

// Glyphs are the symbols the TUI draws: Unicode by default, ASCII when the
// locale is not UTF-8 or --ascii is given. Every symbol stands beside a word,
// so meaning never rests on the symbol (or its colour) alone.
type Glyphs struct {
	Pass, Fail, Warn, Info, Unknown string // verdict symbols
	Dot                             string // separator between facts
	Arrow                           string // a step along a path
	Marker                          string // marks the deciding path
	Ellipsis                        string // ends truncated text
	Expanded, Collapsed, Leaf       string // tree node states
	Branch, Last, Pipe, Blank       string // tree drawing
	Focus                           string // marks the focused pane and tab
	Cursor                          string // marks the selected row
	Rule                            string // a horizontal line
	// Box corners and sides.
	TopLeft, TopRight, BottomLeft, BottomRight, Horizontal, Vertical string
	// Spinner frames.
	Spinner []string
}

// Tone is the symbol of a verdict of that tone: pass, fail, warn, unknown,
// a dot for nothing to judge and for neutral.
func (g Glyphs) Tone(t diag.Tone) string {
	switch t {
	case diag.TonePass:
		return g.Pass
	case diag.ToneFail:
		return g.Fail
	case diag.ToneWarn:
		return g.Warn
	case diag.ToneUnknown, diag.ToneNotFound:
		return g.Unknown
	}
	return g.Dot
}

// Severity is the symbol of a finding's severity.
func (g Glyphs) Severity(sev finding.Severity) string {
	switch sev {
	case finding.Error:
		return g.Fail
	case finding.Warning:
		return g.Warn
	}
	return g.Info
}

// UnicodeGlyphs returns the Unicode glyphs.
func UnicodeGlyphs() Glyphs {
	return Glyphs{
		Pass: "✓", Fail: "✗", Warn: "!", Info: "i", Unknown: "?",
		Dot: "·", Arrow: "→", Marker: "◀", Ellipsis: "…",
		Expanded: "▾", Collapsed: "▸", Leaf: " ",
		Branch: "├─ ", Last: "└─ ", Pipe: "│  ", Blank: "   ",
		Focus: "▸", Cursor: "›", Rule: "─",
		TopLeft: "╭", TopRight: "╮", BottomLeft: "╰", BottomRight: "╯", Horizontal: "─", Vertical: "│",
		Spinner: []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"},
	}
}

// ASCIIGlyphs returns glyphs drawn with printable ASCII only.
func ASCIIGlyphs() Glyphs {
	return Glyphs{
		Pass: "+", Fail: "x", Warn: "!", Info: "i", Unknown: "?",
		Dot: "-", Arrow: "->", Marker: "<", Ellipsis: "...",
		Expanded: "v", Collapsed: ">", Leaf: " ",
		Branch: "|- ", Last: "`- ", Pipe: "|  ", Blank: "   ",
		Focus: ">", Cursor: ">", Rule: "-",
		TopLeft: "+", TopRight: "+", BottomLeft: "+", BottomRight: "+", Horizontal: "-", Vertical: "|",
		Spinner: []string{"|", "/", "-", "\\"},
	}
}

// UTF8Locale reports whether the environment's locale (LC_ALL, else
// LC_CTYPE, else LANG, the POSIX order) names UTF-8. An unset locale is the
// POSIX "C" locale, which is not.
func UTF8Locale(env []string) bool {
	get := func(k string) string {
		for i := len(env) - 1; i >= 0; i-- {
			if v, ok := strings.CutPrefix(env[i], k+"="); ok {
				return v
			}
		}
		return ""
	}
	loc := get("LC_ALL")
	if loc == "" {
		loc = get("LC_CTYPE")
	}
	if loc == "" {
		loc = get("LANG")
	}
	loc = strings.ToLower(loc)
	return strings.Contains(loc, "utf-8") || strings.Contains(loc, "utf8")
}
