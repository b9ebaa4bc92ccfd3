package trace

import (
	"github.com/mxray/mxray/headers/rfc5322"
)

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
			inner, end := rfc5322.Comment(s, i)
			toks = append(toks, rtok{'c', inner, i})
			i = end
		case c == '"':
			text, end := rfc5322.QuotedString(s, i)
			toks = append(toks, rtok{'q', text, i})
			i = end
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
