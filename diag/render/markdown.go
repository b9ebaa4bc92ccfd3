package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Markdown writes d as GitHub-flavoured Markdown for a ticket. Text is
// sanitised, then Markdown and HTML are escaped and anything a renderer
// would turn into a link (URLs, www. names, email addresses) is put in a
// code span, so a pasted report can neither run markup nor carry links.
func Markdown(w io.Writer, d *Doc, o Options) error {
	bw := bufio.NewWriter(w)
	for i, b := range d.blocks {
		if i > 0 {
			bw.WriteString("\n")
		}
		switch b.kind {
		case headingBlock:
			fmt.Fprintf(bw, "%s %s\n", strings.Repeat("#", min(max(b.level, 1), 6)), MarkdownText(o.clean(b.text)))
		case paraBlock:
			fmt.Fprintln(bw, MarkdownText(o.clean(b.text)))
		case fieldsBlock:
			for _, r := range b.rows {
				fmt.Fprintf(bw, "- **%s:** %s\n", MarkdownText(o.clean(r[0])), MarkdownText(o.clean(r[1])))
			}
		case tableBlock:
			cells := func(row []string) string {
				out := make([]string, len(b.header))
				for c := range out {
					if c < len(row) {
						out[c] = MarkdownText(o.clean(row[c]))
					}
				}
				return "| " + strings.Join(out, " | ") + " |"
			}
			fmt.Fprintln(bw, cells(b.header))
			fmt.Fprintln(bw, "|"+strings.Repeat(" --- |", len(b.header)))
			for _, r := range b.rows {
				fmt.Fprintln(bw, cells(r))
			}
		case listBlock:
			for _, item := range b.rows[0] {
				fmt.Fprintf(bw, "- %s\n", MarkdownText(o.clean(item)))
			}
		case treeBlock:
			markdownTree(bw, b.tree, 0, o)
		case codeBlock:
			text := o.code(b.text)
			fence := "```"
			for strings.Contains(text, fence) {
				fence += "`"
			}
			fmt.Fprintf(bw, "%s\n%s\n%s\n", fence, text, fence)
		}
	}
	return bw.Flush()
}

func markdownTree(w io.Writer, n *Node, depth int, o Options) {
	text := MarkdownText(o.clean(n.Text))
	if n.Marked {
		text = "**" + text + "** ◀"
	}
	fmt.Fprintf(w, "%s- %s\n", strings.Repeat("  ", depth), text)
	for _, c := range n.Children {
		markdownTree(w, c, depth+1, o)
	}
}

// MarkdownText escapes s for Markdown prose and table cells: Markdown and
// HTML punctuation is backslash-escaped (and "|" too, so a table keeps its
// columns), and words that a renderer would link (URLs, www. names, email
// addresses) go into code spans. s must already be sanitised.
func MarkdownText(s string) string {
	words := strings.Split(s, " ")
	for i, word := range words {
		if linkable(word) {
			// Sentence punctuation after a link stays outside the span.
			core := strings.TrimRight(word, ".,;:")
			if strings.HasSuffix(core, ")") && !strings.Contains(core, "(") {
				core = core[:len(core)-1]
			}
			words[i] = codeSpan(core) + escapeMarkdown(word[len(core):])
			continue
		}
		words[i] = escapeMarkdown(word)
	}
	out := strings.Join(words, " ")
	// At the start of a line these would make a heading, a list or an image.
	if out != "" && strings.ContainsRune("#+-!=", rune(out[0])) {
		out = `\` + out
	}
	return out
}

func linkable(word string) bool {
	lw := strings.ToLower(word)
	return strings.Contains(lw, "://") || strings.HasPrefix(lw, "www.") || strings.Contains(lw, "@") ||
		strings.HasPrefix(lw, "mailto:") || strings.HasPrefix(lw, "<")
}

func escapeMarkdown(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '|', '~', '>', '<':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '&':
			b.WriteString("&amp;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// codeSpan puts s in an inline code span, with a fence longer than any run
// of backticks inside it; "|" stays escaped for tables.
func codeSpan(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}
