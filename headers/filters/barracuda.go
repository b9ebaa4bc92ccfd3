package filters

import (
	"net/url"
	"strings"

	"github.com/mxray/mxray/headers"
)

// The Barracuda decoder reads the Barracuda Email Security Gateway's
// fields. X-Barracuda-Spam-Status ("Yes, SCORE=3.60 using per-user scores
// of TAG_LEVEL=3.5 QUARANTINE_LEVEL=9.0 KILL_LEVEL=1000.0 tests=…") names
// which score levels applied: messages are tagged at TAG_LEVEL, quarantined
// at QUARANTINE_LEVEL and blocked at KILL_LEVEL (Barracuda Campus,
// "Why is my Email Security Gateway not using my Global Spam Score
// settings?", solution 00004423, and the Barracuda Spam Firewall User's
// Guide, "Configuring the Global Spam Scoring Limits"; a level of 10 or
// more disables it). X-Barracuda-Spam-Report lists the rules like
// SpamAssassin's report; Barracuda's own BSF_ rules are undocumented.

var barracudaDecoder = decoder{
	filter:   Barracuda,
	decode:   decodeBarracuda,
	primary:  []string{"x-barracuda-spam-status", "x-barracuda-spam-score", "x-barracuda-spam-flag"},
	evidence: barracudaEvidence,
}

// barracudaStatus is X-Barracuda-Spam-Status, read.
type barracudaStatus struct {
	yesNo                 string
	score                 *float64
	scope                 string // global, per-domain, per-user
	tag, quarantine, kill *float64
	tests                 []saRuleHit
}

func parseBarracudaStatus(f headers.Field) barracudaStatus {
	var st barracudaStatus
	v := strings.TrimSpace(f.Value)
	head, rest, _ := strings.Cut(v, ",")
	if w := strings.ToLower(strings.TrimSpace(head)); w == "yes" || w == "no" {
		st.yesNo = strings.ToUpper(w[:1]) + w[1:]
		v = rest
	}
	if i := strings.Index(v, "using "); i >= 0 {
		rest := v[i+len("using "):]
		if j := strings.Index(rest, " scores of"); j >= 0 {
			st.scope = strings.TrimSpace(rest[:j])
		}
	}
	testsAt := strings.Index(v, "tests=")
	params := v
	if testsAt >= 0 {
		params = v[:testsAt]
		st.tests = saTests(strings.TrimSpace(v[testsAt+len("tests="):]), f)
	}
	for _, item := range strings.Fields(params) {
		k, val, ok := strings.Cut(item, "=")
		if !ok {
			continue
		}
		x, ok := parseNum(strings.TrimRight(val, ","))
		if !ok {
			continue
		}
		switch strings.ToUpper(k) {
		case "SCORE":
			st.score = num(x)
		case "TAG_LEVEL":
			st.tag = num(x)
		case "QUARANTINE_LEVEL":
			st.quarantine = num(x)
		case "KILL_LEVEL":
			st.kill = num(x)
		}
	}
	return st
}

func decodeBarracuda(fs []headers.Field) FilterVerdict {
	var v FilterVerdict
	var st barracudaStatus
	have, flag := false, ""
	var set ruleSet
	add := set.add
	var other []Signal
	for _, f := range fs {
		switch strings.ToLower(f.Name) {
		case "x-barracuda-spam-status":
			if !have {
				st, have = parseBarracudaStatus(f), true
				for _, h := range st.tests {
					add(h)
				}
			}
		case "x-barracuda-spam-score":
			if x, ok := parseNum(firstWord(f.Value)); ok && v.Score == nil {
				v.Score = num(x)
			}
		case "x-barracuda-spam-flag":
			flag = strings.ToUpper(firstWord(f.Value))
			other = append(other, fieldSignal(f, f.Name, f.Value, "Barracuda's spam flag (YES when the score reached the tag level)"))
		case "x-barracuda-spam-report":
			hits, _, _ := parseSAReport(f)
			for _, h := range hits {
				add(h)
			}
		case "x-barracuda-connect":
			other = append(other, fieldSignal(f, f.Name, f.Value, "the host and IP that connected to the Barracuda"))
		case "x-barracuda-envelope-from":
			other = append(other, fieldSignal(f, f.Name, f.Value, "the envelope sender the Barracuda saw"))
		case "x-barracuda-url":
			other = append(other, fieldSignal(f, f.Name, f.Value, "the Barracuda's web interface (the appliance that scanned the message)"))
		case "x-barracuda-virus-scanned":
			other = append(other, fieldSignal(f, f.Name, f.Value, "virus scanning ran"))
		case "x-barracuda-bayes":
			other = append(other, guess(fieldSignal(f, f.Name, f.Value, ""), "the Bayes classifier's result (INNOCENT or SPAM, with its probabilities)"))
		case "x-asg-orig-subj":
			other = append(other, fieldSignal(f, f.Name, f.Value, "the subject before the Barracuda tagged it"))
		default:
			other = append(other, undocumented(fieldSignal(f, f.Name, f.Value, ""), "a Barracuda field mxray does not decode"))
		}
	}
	rules := set.rules
	for _, r := range rules {
		s := saRuleSignal(r)
		if s.Undocumented && strings.HasPrefix(r.name, "BSF_") {
			s.Meaning = "one of Barracuda's own rules (BSF_); Barracuda does not document them"
			if r.score != nil {
				s.Meaning += " (scored " + fmtNum(*r.score) + " here)"
			}
		}
		v.Signals = append(v.Signals, s)
	}
	v.Signals = append(v.Signals, other...)
	if st.score != nil {
		v.Score = st.score
	}
	v.Threshold = st.tag
	var why string
	v.Verdict, why = yesNoVerdict("X-Barracuda-Spam-Status", st.yesNo, "X-Barracuda-Spam-Flag", flag, v.Score, v.Threshold)
	if v.Score != nil && st.quarantine != nil && *st.quarantine < 10 && *v.Score >= *st.quarantine &&
		(st.kill == nil || *v.Score < *st.kill) {
		v.Folder = Quarantine
	}
	if st.scope != "" {
		v.Note = "Barracuda used " + st.scope + " score levels"
	}
	v.Summary = scoreSummary(v, why, rules)
	return v
}

// barracudaEvidence reads the appliance's host from X-Barracuda-URL.
func barracudaEvidence(fs []headers.Field) evidence {
	for _, f := range fs {
		if strings.EqualFold(f.Name, "X-Barracuda-URL") {
			if u, err := url.Parse(strings.TrimSpace(f.Value)); err == nil && u.Hostname() != "" {
				return evidence{host: u.Hostname()}
			}
		}
	}
	return evidence{}
}
