package spf

import "testing"

func TestAddTerm(t *testing.T) {
	tests := []struct{ record, term, want string }{
		{"v=spf1 mx -all", "include:spf.mailer.example", "v=spf1 mx include:spf.mailer.example -all"},
		{"v=spf1 mx ~ALL", "include:a.example", "v=spf1 mx include:a.example ~ALL"},
		{"v=spf1 a redirect=_spf.example.com", "ip4:192.0.2.1", "v=spf1 a ip4:192.0.2.1 redirect=_spf.example.com"},
		{"v=spf1 mx", "include:a.example", "v=spf1 mx include:a.example"},
		{"v=spf1 include:A.example -all", "include:a.example", "v=spf1 include:A.example -all"},
		{"", "include:a.example", "v=spf1 include:a.example"},
		{"v=spf1 -all", "", "v=spf1 -all"},
	}
	for _, tt := range tests {
		if got := AddTerm(tt.record, tt.term); got != tt.want {
			t.Errorf("AddTerm(%q, %q) = %q, want %q", tt.record, tt.term, got, tt.want)
		}
	}
}
