package diag

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

func TestLooksLikeHeaders(t *testing.T) {
	tests := []struct {
		name, paste string
		want        bool
	}{
		{"domain", "example.com", false},
		{"domain and newline", "example.com\n", false},
		{"ip and domain", "192.0.2.1 example.com\r\n", false},
		{"one field", "Subject: hello", false},
		{"two fields", "From: a@example.com\nTo: b@example.com", true},
		{"field and folding", "Received: from a\n\tby b; Mon, 1 Jan 2024 00:00:00 +0000", true},
		{"CR line ends", "From: a@example.com\rSubject: x\r", true},
		{"blank lines between", "\n\nFrom: a@example.com\n\n\nx\n", true},
		{"two domains", "example.com\nexample.net", false},
		{"space before colon", "From : a@example.com\nTo : b", false},
		{"url", "https://example.com/x\nhttps://example.net/y", false},
		{"mbox From line then field", "From alice@example.com Mon Jan  1 00:00:00 2024\nSubject: x", true},
		{"quoted for a reply", "> From: a@example.com\n> To: b@example.com", true},
		{"quoted twice", ">> Received: from a\n>>\tby b; Mon, 1 Jan 2024 00:00:00 +0000", true},
		{"quoted inside a reply", "On Monday Bob wrote:\n> > Subject: x\n> > From: a@b", true},
		{"quoted text", "> I think so\n> too", false},
	}
	for _, tt := range tests {
		if got := LooksLikeHeaders(tt.paste); got != tt.want {
			t.Errorf("%s: LooksLikeHeaders(%q) = %v, want %v", tt.name, tt.paste, got, tt.want)
		}
	}
}

// TestReadMessage: a message is read once with its bytes kept; one that
// is too large is refused with ErrMessageTooLarge; the From domain is the
// target, or the error says why there is none.
func TestReadMessage(t *testing.T) {
	raw := demo.SampleMessage()
	m, err := ReadMessage(demo.SampleName, raw, HeaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(m.Raw, raw) || m.Source != demo.SampleName || m.Analysis == nil || m.Header == nil {
		t.Fatalf("message %+v", m)
	}
	if tg, err := m.Target(); err != nil || tg.Domain != "healthy.example" {
		t.Errorf("target %+v, %v", tg, err)
	}
	if m.Subject() == "" || len(m.From()) != 1 {
		t.Errorf("subject %q, from %q", m.Subject(), m.From())
	}
	big := append([]byte("Subject: x\r\n"), bytes.Repeat([]byte("X-Pad: aaaaaaaa\r\n"), MaxMessageSize/16)...)
	if _, err := ReadMessage("big", big, HeaderOptions{}); !errors.Is(err, ErrMessageTooLarge) {
		t.Errorf("a message over %d bytes: %v", MaxMessageSize, err)
	}
	noFrom, err := ReadMessage("x", []byte("Subject: no sender\r\nTo: a@example.com\r\n"), HeaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := noFrom.Target(); !errors.Is(err, ErrNoFromDomain) {
		t.Errorf("no From: %v", err)
	}
}

// pipeline runs CheckMessage on the demo's sample, collecting its events.
func pipeline(t *testing.T, opts MessageOptions) (*MessageReport, []Event) {
	t.Helper()
	srv := zoneservertest.New(t, demo.ZoneText())
	c := dnsclient.New(dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: calm})
	m, err := ReadMessage(demo.SampleName, demo.SampleMessage(), HeaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan Event)
	got := make(chan []Event)
	go func() {
		var evs []Event
		for ev := range events {
			evs = append(evs, ev)
		}
		got <- evs
	}()
	opts.Offline = true
	rep := CheckMessage(context.Background(), c, m, opts, events)
	close(events)
	return rep, <-got
}

// TestCheckMessageInvestigates: with the From domain investigated, every
// part streams once, then the final report; the re-check streams too. The
// envelope sender's domain is the From domain (healthy.example), so the
// re-check evaluates SPF against the investigation's very tree, and the
// findings about that tree are the domain report's alone.
func TestCheckMessageInvestigates(t *testing.T) {
	rep, evs := pipeline(t, MessageOptions{Investigate: true})
	var parts []finding.Part
	dones, rechecks := 0, 0
	for _, ev := range evs {
		switch {
		case ev.Done:
			dones++
			if ev.Report != rep.Domain {
				t.Error("the final event is not the final report")
			}
		case ev.Recheck != nil:
			rechecks++
		default:
			parts = append(parts, ev.Part)
		}
	}
	slices.Sort(parts)
	want := Parts()
	slices.Sort(want)
	if !slices.Equal(parts, want) || dones != 1 || rechecks != 1 {
		t.Fatalf("events: parts %v, %d final, %d re-checks", parts, dones, rechecks)
	}
	s := rep.Headers.Recheck.SPF
	if s.Domain != "healthy.example" || s.Verdict.Tree() != rep.Domain.SPF.Tree {
		t.Fatalf("the re-check of %s did not use the investigation's tree", s.Domain)
	}
	for _, f := range rep.Headers.Findings {
		if slices.ContainsFunc(rep.Domain.Findings, func(d finding.Finding) bool {
			return d.Code == f.Code && d.Subject == f.Subject && d.Message == f.Message
		}) {
			t.Errorf("finding %s (%s) is in both reports", f.Code, f.Subject)
		}
	}
	// The selectors of the message's signatures for healthy.example were
	// asked first.
	if k := rep.Domain.DKIM.Keys; len(k) < 2 || k[0].Selector != "s1" || k[1].Selector != "s2" {
		t.Errorf("DKIM keys %+v", k)
	}
}

// TestCheckMessageAlone: without the investigation (mxray headers) the
// re-check builds its own tree and reports its findings; with NoRecheck
// nothing is asked at all.
func TestCheckMessageAlone(t *testing.T) {
	rep, evs := pipeline(t, MessageOptions{})
	if rep.Domain != nil || len(evs) != 1 || evs[0].Recheck != rep.Headers {
		t.Fatalf("domain %v, events %+v", rep.Domain, evs)
	}
	if rep.Headers.Recheck.SPF.Verdict.Tree() == nil || rep.Headers.Recheck.SPF.shared {
		t.Fatal("the re-check did not build its own tree")
	}
	rep, evs = pipeline(t, MessageOptions{NoRecheck: true})
	if rep.Headers.Recheck != nil || len(evs) != 0 || rep.Headers.Queries != 0 {
		t.Fatalf("--no-recheck: %+v, %d events", rep.Headers.Recheck, len(evs))
	}
}
