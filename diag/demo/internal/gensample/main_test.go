package main

import (
	"os"
	"testing"
)

// TestTraceRebuildsTheSample: the sample is exactly what the trace stage
// makes of the signed message, so neither can be edited by hand without
// the other (regenerate with go run ./diag/demo/internal/gensample).
func TestTraceRebuildsTheSample(t *testing.T) {
	signed, err := os.ReadFile("../../testdata/signed.eml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../sample.eml")
	if err != nil {
		t.Fatal(err)
	}
	first, again := trace(signed), trace(signed)
	if first != string(want) {
		t.Errorf("diag/demo/sample.eml is not what gensample makes of %s: run go run ./diag/demo/internal/gensample", signedPath)
	}
	if again != first {
		t.Error("the trace stage is not deterministic")
	}
}
