package diag

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mxray/mxray/diag/arc"
	"github.com/mxray/mxray/diag/blocklist"
	"github.com/mxray/mxray/diag/filterreport"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/ptrcheck"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/filters"
	"github.com/mxray/mxray/headers/forwarding"
)

// MarshalJSON writes the "headers" contract of DESIGN.md: the analysis's
// fields (hops, sending_ip, helo, envelope_from, from_domain,
// dkim_signatures, authentication_results, arc, received_spf, ...), then
// recheck, then_vs_now, the receiving filters' filter_verdicts with the
// why sentence and the forwarding found, and all findings.
func (r *HeadersReport) MarshalJSON() ([]byte, error) {
	rows := r.ThenVsNow
	if rows == nil {
		rows = []ThenNow{}
	}
	fs := r.Findings
	if fs == nil {
		fs = []finding.Finding{}
	}
	fv := r.Filters.Verdicts
	if fv == nil {
		fv = []filters.FilterVerdict{}
	}
	fw := r.Filters.Forwarding
	if fw.Rewrites == nil {
		fw.Rewrites = []forwarding.Rewrite{}
	}
	return json.Marshal(struct {
		Source string `json:"source"`
		*headers.Analysis
		ARC            []arcJSON               `json:"arc"`
		SendingPTR     *ptrcheck.Result        `json:"sending_ip_ptr,omitempty"`
		Recheck        *Recheck                `json:"recheck"`
		ThenVsNow      []ThenNow               `json:"then_vs_now"`
		FilterVerdicts []filters.FilterVerdict `json:"filter_verdicts"`
		Why            string                  `json:"why"`
		Forwarding     forwarding.Forwarding   `json:"forwarding"`
		Blocklists     *[]blocklist.Result     `json:"blocklists,omitempty"`
		Findings       []finding.Finding       `json:"findings"`
		Queries        int                     `json:"queries"`
	}{r.Source, r.Analysis, r.arcEntries(), r.SendingPTR, r.Recheck, rows, fv, r.Filters.Why, fw, r.Blocklists.results(), fs, r.Queries})
}

// arcJSON is one entry of "arc": the set as the header says it (instance,
// cv, d, s, ...), and, after a re-check, its signatures verified
// ("verified": {seal, ams, problems}).
type arcJSON struct {
	headers.ARCSet
	Verified *arc.Set `json:"verified,omitempty"`
}

// arcEntries pairs each ARC set of the analysis with its verification.
func (r *HeadersReport) arcEntries() []arcJSON {
	out := []arcJSON{}
	if r.Analysis == nil {
		return out
	}
	for _, s := range r.Analysis.ARC {
		e := arcJSON{ARCSet: s}
		if r.Recheck != nil && r.Recheck.ARC != nil {
			for i := range r.Recheck.ARC.Sets {
				if v := &r.Recheck.ARC.Sets[i]; v.Instance == s.Instance {
					e.Verified = v
				}
			}
		}
		out = append(out, e)
	}
	return out
}

