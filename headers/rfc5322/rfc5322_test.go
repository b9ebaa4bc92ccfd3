package rfc5322

import (
	"slices"
	"testing"
)

func TestUnfoldAndFieldEnd(t *testing.T) {
	tests := []struct {
		in, unfolded, field string
	}{
		{"a\r\n b", "a b", "a\r\n b"},
		{"a\n\tb", "a\tb", "a\n\tb"},
		{"a\r\nb", "a b", "a"},
		{"a\rb\n", "a b ", "a"},
		{"no break", "no break", "no break"},
		{"end\r\n", "end ", "end"},
	}
	for _, tc := range tests {
		if got := Unfold(tc.in); got != tc.unfolded {
			t.Errorf("Unfold(%q) = %q, want %q", tc.in, got, tc.unfolded)
		}
		if got := CutAtFieldEnd(tc.in); got != tc.field {
			t.Errorf("CutAtFieldEnd(%q) = %q, want %q", tc.in, got, tc.field)
		}
	}
}

func TestComments(t *testing.T) {
	tests := []struct {
		in     string
		text   string
		end    int
		closed bool
	}{
		{"(a) b", "a", 3, true},
		{"(a (nested) b) c", "a (nested) b", 14, true},
		{`(a \) b) c`, `a \) b`, 8, true},
		{"(unclosed", "unclosed", 9, false},
	}
	for _, tc := range tests {
		end, closed := CommentEnd(tc.in, 0)
		text, end2 := Comment(tc.in, 0)
		if end != tc.end || closed != tc.closed || text != tc.text || end2 != tc.end {
			t.Errorf("%q: CommentEnd = %d %v, Comment = %q %d; want %q %d %v", tc.in, end, closed, text, end2, tc.text, tc.end, tc.closed)
		}
	}
	out, comments := StripComments(`a (one) "q (not) q" b (t\)wo)`)
	if out != `a   "q (not) q" b  ` || !slices.Equal(comments, []string{"one", "t)wo"}) {
		t.Errorf("StripComments = %q %q", out, comments)
	}
}

func TestQuotedStrings(t *testing.T) {
	tests := []struct {
		in     string
		text   string
		end    int
		closed bool
	}{
		{`"a b" c`, "a b", 5, true},
		{`"a \" b" c`, `a " b`, 8, true},
		{`"a \\" c`, `a \`, 6, true},
		{`"unclosed \"`, `unclosed "`, 12, false},
	}
	for _, tc := range tests {
		end, closed := QuotedEnd(tc.in, 0)
		text, end2 := QuotedString(tc.in, 0)
		if end != tc.end || closed != tc.closed || text != tc.text || end2 != tc.end {
			t.Errorf("%q: QuotedEnd = %d %v, QuotedString = %q %d; want %q %d %v", tc.in, end, closed, text, end2, tc.text, tc.end, tc.closed)
		}
	}
	if got := Unquote(`a\"b\\c`); got != `a"b\c` {
		t.Errorf("Unquote = %q", got)
	}
}

func TestBytesAndFieldLines(t *testing.T) {
	for _, c := range []byte("aZ09!#$%&'*+-/=?^_`{|}~\x80") {
		if !IsAtext(c) {
			t.Errorf("IsAtext(%q) = false", c)
		}
	}
	for _, c := range []byte(` "(),.:;<>@[\]`) {
		if IsAtext(c) {
			t.Errorf("IsAtext(%q) = true", c)
		}
	}
	if got := StripFWS(" a\tb\r\nc "); got != "abc" {
		t.Errorf("StripFWS = %q", got)
	}
	if got := SkipFWS(" \t\r\nx", 0); got != 4 {
		t.Errorf("SkipFWS = %d", got)
	}
	for line, want := range map[string]bool{
		"Received: x": true, "X-Test:": true, "Subject \t: obsolete": true,
		": no name": false, " Indented: x": false, "No colon": false, "Bad name: x": false,
	} {
		if got := IsFieldLine(line); got != want {
			t.Errorf("IsFieldLine(%q) = %v, want %v", line, got, want)
		}
	}
}
