package taglist

import (
	"errors"
	"testing"
)

func TestParseTagList(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Tag
		wantErr bool
	}{
		{"simple", "v=1; a=rsa-sha256", []Tag{{"v", "1", 0}, {"a", "rsa-sha256", 5}}, false},
		{"trailing semicolon", "v=1;", []Tag{{"v", "1", 0}}, false},
		{"folded value", "b=abc\r\n\tdef ;s=x", []Tag{{"b", "abc\r\n\tdef", 0}, {"s", "x", 13}}, false},
		{"spaces around equals", " k = rsa ", []Tag{{"k", "rsa", 1}}, false},
		{"empty value", "p=", []Tag{{"p", "", 0}}, false},
		{"duplicate", "v=1; v=1", nil, true},
		{"no equals", "v=1; abc", nil, true},
		{"bad name", "1v=1", nil, true},
		{"empty middle", "v=1;; a=b", nil, true},
		{"control char in value", "v=1\x01", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				var te *SyntaxError
				if !errors.As(err, &te) {
					t.Fatalf("error %T is not *SyntaxError", err)
				}
				return
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("tag %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
