package filters

import (
	"strings"

	"github.com/mxray/mxray/headers"
)

// The Proofpoint decoder reads X-Proofpoint-Spam-Details ("rule=notspam
// policy=default score=0 spamscore=0 … classifier=spam adjust=0 reason=mlx
// scancount=1 engine=… definitions=…") and X-Proofpoint-Virus-Version.
// Proofpoint documents these fields only to its customers (the Proofpoint
// Protection Server admin guide is behind a login), so every reading here
// is the widely reported one and marked as a guess; the key names
// themselves say what they hold. mgeeky/decode-spam-headers reads them the
// same way.

var proofpointDecoder = decoder{
	filter:   Proofpoint,
	decode:   decodeProofpoint,
	primary:  []string{"x-proofpoint-spam-details", "x-proofpoint-virus-version"},
	evidence: proofpointEvidence,
}

// proofpointKeys gives the usual reading of each key.
var proofpointKeys = map[string]string{
	"rule":             "the policy rule that matched (its name is set by the administrator; notspam, spam, bulk, … by default)",
	"policy":           "the policy applied (default for inbound mail, outbound for mail the organisation sends)",
	"score":            "the overall score, 0-100",
	"spamscore":        "the spam classifier's score, 0-100 (higher is more likely spam)",
	"phishscore":       "the phishing classifier's score, 0-100",
	"malwarescore":     "the malware classifier's score, 0-100",
	"suspectscore":     "the suspect-content classifier's score, 0-100",
	"adultscore":       "the adult-content classifier's score, 0-100",
	"bulkscore":        "the bulk-mail classifier's score, 0-100",
	"impostorscore":    "the impostor (business email compromise) classifier's score, 0-100",
	"lowpriorityscore": "the low-priority-mail classifier's score, 0-100",
	"priorityscore":    "the priority score, 0-100",
	"mlxscore":         "the machine-learning (MLX) classifier's score",
	"mlxlogscore":      "the machine-learning (MLX) classifier's log score",
	"clxscore":         "the CLX classifier's score",
	"ipscore":          "the sending IP's reputation score",
	"classifier":       "the classifier whose result decided",
	"adjust":           "an adjustment added to the score",
	"reason":           "why: mlx (machine learning), safe or orgsafe (a safe list), …",
	"scancount":        "how many times the message was scanned",
	"engine":           "the engine version",
	"definitions":      "the definitions version",
	"vendor":           "the anti-virus vendor",
	"signatures":       "the anti-virus signatures version",
}

func decodeProofpoint(fs []headers.Field) FilterVerdict {
	var v FilterVerdict
	var rule, spamscore, overall string
	for _, f := range fs {
		n := strings.ToLower(f.Name)
		if n != "x-proofpoint-spam-details" && n != "x-proofpoint-virus-version" {
			v.Signals = append(v.Signals, undocumented(fieldSignal(f, f.Name, f.Value, ""), "a Proofpoint field mxray does not decode"))
			continue
		}
		for _, item := range strings.Fields(f.Value) {
			k, val, ok := strings.Cut(item, "=")
			if !ok {
				v.Signals = append(v.Signals, undocumented(fieldSignal(f, item, "", ""), ""))
				continue
			}
			s := fieldSignal(f, k, strings.TrimRight(val, ","), "")
			if m, ok := proofpointKeys[strings.ToLower(k)]; ok {
				s = guess(s, m)
			} else {
				s = undocumented(s, "")
			}
			v.Signals = append(v.Signals, s)
			switch strings.ToLower(k) {
			case "rule":
				rule = strings.ToLower(s.Raw)
			case "spamscore":
				spamscore = s.Raw
			case "score":
				overall = s.Raw
			}
		}
	}
	switch {
	case strings.Contains(rule, "notspam") || strings.Contains(rule, "clean") || strings.Contains(rule, "safe"):
		v.Verdict = NotSpam
	case strings.Contains(rule, "phish"):
		v.Verdict = Phish
	case strings.Contains(rule, "malware") || strings.Contains(rule, "virus"):
		v.Verdict = Malware
	case strings.Contains(rule, "bulk"):
		v.Verdict = Bulk
	case strings.Contains(rule, "spam") || strings.Contains(rule, "definite"):
		v.Verdict = Spam
	default:
		v.Verdict = Unknown
	}
	if x, ok := parseNum(spamscore); ok {
		v.Score = num(x)
	} else if x, ok := parseNum(overall); ok {
		v.Score = num(x)
	}
	if rule != "" {
		v.Note = "the verdict is read from the name of the matching rule (rule=" + rule + "), which the administrator chooses"
	}
	v.Summary = "rule=" + rule
	if v.Score != nil {
		v.Summary += ", spam score " + fmtNum(*v.Score) + " of 100"
	}
	return v
}

// proofpointEvidence reports Proofpoint's outbound policy.
func proofpointEvidence(fs []headers.Field) evidence {
	for _, f := range fs {
		if !strings.EqualFold(f.Name, "X-Proofpoint-Spam-Details") {
			continue
		}
		for _, item := range strings.Fields(f.Value) {
			k, val, _ := strings.Cut(item, "=")
			if (strings.EqualFold(k, "policy") && strings.EqualFold(val, "outbound")) ||
				(strings.EqualFold(k, "rule") && strings.HasPrefix(strings.ToLower(val), "outbound")) {
				return evidence{outside: "Proofpoint applied its outbound policy (" + item + "): the sender's organisation scanned the message as mail it sent"}
			}
		}
	}
	return evidence{}
}
