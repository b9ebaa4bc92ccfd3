package filters

import (
	"strings"

	"github.com/mxray/mxray/headers"
)

// The Google decoder reads Gmail's X-Gm-* fields. Google documents none of
// them; the readings are the widely reported ones, all marked as guesses:
// X-Gm-Message-State and X-Google-Smtp-Source are stamped by Gmail's
// outgoing servers when a message is sent through Gmail, and X-Gm-Spam and
// X-Gm-Phishy carry Gmail's spam and phishing flags on mail it passes on
// (forwarding, Google Groups). Gmail records no verdict for mail it files
// itself: its Spam folder leaves no field in the header.

var googleDecoder = decoder{
	filter:   Google,
	decode:   decodeGoogle,
	primary:  []string{"x-gm-spam", "x-gm-phishy", "x-gm-message-state", "x-google-smtp-source"},
	evidence: googleEvidence,
}

// isGoogleField reports whether a lower-case name is one of Gmail's.
func isGoogleField(n string) bool {
	return strings.HasPrefix(n, "x-gm-") || n == "x-google-smtp-source"
}

func decodeGoogle(fs []headers.Field) FilterVerdict {
	var v FilterVerdict
	spam, phishy, sent := "", "", false
	for _, f := range fs {
		s := fieldSignal(f, f.Name, f.Value, "")
		val := strings.TrimSpace(f.Value)
		switch strings.ToLower(f.Name) {
		case "x-gm-spam":
			spam = val
			s = guess(s, "Gmail's spam flag (1: Gmail judged it spam, 0: not)")
		case "x-gm-phishy":
			phishy = val
			s = guess(s, "Gmail's phishing flag (1: Gmail judged it phishing, 0: not)")
		case "x-gm-message-state":
			sent = true
			s = guess(s, "an opaque stamp of Gmail's outgoing servers: the message was sent through Gmail")
		case "x-google-smtp-source":
			s = guess(s, "an opaque stamp of Google's SMTP servers (on mail Gmail sends and mail it passes on internally)")
		default:
			s = undocumented(s, "an undocumented Gmail field")
		}
		v.Signals = append(v.Signals, s)
	}
	switch {
	case phishy == "1":
		v.Verdict, v.Summary = Phish, "X-Gm-Phishy: 1"
	case spam == "1":
		v.Verdict, v.Summary = Spam, "X-Gm-Spam: 1"
	case spam == "0":
		v.Verdict, v.Summary = NotSpam, "X-Gm-Spam: 0"
	default:
		v.Verdict = Unknown
		if sent {
			v.Summary = "sent through Gmail (no verdict recorded)"
		}
	}
	if spam != "" || phishy != "" {
		v.Note = "Google documents none of its X-Gm fields: this verdict is an unofficial reading"
	}
	return v
}

// googleEvidence: X-Gm-Message-State without a verdict was written by the
// sending side.
func googleEvidence(fs []headers.Field) evidence {
	state := false
	for _, f := range fs {
		switch strings.ToLower(f.Name) {
		case "x-gm-spam", "x-gm-phishy":
			return evidence{}
		case "x-gm-message-state":
			state = true
		}
	}
	if !state {
		return evidence{}
	}
	return evidence{outside: "X-Gm-Message-State is stamped by Gmail's outgoing servers (an unofficial reading): " +
		"it records how the message was sent, not a receiver's verdict"}
}
