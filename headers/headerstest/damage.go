// Package headerstest damages header blocks the way copying and pasting
// does, for the tests of the paste repair (headers.Parse) and of the
// re-check over repaired headers (diag). Only tests import it.
package headerstest

import "strings"

// Damage is one way of damaging a message's text.
type Damage struct {
	Name  string
	Apply func(msg string) string
}

// Damages are the kinds of paste damage the repair undoes: a reply's quote
// marks, continuation lines that lost their indentation, a mail client's
// re-wrap at 76 columns, and the two together with quoting.
var Damages = []Damage{
	{"quoted", func(s string) string { return Quote(s, "> ") }},
	{"quoted twice", func(s string) string { return Quote(s, "> > ") }},
	{"de-indented", Deindent},
	{"re-wrapped at 76", func(s string) string { return Rewrap(s, 76) }},
	{"re-wrapped at 72 and quoted", func(s string) string { return Quote(Rewrap(s, 72), ">> ") }},
	{"de-indented and quoted", func(s string) string { return Quote(Deindent(s), "> ") }},
}

// lines splits s into lines and their terminators.
func lines(s string) (ls, terms []string) {
	for l := range strings.Lines(s) {
		body := strings.TrimRight(l, "\r\n")
		ls = append(ls, body)
		terms = append(terms, l[len(body):])
	}
	return ls, terms
}

// headerEnd is the index of the empty line that ends the header, or
// len(ls).
func headerEnd(ls []string) int {
	for i, l := range ls {
		if l == "" {
			return i
		}
	}
	return len(ls)
}

// Quote puts marks before every line of the message, header and body, as
// a mail client quoting it in a reply does; an empty line gets the marks
// without their trailing space.
func Quote(s, marks string) string {
	ls, terms := lines(s)
	var b strings.Builder
	for i, l := range ls {
		if l == "" {
			b.WriteString(strings.TrimRight(marks, " "))
		} else {
			b.WriteString(marks + l)
		}
		b.WriteString(terms[i])
	}
	return b.String()
}

// Deindent removes the white space at the start of every header line, as
// a web form or a chat window trimming lines does.
func Deindent(s string) string {
	ls, terms := lines(s)
	end := headerEnd(ls)
	var b strings.Builder
	for i, l := range ls {
		if i < end {
			l = strings.TrimLeft(l, " \t")
		}
		b.WriteString(l + terms[i])
	}
	return b.String()
}

// Rewrap breaks every header line longer than width characters the way a
// mail client wraps text: at the last space that fits (the space dropped),
// or, when a word is longer than the line, cut at the width; the pieces
// after the first have no indentation.
func Rewrap(s string, width int) string {
	ls, terms := lines(s)
	end := headerEnd(ls)
	var b strings.Builder
	for i, l := range ls {
		if i < end {
			pieces := wrapLine(l, width)
			for k, piece := range pieces {
				term := terms[i]
				if term == "" && k < len(pieces)-1 {
					term = "\n"
				}
				b.WriteString(piece + term)
			}
			continue
		}
		b.WriteString(l + terms[i])
	}
	return b.String()
}

// wrapLine breaks one line into pieces of at most width characters, white
// space at its end not counted.
func wrapLine(l string, width int) []string {
	var out []string
	for len([]rune(strings.TrimRight(l, " \t"))) > width {
		r := []rune(l)
		indent := 0
		for indent < len(r) && (r[indent] == ' ' || r[indent] == '\t') {
			indent++
		}
		cut := -1
		for k := width; k > indent; k-- {
			if r[k] == ' ' {
				cut = k
				break
			}
		}
		if cut < 0 {
			out = append(out, string(r[:width]))
			l = string(r[width:])
			continue
		}
		out = append(out, strings.TrimRight(string(r[:cut]), " "))
		l = strings.TrimLeft(string(r[cut+1:]), " ")
	}
	return append(out, l)
}
