package finding

import "testing"

func TestSortAndHasError(t *testing.T) {
	fs := []Finding{
		{Severity: Info, Code: "b.note", Part: "b"},
		{Severity: Warning, Code: "a.warn", Part: "a"},
		{Severity: Error, Code: "z.err", Part: "z", Subject: "B"},
		{Severity: Error, Code: "z.err", Part: "z", Subject: "a"},
		{Severity: Warning, Code: "a.aaa", Part: "a"},
	}
	if !HasError(fs) {
		t.Error("HasError = false with two errors")
	}
	Sort(fs)
	want := []string{"z.err/a", "z.err/B", "a.aaa/", "a.warn/", "b.note/"}
	for i, f := range fs {
		if got := f.Code + "/" + f.Subject; got != want[i] {
			t.Errorf("position %d = %s, want %s", i, got, want[i])
		}
	}
	if HasError(fs[2:]) {
		t.Error("HasError = true with no error")
	}
}
