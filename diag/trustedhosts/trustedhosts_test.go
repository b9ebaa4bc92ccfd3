package trustedhosts

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		bad  string // the entry the error names
	}{
		{"mx.example, 10.0.0.0/8,,2001:db8::/32 , [2001:db8::1],192.0.2.7", []string{"mx.example", "10.0.0.0/8", "2001:db8::/32", "[2001:db8::1]", "192.0.2.7"}, ""},
		{"", nil, ""},
		{"10.0.0.0/33", nil, "10.0.0.0/33"},
		{"mx.example,300.1.2.3", nil, "300.1.2.3"},
		{"bad host", nil, "bad host"},
		{"*.example", nil, "*.example"},
		{"10.1.2", nil, "10.1.2"},
		{"[mx.example]", nil, "[mx.example]"},
		{"[2001:db8::1", nil, "[2001:db8::1"},
		{"10.0.0.1]", nil, "10.0.0.1]"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if tt.bad != "" {
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.bad) {
				t.Errorf("Parse(%q) = %v, %v; want an error naming %q", tt.in, got, err, tt.bad)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("Parse(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// FuzzParse: no list panics, and every entry accepted is accepted again
// on its own.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"mx.example,10.0.0.0/8", "[::1]", "10.0.0.0/33", "a..b", "1.2.3.4/0,x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		hosts, err := Parse(list)
		if err != nil {
			return
		}
		for _, h := range hosts {
			if again, err := Parse(h); err != nil || len(again) != 1 {
				t.Errorf("%q accepted in a list, not alone: %v", h, err)
			}
		}
	})
}
