package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/tree"
)

// Text writes d as plain text: no colour, aligned columns, trees drawn with
// box-drawing characters (or ASCII).
func Text(w io.Writer, d *Doc, o Options) error {
	bw := bufio.NewWriter(w)
	for i, b := range d.blocks {
		if i > 0 && (b.kind == headingBlock || d.blocks[i-1].kind != headingBlock) {
			bw.WriteString("\n")
		}
		switch b.kind {
		case headingBlock:
			t := o.clean(b.text)
			fmt.Fprintln(bw, t)
			if b.level <= 2 {
				fmt.Fprintln(bw, strings.Repeat(rule(o, b.level), lipgloss.Width(t)))
			}
		case paraBlock:
			fmt.Fprintln(bw, o.clean(b.text))
		case fieldsBlock:
			width := 0
			for _, r := range b.rows {
				width = max(width, lipgloss.Width(o.clean(r[0])))
			}
			for _, r := range b.rows {
				k := o.clean(r[0])
				fmt.Fprintf(bw, "%s:%s %s\n", k, strings.Repeat(" ", width-lipgloss.Width(k)), o.clean(r[1]))
			}
		case tableBlock:
			writeTextTable(bw, b, o)
		case listBlock:
			bullet := "•"
			if o.ASCII {
				bullet = "-"
			}
			for _, item := range b.rows[0] {
				fmt.Fprintf(bw, "%s %s\n", bullet, o.clean(item))
			}
		case treeBlock:
			fmt.Fprintln(bw, textTree(b.tree, o).String())
		case codeBlock:
			for _, line := range strings.Split(o.code(b.text), "\n") {
				fmt.Fprintf(bw, "    %s\n", line)
			}
		}
	}
	return bw.Flush()
}

func rule(o Options, level int) string {
	switch {
	case o.ASCII && level <= 1:
		return "="
	case o.ASCII:
		return "-"
	case level <= 1:
		return "═"
	default:
		return "─"
	}
}

func writeTextTable(w io.Writer, b block, o Options) {
	cells := make([][]string, 0, len(b.rows)+1)
	cells = append(cells, b.header)
	cells = append(cells, b.rows...)
	widths := make([]int, len(b.header))
	for r := range cells {
		row := make([]string, len(b.header))
		for c := range row {
			if c < len(cells[r]) {
				row[c] = o.clean(cells[r][c])
			}
			widths[c] = max(widths[c], lipgloss.Width(row[c]))
		}
		cells[r] = row
	}
	for _, row := range cells {
		var line strings.Builder
		for c, cell := range row {
			line.WriteString(cell)
			if c < len(row)-1 {
				line.WriteString(strings.Repeat(" ", widths[c]-lipgloss.Width(cell)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(line.String(), " "))
	}
}

func textTree(n *Node, o Options) *tree.Tree {
	label := func(n *Node) string {
		t := o.clean(n.Text)
		if n.Marked {
			if o.ASCII {
				return t + "  <=="
			}
			return t + "  ◀"
		}
		return t
	}
	t := tree.Root(label(n))
	if o.ASCII {
		t = t.Enumerator(asciiEnumerator).Indenter(asciiIndenter)
	}
	for _, c := range n.Children {
		if len(c.Children) == 0 {
			t.Child(label(c))
		} else {
			t.Child(textTree(c, o))
		}
	}
	return t
}

func asciiEnumerator(children tree.Children, i int) string {
	if i == children.Length()-1 {
		return "`--"
	}
	return "|--"
}

func asciiIndenter(children tree.Children, i int) string {
	if i == children.Length()-1 {
		return "   "
	}
	return "|  "
}
