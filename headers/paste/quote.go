package paste

import "strings"

// quoteStyle is how a reply quoted a header: depth quote marks before
// every line ("> " is 1, ">> " and "> > " are 2), each '>' followed by a
// space or not.
type quoteStyle struct {
	depth  int
	spaced bool // a space follows the last mark ("> From:" rather than ">From:")
}

// quoteOf reads the quote marks at the start of s: their depth (nested
// marks written ">>" or "> >"), whether a space follows the last, and
// where the quoted text starts.
func quoteOf(s string) (q quoteStyle, rest int) {
	i := 0
	for i < len(s) && s[i] == '>' {
		q.depth++
		i++
		if i+1 < len(s) && s[i] == ' ' && s[i+1] == '>' {
			i++
		}
	}
	if q.depth > 0 && i < len(s) && s[i] == ' ' {
		q.spaced = true
		i++
	}
	return q, i
}

// strip removes the style's quote marks from s. It reports false when s
// does not carry them all (the quoted block has ended). A line of marks
// alone (">", "> >") is an empty quoted line, whatever the style.
func (q quoteStyle) strip(s string) (string, bool) {
	i := 0
	for d := 0; d < q.depth; d++ {
		if d > 0 && i+1 < len(s) && s[i] == ' ' && s[i+1] == '>' {
			i++
		}
		if i >= len(s) || s[i] != '>' {
			return s, false
		}
		i++
	}
	if q.spaced && i < len(s) && s[i] == ' ' {
		i++
	}
	return s[i:], true
}

// marks writes the style's marks as they appear on a line: "> ", ">> ".
func (q quoteStyle) marks() string {
	m := strings.Repeat(">", q.depth)
	if q.spaced {
		m += " "
	}
	return m
}

// findQuote looks, from line i, for the first line that is a header field
// once its quote marks are removed. The header is quoted when that line is
// quoted; a field line without marks first means it is not. It returns the
// style and the index of that line.
func findQuote(lines []line, i int) (quoteStyle, int, bool) {
	for ; i < len(lines); i++ {
		s := lines[i].s
		q, rest := quoteOf(s)
		if k := classify(s[rest:]); q.depth > 0 && (k == kindField || k == kindWeak) {
			return q, i, true
		}
		if k := classify(s); k == kindField {
			return quoteStyle{}, 0, false
		}
	}
	return quoteStyle{}, 0, false
}

// dequote removes reply quoting from the lines, starting at line i: the
// quoted block begins with the quoted lines just above the first quoted
// field and ends at the first line that is not empty and lacks the marks;
// what follows it (the reply's own words) is dropped. It reports the
// repair as one problem.
func (p *pasteParser) dequote(i int) {
	q, at, ok := findQuote(p.lines, i)
	if !ok {
		return
	}
	start := at
	for start > i {
		if _, ok := q.strip(p.lines[start-1].s); !ok {
			break
		}
		start--
	}
	end := len(p.lines)
	for k := start; k < len(p.lines); k++ {
		s := p.lines[k].s
		if s == "" {
			continue
		}
		t, ok := q.strip(s)
		if !ok {
			end = k
			break
		}
		p.lines[k].s = t
	}
	p.problem(p.lines[start].num, RepairQuoted, "the header was quoted for a reply (%q before every line, lines %d–%d): the quote marks were removed",
		q.marks(), p.lines[start].num, p.lines[end-1].num)
	rest := p.lines[end:]
	for _, l := range rest {
		if !isBlank(l.s) {
			p.problem(l.num, RepairQuoteEnd, "the quoted block ends before line %d: the text after it (%s) is not part of the message and was ignored", l.num, Excerpt(l.s))
			break
		}
	}
	p.lines = p.lines[:end]
}

// LooksLikeHeader reports whether pasted text is a header block rather
// than a target: at least two lines that are not blank, one of which
// starts a header field ("Name:" with a name a field can have, RFC 5322
// §2.2, and no space before the colon), quote marks of a reply ("> ")
// removed first. A one-line paste is
// never a header block.
func LooksLikeHeader(s string) bool {
	lines, field := 0, false
	for l := range strings.Lines(strings.ReplaceAll(s, "\r", "\n")) {
		l = strings.TrimRight(l, "\n")
		if isBlank(l) {
			continue
		}
		lines++
		_, rest := quoteOf(l)
		k := classify(l[rest:])
		name, _, _ := strings.Cut(l[rest:], ":")
		field = field || (k == kindField || k == kindWeak) && !strings.HasSuffix(name, " ") && !strings.HasSuffix(name, "\t")
		if lines >= 2 && field {
			return true
		}
	}
	return false
}
