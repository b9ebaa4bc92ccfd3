package paste

import "testing"

func TestLooksLikeHeader(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"example.com", false},
		{"From: a@example.com", false},
		{"From: a@example.com\nTo: b@example.org", true},
		{"> From: a@example.com\n> To: b@example.org", true},
		{">> Received: from a\n>>\tby b", true},
		{"> > Subject: hi\n> > From: a@b", true},
		{"see https://example.com/x\nand more", false},
		{"hello\nworld", false},
	}
	for _, tt := range tests {
		if got := LooksLikeHeader(tt.in); got != tt.want {
			t.Errorf("LooksLikeHeader(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
