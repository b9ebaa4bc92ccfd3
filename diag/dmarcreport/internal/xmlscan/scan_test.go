package xmlscan

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// tokens reads r to the end and writes every token as one line: "S name
// attr=value ...", "E name", "T text" (adjacent text merged), "C comment",
// "P target inst". Names are local names.
func tokens(r io.Reader, lim Limits) ([]string, error) {
	s := New(r, lim)
	var out []string
	for {
		k, err := s.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		switch k {
		case StartElement:
			line := "S " + string(s.Name().Local)
			for _, a := range s.Attrs() {
				line += fmt.Sprintf(" %s=%q", a.Name.Local, a.Value)
			}
			out = append(out, line)
		case EndElement:
			out = append(out, "E "+string(s.Name().Local))
		case Text:
			if n := len(out); n > 0 && strings.HasPrefix(out[n-1], "T ") {
				out[n-1] += string(s.Text())
			} else {
				out = append(out, "T "+string(s.Text()))
			}
		case Comment:
			out = append(out, "C "+string(s.Text()))
		case ProcInst:
			out = append(out, "P "+string(s.Name().Local)+" "+string(s.Text()))
		}
	}
}

// stdTokens is tokens for encoding/xml in strict mode; ok is false when it
// refuses the document or sees a directive (which this scanner refuses).
func stdTokens(doc string) (out []string, ok bool) {
	d := xml.NewDecoder(strings.NewReader(doc))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, true
		}
		if err != nil {
			return nil, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			line := "S " + t.Name.Local
			for _, a := range t.Attr {
				line += fmt.Sprintf(" %s=%q", a.Name.Local, a.Value)
			}
			out = append(out, line)
		case xml.EndElement:
			out = append(out, "E "+t.Name.Local)
		case xml.CharData:
			if n := len(out); n > 0 && strings.HasPrefix(out[n-1], "T ") {
				out[n-1] += string(t)
			} else {
				out = append(out, "T "+string(t))
			}
		case xml.Comment:
			out = append(out, "C "+string(t))
		case xml.ProcInst:
			out = append(out, "P "+t.Target+" "+string(t.Inst))
		case xml.Directive:
			return nil, false
		}
	}
}

