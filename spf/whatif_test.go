package spf

import (
	"errors"
	"testing"
)

func whatIfZone() *fakeDNS {
	return newFakeDNS().
		TXT("example.com", "v=spf1 include:a.example mx -all").
		TXT("a.example", "v=spf1 ip4:192.0.2.0/24 -all").
		MX("example.com", "mx.example.com").A("mx.example.com", "198.51.100.1").
		TXT("b.example", "v=spf1 ip4:203.0.113.0/24 -all")
}

func TestWhatIfReusesAnswers(t *testing.T) {
	r := whatIfZone()
	tree := Prefetch(bg, r, "example.com")
	if v := tree.CheckHost(bg, ip("203.0.113.5"), "", "example.com"); v.Result != Fail {
		t.Fatalf("published record: %s", v.Result)
	}
	before := r.Queries.Load()
	w := tree.WhatIf(bg, "v=spf1 include:a.example include:b.example mx -all")
	if got := r.Queries.Load() - before; got != 1 {
		t.Errorf("what-if asked %d questions, want 1 (only b.example is new)", got)
	}
	if r.TimesAsked("TXT", "a.example") != 1 || r.TimesAsked("MX", "example.com") != 1 {
		t.Error("what-if asked again for answers the tree had")
	}
	if v := w.CheckHost(bg, ip("203.0.113.5"), "", "example.com"); v.Result != Pass || v.Matched.Path[1] != "b.example" {
		t.Errorf("edited record: %s %+v", v.Result, v.Matched)
	}
	if w.Root.Record != "v=spf1 include:a.example include:b.example mx -all" || w.WorstCaseLookups() != 3 {
		t.Errorf("what-if tree: %q worst %d", w.Root.Record, w.WorstCaseLookups())
	}
	// The original tree is untouched and still answers as published.
	if v := tree.CheckHost(bg, ip("203.0.113.5"), "", "example.com"); v.Result != Fail || tree.Root.Record != "v=spf1 include:a.example mx -all" {
		t.Errorf("original changed: %s %q", v.Result, tree.Root.Record)
	}
	// Editing on from the what-if tree (the next keystroke) asks nothing new.
	before = r.Queries.Load()
	w2 := w.WhatIf(bg, "v=spf1 include:b.example include:a.example mx ~all")
	if got := r.Queries.Load() - before; got != 0 {
		t.Errorf("second edit asked %d questions, want 0", got)
	}
	if v := w2.CheckHost(bg, ip("192.0.2.1"), "", "example.com"); v.Result != Pass || v.Lookups != 2 {
		t.Errorf("second edit: %s after %d lookups", v.Result, v.Lookups)
	}
}

func TestWhatIfBrokenText(t *testing.T) {
	tree := Prefetch(bg, whatIfZone(), "example.com")
	w := tree.WhatIf(bg, "v=spf1 include:a.example ip4:192.0.2 -all")
	if w.Root.Status != NodeInvalid {
		t.Errorf("status %s", w.Root.Status)
	}
	v := w.CheckHost(bg, ip("192.0.2.1"), "", "example.com")
	if v.Result != PermError || !errors.Is(v.Err, ErrInvalidRecord) || !errors.Is(v.Err, ErrNetwork) {
		t.Errorf("%s %v", v.Result, v.Err)
	}
}

func TestWithRecordOption(t *testing.T) {
	r := whatIfZone()
	v := Check(bg, r, ip("203.0.113.5"), Identity{Sender: "u@example.com"}, WithRecord("v=spf1 include:b.example -all"))
	if v.Result != Pass {
		t.Errorf("--record: %s", v.Result)
	}
	if r.TimesAsked("TXT", "example.com") != 0 {
		t.Error("the published record was fetched although --record replaced it")
	}
}
