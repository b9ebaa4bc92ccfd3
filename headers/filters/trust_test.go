package filters

import (
	"strings"
	"testing"

	"github.com/mxray/mxray/headers/forwarding"
	"github.com/mxray/mxray/headers/internal/headerstest"
)

const (
	saReceiver = "X-Spam-Checker-Version: SpamAssassin 4.0.0 (2022-12-13) on mx.receiver.example\n" +
		"X-Spam-Status: Yes, score=6.1 required=5.0 tests=BAYES_99,DKIM_SIGNED autolearn=no version=4.0.0\n"
	saSender = "X-Spam-Checker-Version: SpamAssassin 3.4.6 (2021-04-09) on out.sender.example\n" +
		"X-Spam-Status: No, score=-100.0 required=5.0 tests=USER_IN_WELCOMELIST autolearn=no version=3.4.6\n"
	saNoHost = "X-Spam-Status: No, score=-100.0 required=5.0 tests=USER_IN_WELCOMELIST autolearn=no version=3.4.6\n"
)

// Where a filter's fields sit decides whether they are the receiver's.
func TestTrust(t *testing.T) {
	tests := []struct {
		name            string
		text            string
		trust           Trust
		addedBy, reason string // substrings
		verdict         Verdict
	}{
		{"receiver's own, above its Received field", postfixMessage(saReceiver, "", "", ""), TrustReceiver, "", "entered the receiving organisation", Spam},
		// The sender's submission server wrote it, above its own Received field.
		{"sender's side, below the entry hop", postfixMessage("", "", saNoHost, ""), TrustEarlier, "out.sender.example (hop 1)", "already in the message", NotSpam},
		// Just below the entry hop: a milter of the receiver or the sender's
		// last server; the host it names decides.
		{"entry segment naming the sender's host", postfixMessage("", saSender, "", ""), TrustEarlier, "out.sender.example", "sender's side wrote them", NotSpam},
		{"entry segment naming the receiver's host", postfixMessage("", saReceiver, "", ""), TrustReceiver, "", "entered the receiving organisation", Spam},
		{"entry segment naming no host", postfixMessage("", saNoHost, "", ""), TrustReceiver, "", "entered the receiving organisation", NotSpam},
		// Appended at the end (Exim, Haraka, milters): only a named host tells.
		{"appended, naming the receiver", postfixMessage("", "", "", saReceiver), TrustReceiver, "", "receiver's own host mx.receiver.example", Spam},
		{"appended, naming the sender", postfixMessage("", "", "", saSender), TrustEarlier, "out.sender.example", "not part of", NotSpam},
		{"appended, naming no host", postfixMessage("", "", "", saNoHost), TrustUnknown, "", "below every Received field", NotSpam},
		{"no Received field", "From: a@sender.example\n" + saReceiver, TrustUnknown, "", "no Received field", Spam},
		// Every hop internal: the message never left the organisation.
		{"all hops internal", "Received: from [10.0.0.5] (helo=laptop) by mx.receiver.example with ESMTPSA; Mon, 6 Jan 2025 10:00:00 +0000\n" +
			"From: a@receiver.example\n" + saNoHost, TrustReceiver, "", "inside", NotSpam},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, a := headerstest.Parse(t, tt.text)
			v := only(t, Decode(m, a))
			if v.Trust != tt.trust || v.Trusted != (tt.trust == TrustReceiver) || v.Verdict != tt.verdict {
				t.Errorf("trust %s trusted %v verdict %s (%s)", v.Trust, v.Trusted, v.Verdict, v.TrustReason)
			}
			if !strings.Contains(v.AddedBy, tt.addedBy) || (tt.addedBy == "" && v.AddedBy != "") {
				t.Errorf("added by %q, want %q", v.AddedBy, tt.addedBy)
			}
			if !strings.Contains(v.TrustReason, tt.reason) {
				t.Errorf("reason %q lacks %q", v.TrustReason, tt.reason)
			}
		})
	}
}

// A header whose sender already ran SpamAssassin and whose receiver ran it
// too: two verdicts, only the receiver's trusted.
func TestTrustBothSides(t *testing.T) {
	m, a := headerstest.Parse(t, postfixMessage(saReceiver, "", saSender, ""))
	vs := Decode(m, a)
	if len(vs) != 2 {
		t.Fatalf("got %d verdicts", len(vs))
	}
	if !vs[0].Trusted || vs[0].Verdict != Spam || vs[1].Trusted || vs[1].Verdict != NotSpam {
		t.Errorf("got %v/%s and %v/%s", vs[0].Trusted, vs[0].Verdict, vs[1].Trusted, vs[1].Verdict)
	}
	if w := Why(vs, Auth{}, forwarding.Forwarding{}); !strings.HasPrefix(w, "SpamAssassin marked it as spam: score 6.1") {
		t.Errorf("why %q: must rest on the receiver's verdict", w)
	}
}

// Without an Analysis nothing is trusted.
func TestTrustNoAnalysis(t *testing.T) {
	m, _ := headerstest.Parse(t, postfixMessage(saReceiver, "", "", ""))
	v := only(t, Decode(m, nil))
	if v.Trusted || v.Trust != TrustUnknown {
		t.Errorf("trust %s", v.Trust)
	}
	if got := Decode(nil, nil); got == nil || len(got) != 0 {
		t.Errorf("Decode(nil) = %#v", got)
	}
}
