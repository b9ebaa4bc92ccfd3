// Package render lays a report out once, as a Doc of headings, fields,
// tables, lists and trees, and writes it as plain text (for a terminal or a
// pipe) or as Markdown (for a ticket). Both writers pass every string through
// the one sanitizer, diag/termsafe, so nothing from DNS or a pasted header
// reaches a terminal or a ticket as a control sequence; the Markdown writer
// also escapes Markdown and HTML and defuses links, and --redact masks email
// addresses and Message-IDs in both.
package render

import "github.com/mxray/mxray/diag/termsafe"

// Doc is a report as a sequence of blocks.
type Doc struct {
	blocks []block
}

type blockKind int

const (
	headingBlock blockKind = iota
	paraBlock
	fieldsBlock
	tableBlock
	listBlock
	treeBlock
	codeBlock
)

type block struct {
	kind   blockKind
	level  int
	text   string
	header []string
	rows   [][]string
	tree   *Node
}

// Node is one node of a tree block. Marked nodes (a deciding path) are drawn
// with a marker in text and in bold in Markdown.
type Node struct {
	Text     string  // the node's line
	Marked   bool    // on the deciding path: drawn with a marker
	Children []*Node // in order
}

// Add appends a child node and returns it.
func (n *Node) Add(text string) *Node {
	c := &Node{Text: text}
	n.Children = append(n.Children, c)
	return c
}

// Heading adds a heading; level 1 is the title.
func (d *Doc) Heading(level int, text string) {
	d.blocks = append(d.blocks, block{kind: headingBlock, level: level, text: text})
}

// Para adds a paragraph of one logical line.
func (d *Doc) Para(text string) {
	d.blocks = append(d.blocks, block{kind: paraBlock, text: text})
}

// Fields adds "name: value" lines; pairs with an empty value are left out.
func (d *Doc) Fields(pairs ...[2]string) {
	var rows [][]string
	for _, p := range pairs {
		if p[1] != "" {
			rows = append(rows, []string{p[0], p[1]})
		}
	}
	if len(rows) > 0 {
		d.blocks = append(d.blocks, block{kind: fieldsBlock, rows: rows})
	}
}

// Table adds a table with a header row.
func (d *Doc) Table(header []string, rows [][]string) {
	d.blocks = append(d.blocks, block{kind: tableBlock, header: header, rows: rows})
}

// List adds a bulleted list.
func (d *Doc) List(items ...string) {
	if len(items) > 0 {
		d.blocks = append(d.blocks, block{kind: listBlock, rows: [][]string{items}})
	}
}

// Tree adds a tree drawn from root.
func (d *Doc) Tree(root *Node) {
	d.blocks = append(d.blocks, block{kind: treeBlock, tree: root})
}

// Code adds preformatted text, such as a record exactly as published.
func (d *Doc) Code(text string) {
	d.blocks = append(d.blocks, block{kind: codeBlock, text: text})
}

// Options control how a Doc is written.
type Options struct {
	ASCII  bool // ASCII only: trees and markers drawn, text spelled out (see ASCII)
	Redact bool // mask email addresses and Message-IDs
}

// redact masks email addresses and Message-IDs when the options ask for it.
func (o Options) redact(s string) string {
	if o.Redact {
		return Redact(s)
	}
	return s
}

// clean makes one line of report text safe to write: redacted when asked,
// then sanitised by termsafe. Both writers pass every string through it.
func (o Options) clean(s string) string { return o.ascii(termsafe.String(o.redact(s))) }

// ascii spells s in ASCII when the options ask for it (before widths are
// measured, so that columns stay aligned).
func (o Options) ascii(s string) string {
	if o.ASCII {
		return ASCII(s)
	}
	return s
}

// code makes preformatted text (a record as published) safe to write:
// redacted when asked, then sanitised line by line, keeping its lines.
func (o Options) code(s string) string { return o.ascii(termsafe.Lines(o.redact(s))) }