func TestTokens(t *testing.T) {
	doc := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<!-- c -->" +
		`<d:feedback xmlns:d="urn:x" a='1 &amp; &#x32;'><e>x&lt;y&#65;&gt;<![CDATA[<raw> & ]]></e><empty/>` + "\r\n" +
		`<é>caf&#233;</é><?pi some data?></d:feedback>`
	want := []string{
		`P xml version="1.0" encoding="UTF-8"`,
		"T \n",
		"C  c ",
		`S feedback d="urn:x" a="1 & 2"`,
		`S e`, `T x<yA><raw> & `, `E e`,
		`S empty`, `E empty`, "T \n",
		`S é`, `T café`, `E é`,
		`P pi some data`,
		`E feedback`,
	}
	got, err := tokens(strings.NewReader(doc), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("tokens:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	std, ok := stdTokens(doc)
	if !ok || strings.Join(std, "\n") != strings.Join(got, "\n") {
		t.Errorf("encoding/xml reads (ok %v):\n%s", ok, strings.Join(std, "\n"))
	}
}

func TestPositionsAndPrefixes(t *testing.T) {
	s := New(strings.NewReader("<a>\n\n <p:b x:y='1'/>\n</a>"), Limits{})
	var lines []int
	for {
		k, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if k == StartElement {
			lines = append(lines, s.Line())
			if string(s.Name().Local) == "b" {
				if n := s.Name(); string(n.Prefix) != "p" || s.Offset() != 6 || s.Depth() != 2 {
					t.Errorf("b: prefix %q, offset %d, depth %d", n.Prefix, s.Offset(), s.Depth())
				}
				if a := s.Attrs()[0]; string(a.Name.Prefix) != "x" || string(a.Name.Local) != "y" {
					t.Errorf("attribute %+v", a)
				}
			}
		}
	}
	if fmt.Sprint(lines) != "[1 3]" {
		t.Errorf("start lines %v, want [1 3]", lines)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		doc  string
		lim  Limits
		kind error
		msg  string
		line int
	}{
		{`<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`, Limits{}, ErrDTD, "DOCTYPE", 1},
		{"<a>\n&xxe;</a>", Limits{}, ErrEntity, "undeclared entity &xxe;", 2},
		{"<a>&amp</a>", Limits{}, ErrEntity, "starts no entity", 1},
		{"<a>&#xZZ;</a>", Limits{}, ErrEntity, "malformed character reference", 1},
		{"<a>&#0;</a>", Limits{}, ErrSyntax, "U+0000", 1},
		{"<a>&#x110000;</a>", Limits{}, ErrEntity, "beyond Unicode", 1},
		{"<a><b></a>", Limits{}, ErrSyntax, "</a> does not close <b>", 1},
		{"<a></a></b>", Limits{}, ErrSyntax, "unexpected </b>", 1},
		{"<a>\n<b>", Limits{}, ErrSyntax, "ends inside <b>", 2},
		{"<a x=1/>", Limits{}, ErrSyntax, "not quoted", 1},
		{"<a x/>", Limits{}, ErrSyntax, "has no value", 1},
		{`<a x="<"/>`, Limits{}, ErrSyntax, "unescaped <", 1},
		{"<a>]]></a>", Limits{}, ErrSyntax, "]]> outside", 1},
		{"<a>\x01</a>", Limits{}, ErrSyntax, "U+0001", 1},
		{"<a>\xff</a>", Limits{}, ErrSyntax, "invalid UTF-8", 1},
		{"<a:b:c/>", Limits{}, ErrSyntax, "two colons", 1},
		{"<1a/>", Limits{}, ErrSyntax, "expected an element name", 1},
		{"<a><!-- x -- y --></a>", Limits{}, ErrSyntax, `"--" inside a comment`, 1},
		{"<!ELEMENT a ANY><a/>", Limits{}, ErrSyntax, "<!ELEMENT>", 1},
		{"<a/>\n<?xml version='1.0'?>", Limits{}, ErrSyntax, "after the start", 2},
		{"<?xml version='1.1'?><a/>", Limits{}, ErrSyntax, "only 1.0", 1},
		{"<?xml version='1.0' encoding='latin1'?><a/>", Limits{}, ErrCharset, "latin1", 1},
		{"<a><b><c/></b></a>", Limits{MaxDepth: 2}, ErrTooDeep, "deeper than 2", 1},
		{"<a>" + strings.Repeat("x", 200) + "</a>", Limits{MaxToken: 100}, ErrTooLarge, "text over 100 bytes", 1},
		{"<a>" + strings.Repeat("x", 20000) + "</a>", Limits{MaxToken: 100}, ErrTooLarge, "text over 100 bytes", 1},
		{`<a x="` + strings.Repeat("y", 150) + `"/>`, Limits{MaxToken: 100}, ErrTooLarge, "attribute x over 100 bytes", 1},
		{`<a x="` + strings.Repeat("y", 150000) + `"/>`, Limits{MaxToken: 1000}, ErrTooLarge, "a start tag over", 1},
		{"<!--" + strings.Repeat("-x", 100) + "-->", Limits{MaxToken: 100}, ErrTooLarge, "a comment over", 1},
		{"<a " + strings.Repeat("b='1' ", 5) + "/>", Limits{MaxAttrs: 4}, ErrTooLarge, "more than 4 attributes", 1},
	}
	for _, tt := range tests {
		for _, one := range []bool{false, true} {
			var r io.Reader = strings.NewReader(tt.doc)
			if one {
				r = iotest.OneByteReader(r)
			}
			_, err := tokens(r, tt.lim)
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, tt.kind) || !strings.Contains(e.Msg, tt.msg) || e.Line != tt.line {
				t.Errorf("%.40q (one byte at a time %v): %v, want %v saying %q on line %d", tt.doc, one, err, tt.kind, tt.msg, tt.line)
			}
		}
	}
}

// TestCharset: a declared encoding goes through Limits.Charset, and the
// rest of the document is read through what it returns.
func TestCharset(t *testing.T) {
	var label string
	lim := Limits{Charset: func(l string, r io.Reader) (io.Reader, error) {
		label = l
		b, _ := io.ReadAll(r)
		return strings.NewReader(strings.ReplaceAll(string(b), "\xe9", "é")), nil
	}}
	got, err := tokens(iotest.HalfReader(strings.NewReader("<?xml version='1.0' encoding='ISO-8859-1'?><a>caf\xe9</a>")), lim)
	if err != nil || label != "ISO-8859-1" || got[len(got)-2] != "T café" {
		t.Errorf("%q, %v, label %q", got, err, label)
	}
}

// TestReaderError: the reader's own failure comes back as it is.
func TestReaderError(t *testing.T) {
	boom := errors.New("boom")
	_, err := tokens(io.MultiReader(strings.NewReader("<a><b>"), iotest.ErrReader(boom)), Limits{})
	if !errors.Is(err, boom) {
		t.Errorf("%v, want the reader's error", err)
	}
}

// FuzzScan holds the scanner to encoding/xml: on every document both
// accept, the same tokens; and to itself: the same tokens and the same
// error whether the document comes whole or one byte at a time.
func FuzzScan(f *testing.F) {
	f.Add(`<?xml version="1.0"?><feedback><a x="1">t&amp;</a><!-- c --><![CDATA[d]]><b/></feedback>`)
	f.Add("<a>\r\n<b c='&#x41;&quot;'>x\ry</b></a>")
	f.Add(`<p:a xmlns:p="u"><p:b/><?t i?></p:a>`)
	f.Add(`<!DOCTYPE a><a/>`)
	f.Add("<a>&bad;</a>")
	f.Add("<é ü='1'>ö</é>")
	f.Fuzz(func(t *testing.T, doc string) {
		lim := Limits{MaxToken: 4096}
		got, err := tokens(strings.NewReader(doc), lim)
		slow, slowErr := tokens(iotest.OneByteReader(strings.NewReader(doc)), lim)
		if fmt.Sprint(err) != fmt.Sprint(slowErr) || strings.Join(got, "\n") != strings.Join(slow, "\n") {
			t.Fatalf("whole: %q %v\none byte at a time: %q %v", got, err, slow, slowErr)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || e.Offset < 0 || e.Offset > int64(len(doc)) {
				t.Fatalf("error %#v", err)
			}
			return
		}
		std, ok := stdTokens(doc)
		if ok && strings.Join(std, "\n") != strings.Join(got, "\n") {
			t.Fatalf("scanner:\n%q\nencoding/xml:\n%q", got, std)
		}
	})
}
