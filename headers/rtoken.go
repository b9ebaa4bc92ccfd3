package headers

import "strings"

// rtok is one token of a Received field: a word, a comment (its text
// without the outer parentheses) or a quoted string (without the quotes).
type rtok struct {
	kind  byte // 'w' word, 'c' comment, 'q' quoted string
	text  string
	start int // offset of the token in the tokenized text
}

// tokenizeReceived splits s into words, comments and quoted strings. A
// word keeps a square-bracketed part whole even across spaces
// ("[unix socket]", "[XMail 1.20 ESMTP Server]"), so that brackets never
// start a comment inside it. Comments nest; an unclosed comment or quoted
// string runs to the end; a stray ")" is part of a word.
func tokenizeReceived(s string) []rtok {
	var toks []rtok
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '(':
			end, closed := commentEnd(s, i)
			inner := s[i+1 : end]
			if closed {
				inner = s[i+1 : end-1]
			}
			toks = append(toks, rtok{'c', inner, i})
			i = end
		case c == '"':
			j := i + 1
			var b strings.Builder
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
				j++
			}
			toks = append(toks, rtok{'q', b.String(), i})
			i = min(j+1, len(s))
		default:
			j := i
			for j < len(s) {
				d := s[j]
				if d == ' ' || d == '\t' || d == '\r' || d == '\n' || d == '(' || d == '"' {
					break
				}
				if d == '[' {
					if k := matchBracket(s, j); k > 0 {
						j = k + 1
						continue
					}
				}
				j++
			}
			toks = append(toks, rtok{'w', s[i:j], i})
			i = j
		}
	}
	return toks
}

// matchBracket returns the offset of the "]" closing the "[" at s[i],
// nesting, or -1 when there is none.
func matchBracket(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// lastTopSemicolon returns the offset of the last ";" outside comments,
// quoted strings and square brackets, or -1.
func lastTopSemicolon(s string) int {
	last, depth, bracket := -1, 0, 0
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted:
			if c == '\\' {
				i++
			} else if c == '"' {
				quoted = false
			}
		case c == '\\' && depth > 0:
			i++
		case c == '(':
			depth++
		case c == ')':
			if depth > 0 {
				depth--
			}
		case depth > 0:
		case c == '"':
			quoted = true
		case c == '[':
			bracket++
		case c == ']':
			if bracket > 0 {
				bracket--
			}
		case c == ';' && bracket == 0:
			last = i
		}
	}
	return last
}

// unfoldText unfolds a value that may still be folded (RFC 5322 §2.2.3):
// a line break followed by white space is removed; any other line break
// becomes a space.
func unfoldText(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\r' && c != '\n' {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		if c == '\r' && j < len(s) && s[j] == '\n' {
			j++
		}
		if j >= len(s) || (s[j] != ' ' && s[j] != '\t') {
			b.WriteByte(' ')
		}
		i = j - 1
	}
	return b.String()
}