// Doc lays the headers report out for the text and Markdown writers.
func (r *HeadersReport) Doc() *render.Doc {
	d := &render.Doc{}
	a := r.Analysis
	d.Heading(1, "mxray headers "+r.Source)
	d.Para(summaryLine(r.Findings, r.Queries))
	d.Fields(
		[2]string{"From domain", clip(a.FromDomain)},
		[2]string{"Envelope sender", clip(a.EnvelopeFrom)},
		[2]string{"Sending IP", sendingIPText(a, r.SendingPTR)},
		[2]string{"HELO", clip(a.HELO)},
		[2]string{"Subject", clip(subjectOf(r.Message))},
		[2]string{"Filters", filterreport.Summarize(r.Filters).Line()},
	)

	d.Heading(2, "Hops (origin first)")
	var rows [][]string
	for _, h := range a.Hops {
		ip := "-"
		if h.IP != nil {
			ip = h.IP.String()
		}
		when := "-"
		if h.Time != nil {
			when = h.Time.UTC().Format("2006-01-02 15:04:05Z")
		}
		delay := "-"
		if h.DelaySeconds != nil {
			delay = formatDelay(*h.DelaySeconds)
		}
		from, by := h.From, h.By
		if h.Raw != "" {
			from, by = "unparsed: "+h.Raw, ""
		}
		rows = append(rows, []string{strconv.Itoa(h.Index), clip(from), clip(by), ip, clip(h.HELO), when, delay, hopMark(h)})
	}
	if len(rows) == 0 {
		d.Para("No Received fields.")
	} else {
		d.Table([]string{"#", "From", "By", "IP", "HELO", "Time (UTC)", "Delay", ""}, rows)
	}

	d.Heading(2, "What the receiver recorded")
	v := a.Receiver
	d.Fields(
		[2]string{"Receiver", clip(v.AuthServID)},
		[2]string{"SPF", string(v.SPF)},
		[2]string{"DKIM", string(v.DKIM)},
		[2]string{"DMARC", string(v.DMARC)},
		[2]string{"ARC", string(v.ARC)},
		[2]string{"compauth", strings.TrimSpace(string(v.CompAuth) + " " + v.CompReason)},
	)
	authResultsDoc(d, a)
	signaturesDoc(d, a)

	if r.Recheck != nil {
		d.Heading(2, "Then (at delivery) vs now (DNS today)")
		var tv [][]string
		for _, t := range r.ThenVsNow {
			check := string(t.Check)
			if !t.Subject.IsZero() {
				check += " " + t.Subject.String()
			}
			tv = append(tv, []string{check, orDash(string(t.Then)), orDash(string(t.Now)), t.Explanation})
		}
		d.Table([]string{"Check", "Then", "Now", "Why"}, tv)
		arcDoc(d, r.Recheck.ARC)
		if s := r.Recheck.SPF; s != nil && s.IP != nil {
			d.Para(fmt.Sprintf("SPF today: %s for %s from %s (HELO %s): %s, %s.", s.Domain, s.Sender, s.IP, orDash(s.HELO), orDash(string(s.Result)), render.Plural(s.Lookups, "lookup")))
		}
	}
	filterreport.Doc(d, r.Filters)
	if r.Blocklists != nil {
		blocklistDoc(d, r.Blocklists)
	}
	render.FindingsDoc(d, r.Findings)
	return d
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// formatDelay writes a hop delay; a negative one beyond a few seconds is
// clock skew (headers.ClockSkewTolerance).
func formatDelay(sec float64) string {
	d := time.Duration(sec * float64(time.Second)).Round(time.Second)
	if -d > headers.ClockSkewTolerance {
		return d.String() + " (clock skew)"
	}
	return d.String()
}

// subjectOf returns the decoded Subject of the message.
func subjectOf(m *headers.Message) string {
	if m == nil {
		return ""
	}
	for _, f := range m.All("Subject") {
		return headers.DecodeWords(f.Value)
	}
	return ""
}

// arcDoc lists the ARC chain as verified: instance, sealer, cv= and the
// verdicts of its seal and message signature.
func arcDoc(d *render.Doc, c *arc.Chain) {
	if c == nil || len(c.Sets) == 0 {
		return
	}
	d.Heading(2, "ARC chain (newest first)")
	var rows [][]string
	for _, s := range c.Sets {
		rows = append(rows, []string{strconv.Itoa(s.Instance), "d=" + s.Domain + " s=" + s.Selector, orDash(string(s.CV)),
			orDash(string(s.Seal.Result)), orDash(string(s.AMS.Result))})
	}
	d.Table([]string{"i", "Sealer", "cv", "Seal", "Message signature"}, rows)
	d.Para(fmt.Sprintf("Chain today: %s. %s. ARC is moving to Historic; DKIM2 is its successor.", c.Result, c.Reason))
}
