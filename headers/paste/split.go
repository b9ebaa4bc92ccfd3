package paste

import "strings"

// line is one input line without its terminator.
type line struct {
	s    string   // the text (quote marks of a reply removed)
	num  int      // 1-based line number
	term string   // the terminator as written: "\r\n", "\n", "\r", or "" for a last line without one
	kind lineKind // what the line looks like, once the paste's preamble is skipped
}

// splitLines splits on CRLF, LF and lone CR.
func splitLines(text string) []line {
	lines := make([]line, 0, strings.Count(text, "\n")+1)
	start, num := 0, 1
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			lines = append(lines, line{s: text[start:i], num: num, term: text[i : i+1]})
			start, num = i+1, num+1
		case '\r':
			end := i + 1
			if end < len(text) && text[end] == '\n' {
				end++
			}
			lines = append(lines, line{s: text[start:i], num: num, term: text[i:end]})
			i = end - 1
			start, num = end, num+1
		}
	}
	if start < len(text) {
		lines = append(lines, line{s: text[start:], num: num})
	}
	return lines
}
