package filters

import (
	"strings"

	"github.com/mxray/mxray/headers"
)

// The Mimecast decoder reads X-Mimecast-Spam-Score (higher means more spam
// characteristics; 28 or more is rejected during the SMTP conversation,
// "Spam / Phishing - Message Insight - Spam Score",
// https://mimecastsupport.zendesk.com/hc/en-us/articles/34000674839699),
// X-Mimecast-Impersonation-Protect (the checks of an Impersonation Protect
// definition, "Impersonation Protect Definitions",
// https://mimecastsupport.zendesk.com/hc/en-us/articles/34000716013203),
// and shows the other X-Mimecast-* fields, which Mimecast does not
// document, raw.

var mimecastDecoder = decoder{
	filter:  Mimecast,
	decode:  decodeMimecast,
	primary: []string{"x-mimecast-spam-score", "x-mimecast-impersonation-protect"},
}

// isMimecastField reports whether a lower-case name is Mimecast's.
func isMimecastField(n string) bool {
	return strings.HasPrefix(n, "x-mimecast-") || n == "x-mc-unique"
}

// impersonationChecks explains the checks of an Impersonation Protect
// definition, keyed in lower case.
var impersonationChecks = map[string]string{
	"similar internal domain":           "the sender's domain looks like one of the organisation's own domains",
	"similar monitored external domain": "the sender's domain looks like a monitored external domain",
	"custom external domain":            "the sender's domain looks like a domain on the organisation's custom list",
	"mimecast external domain":          "the sender's domain looks like a domain on Mimecast's list",
	"newly observed domain":             "Mimecast has not seen mail from the sender's domain before (not the same as newly registered)",
	"internal user name":                "the display name matches one of the organisation's users",
	"custom display name list":          "the display name matches the organisation's custom list",
	"reply-to address mismatch":         "the Reply-To address differs from the From address",
	"targeted threat dictionary":        "the message contains words from the targeted threat dictionary (for example payment requests)",
	"mimecast threat dictionary":        "the message contains words from Mimecast's threat dictionary",
	"custom threat dictionary":          "the message contains words from the organisation's threat dictionary",
}

func decodeMimecast(fs []headers.Field) FilterVerdict {
	var v FilterVerdict
	hits := 0
	for _, f := range fs {
		switch strings.ToLower(f.Name) {
		case "x-mimecast-spam-score":
			s := fieldSignal(f, f.Name, f.Value, "")
			if x, ok := parseNum(firstWord(f.Value)); ok {
				v.Score = num(x)
				s.Meaning = "Mimecast's spam score: the higher, the more spam characteristics (28 or more is rejected outright; the spam scanning policy decides below that)"
			} else {
				s = undocumented(s, "")
			}
			v.Signals = append(v.Signals, s)
		case "x-mimecast-impersonation-protect":
			for _, p := range headers.SplitItems(f.Value, '=') {
				s := fieldSignal(f, p.Name, p.Value, "")
				if strings.EqualFold(p.Name, "Policy") {
					s.Meaning = "the Impersonation Protect policy applied"
				} else if m, ok := impersonationChecks[strings.ToLower(p.Name)]; ok {
					s.Meaning = m
					if strings.EqualFold(p.Value, "true") {
						hits++
						s.Meaning = "matched: " + m
					} else {
						s.Meaning = "not matched: " + m
					}
				} else {
					s = undocumented(s, "")
				}
				v.Signals = append(v.Signals, s)
			}
		default:
			v.Signals = append(v.Signals, undocumented(fieldSignal(f, f.Name, f.Value, ""), "an opaque Mimecast value; Mimecast does not document it"))
		}
	}
	switch {
	case hits > 0:
		v.Verdict = Phish
		v.Summary = "matched " + plural(hits, "Impersonation Protect check")
	default:
		v.Verdict = Unknown
		if v.Score != nil {
			v.Summary = "spam score " + fmtNum(*v.Score) + " (the threshold is the receiver's spam scanning policy)"
		}
	}
	return v
}
