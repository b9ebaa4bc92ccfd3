package finding

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentence makes s read as a sentence for a finding's message or fix: a
// full stop at its end (unless it ends one already), and a capital first
// letter when it starts with a plain word. A name ("k1._domainkey.example"),
// a tag ("p=") or a quote at its start is left as written.
func Sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	if first, _, _ := strings.Cut(s, " "); plainWord(first) {
		r, size := utf8.DecodeRuneInString(s)
		s = string(unicode.ToUpper(r)) + s[size:]
	}
	trimmed := strings.TrimRight(s, `"')`)
	if !strings.HasSuffix(trimmed, ".") && !strings.HasSuffix(trimmed, "?") && !strings.HasSuffix(trimmed, "!") {
		s += "."
	}
	return s
}

// plainWord reports whether w is a word of letters (a colon or comma
// after it allowed), not a name or a tag.
func plainWord(w string) bool {
	w = strings.TrimRight(w, ":,;")
	if w == "" {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && r != '-' && r != '\'' {
			return false
		}
	}
	return true
}
