package diag

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// written is a headers report as text.
func written(t *testing.T, rep *HeadersReport) string {
	t.Helper()
	var b bytes.Buffer
	if err := render.Text(&b, rep.Doc(), render.Options{}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHeadersTextListsEveryAuthResult(t *testing.T) {
	raw := "Received: from mx.forwarder.example (mx.forwarder.example [198.51.100.30]) by mx.receiver.example; Mon, 1 Jan 2024 10:00:05 +0000\n" +
		"Authentication-Results: mx.receiver.example; spf=fail smtp.mailfrom=news@sender.example\n" +
		"Authentication-Results: mx.forwarder.example; dkim=pass header.d=sender.example; dmarc=fail header.from=sender.example\n" +
		"Received: from mail.sender.example (mail.sender.example [203.0.113.7]) by mx.forwarder.example; Mon, 1 Jan 2024 10:00:02 +0000\n" +
		"DomainKey-Signature: a=rsa-sha1; q=dns; c=nofws; s=old; d=sender.example; b=abc\n" +
		"From: news@sender.example\n"
	m, err := ReadMessage("t.eml", []byte(raw), HeaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	text := written(t, analyzeHeaders(m))
	for _, want := range []string{
		"mx.forwarder.example", "dmarc", "another ADMD (untrusted)", "the receiver (trusted)",
		"What the sender signed (DKIM-Signature)", "DomainKey-Signature d=sender.example s=old (line 5): not evaluated",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the text report lacks %q:\n%s", want, text)
		}
	}
	if i, j := strings.Index(text, "What the receiver recorded"), strings.Index(text, "What the sender signed"); i < 0 || j < i {
		t.Errorf("the signatures are not under a heading of their own")
	}
}

func TestHeadersTextCutsLongValues(t *testing.T) {
	subject := strings.Repeat("Buy now! ", 137*1024/9)
	raw := "From: a@example.com\nSubject: " + subject + "\n\nbody\n"
	m, err := ReadMessage("t.eml", []byte(raw), HeaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []func(*bytes.Buffer, *render.Doc) error{
		func(b *bytes.Buffer, d *render.Doc) error { return render.Text(b, d, render.Options{}) },
		func(b *bytes.Buffer, d *render.Doc) error { return render.Markdown(b, d, render.Options{}) },
	} {
		var b bytes.Buffer
		if err := f(&b, analyzeHeaders(m).Doc()); err != nil {
			t.Fatal(err)
		}
		if b.Len() > 8<<10 || !strings.Contains(b.String(), "cut: 137 KB in all") {
			t.Errorf("%d bytes written; the Subject's cut: %q", b.Len(), b.String()[:min(b.Len(), 600)])
		}
	}
}

func TestHeadersSendingIPReverseDNS(t *testing.T) {
	srv := zoneservertest.New(t, demo.ZoneText())
	rep := recheck(t, srv, demo.SampleMessage(), time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC))
	if p := rep.SendingPTR; p == nil || !p.FCrDNS || p.ConfirmedBy != "relay.mailer.example" {
		t.Fatalf("sending IP PTR = %+v", p)
	}
	if text := written(t, rep); !strings.Contains(text, "203.0.113.10 (hop 2) · PTR relay.mailer.example, forward-confirmed") {
		t.Errorf("text:\n%s", text)
	}
	out, _ := json.Marshal(rep)
	if !bytes.Contains(out, []byte(`"sending_ip_ptr":{"ip":"203.0.113.10","ptr":["relay.mailer.example"],"fcrdns":true`)) {
		t.Errorf("JSON: %s", out)
	}
	// An address with no PTR: said in the text, and the finding a receiver
	// would hold against it.
	raw := strings.Replace(string(demo.SampleMessage()), "[203.0.113.10]", "[203.0.113.99]", 1)
	raw = strings.ReplaceAll(raw, "203.0.113.10", "203.0.113.99")
	rep = recheck(t, srv, []byte(raw), time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC))
	if text := written(t, rep); !strings.Contains(text, "203.0.113.99 (hop 2) · no PTR record today") {
		t.Errorf("text:\n%s", text)
	}
	found := false
	for _, f := range rep.Findings {
		found = found || f.Code == "ptr.missing" && f.Subject.String() == "203.0.113.99"
	}
	if !found {
		t.Errorf("no ptr.missing finding: %+v", rep.Findings)
	}
	// Without a re-check nothing is asked.
	m, _ := ReadMessage("t.eml", demo.SampleMessage(), HeaderOptions{})
	if r := analyzeHeaders(m); r.SendingPTR != nil || strings.Contains(written(t, r), "PTR") {
		t.Errorf("--no-recheck asked for the PTR")
	}
}
