package advice

import (
	"strings"
	"testing"

	"github.com/mxray/mxray/spf"
)

func TestLookalikes(t *testing.T) {
	tests := []struct {
		term, code, msg, fix string
	}{
		{"include=_spf.example.com", "spf.lookalike", "did you mean include:_spf.example.com?", "include:_spf.example.com"},
		{"ip4=192.0.2.1", "spf.lookalike", "did you mean ip4:192.0.2.1?", "ip4:192.0.2.1"},
		{"a=mail.example.com", "spf.lookalike", "did you mean a:mail.example.com?", "a:mail.example.com"},
		{"mx=example.com", "spf.lookalike", "did you mean mx:example.com?", "mx:example.com"},
		{"v=spf1", "spf.lookalike", "second \"v=spf1\"", "merging"},
		{"redir=x.example.com", "spf.lookalike", "did you mean redirect=x.example.com?", "redirect=x.example.com"},
		{"default=deny", "spf.unknown_modifier", "leftover", "-all"},
		{"moo=cow", "spf.unknown_modifier", "ignore", "Remove"},
	}
	for _, tc := range tests {
		t.Run(tc.term, func(t *testing.T) {
			r, err := spf.Parse("v=spf1 " + tc.term + " -all")
			if err != nil {
				t.Fatalf("Parse: %v (the grammar accepts it)", err)
			}
			ws := Lookalikes(r)
			if len(ws) != 1 {
				t.Fatalf("warnings = %v", ws)
			}
			w := ws[0]
			if w.Code != tc.code || !strings.Contains(w.Message, tc.msg) || !strings.Contains(w.Fix, tc.fix) || w.Pos != 7 {
				t.Errorf("warning = %+v", w)
			}
		})
	}
	r, _ := spf.Parse("v=spf1 include:a.example.com redirect=b.example.com exp=c.example.com -all")
	if ws := Lookalikes(r); len(ws) != 0 {
		t.Errorf("known terms warned: %v", ws)
	}
}
