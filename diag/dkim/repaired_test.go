package dkim

import (
	"testing"

	"github.com/mxray/mxray/headers"
)

func TestMarkRepaired(t *testing.T) {
	sig := headers.Field{Name: "DKIM-Signature", Value: "v=1; a=rsa-sha256; d=example.com; s=s; h=From:Subject; bh=YQ==; b=YQ=="}
	fields := []headers.Field{sig, {Name: "From", Value: "a@example.com"}, {Name: "Subject", Value: "hi"}, {Name: "To", Value: "b@example.org"}}
	tests := []struct {
		name     string
		repaired string // the field the repair changed
		in       Result
		want     Verdict
		cause    Cause
	}{
		{"a signed field repaired, headers altered", "Subject", Result{Field: 0, Result: Fail, Cause: CauseHeaderAltered}, Neutral, CausePasteRepaired},
		{"the signature repaired and unreadable", "DKIM-Signature", Result{Field: 0, Result: PermError, Cause: CauseSignatureSyntax}, Neutral, CausePasteRepaired},
		{"a signed field repaired, unreadable signature", "Subject", Result{Field: 0, Result: PermError, Cause: CauseSignatureSyntax}, PermError, CauseSignatureSyntax},
		{"an unsigned field repaired", "To", Result{Field: 0, Result: Fail, Cause: CauseHeaderAltered}, Fail, CauseHeaderAltered},
		{"the repair was exact", "Subject", Result{Field: 0, Result: Pass}, Pass, ""},
		{"a key gone is a key gone", "DKIM-Signature", Result{Field: 0, Result: PermError, Cause: CauseKeyNotFound}, PermError, CauseKeyNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := append([]headers.Field{}, fields...)
			for i := range fs {
				if fs[i].Name == tt.repaired {
					fs[i].Repair = "deindented"
				}
			}
			rs := []Result{tt.in}
			MarkRepaired(rs, fs)
			if rs[0].Result != tt.want || rs[0].Cause != tt.cause {
				t.Errorf("%s/%s (%s), want %s/%s", rs[0].Result, rs[0].Cause, rs[0].Reason, tt.want, tt.cause)
			}
		})
	}
}
