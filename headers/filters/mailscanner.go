package filters

import (
	"strings"

	"github.com/mxray/mxray/headers"
)

// The MailScanner decoder reads the fields MailScanner adds, named after
// the organisation ("X-%org-name%-MailScanner-SpamCheck:" and friends in
// MailScanner.conf: Spam Header, Spam Score Header with one "s" per point,
// Mail Header "Found to be clean"/"Found to be infected", Information
// Header, Envelope From Header; MailScanner/v5 etc/MailScanner/MailScanner.conf).
// The SpamCheck value is "spam, SpamAssassin (not cached, score=12.3,
// required 6, RULE 3.50, …)", "not spam, …" or "spam, <list name>".

var mailScannerDecoder = decoder{
	filter:  MailScanner,
	decode:  decodeMailScanner,
	primary: []string{"-mailscanner-spamcheck"},
}

// isMailScannerField reports whether a lower-case name is MailScanner's.
func isMailScannerField(n string) bool {
	return strings.HasPrefix(n, "x-") && strings.Contains(n, "mailscanner")
}

func decodeMailScanner(fs []headers.Field) FilterVerdict {
	var v FilterVerdict
	check := ""
	var rules []saRuleHit
	for _, f := range fs {
		n := strings.ToLower(f.Name)
		s := fieldSignal(f, f.Name, f.Value, "")
		switch {
		case strings.HasSuffix(n, "-spamcheck"):
			check = strings.TrimSpace(f.Value)
			s.Meaning = "MailScanner's spam check: the verdict, then what decided it (SpamAssassin's score, or the spam lists that matched)"
			rules = mailScannerRules(f, check)
			if v.Score == nil {
				v.Score, v.Threshold = mailScannerScore(check)
			}
		case strings.HasSuffix(n, "-spamscore"):
			s.Meaning = "one character per point of the SpamAssassin score: " + itoaCount(f.Value)
		case strings.HasSuffix(n, "-mailscanner"):
			s.Meaning = "the virus scan result"
		case strings.HasSuffix(n, "-information"):
			s.Meaning = "MailScanner's information text (set by the administrator)"
		case strings.HasSuffix(n, "-from"):
			s.Meaning = "the envelope sender MailScanner saw"
		case strings.HasSuffix(n, "-id"):
			s.Meaning = "MailScanner's queue id for the message"
		default:
			s = undocumented(s, "a MailScanner field mxray does not decode")
		}
		v.Signals = append(v.Signals, s)
	}
	for _, r := range rules {
		v.Signals = append(v.Signals, saRuleSignal(r))
	}
	low := strings.ToLower(check)
	switch {
	case strings.HasPrefix(low, "not spam"):
		v.Verdict = NotSpam
	case strings.HasPrefix(low, "spam"):
		v.Verdict = Spam
	default:
		v.Verdict = Unknown
	}
	why := ""
	if check != "" {
		why = firstClause(check)
	}
	v.Summary = scoreSummary(v, why, rules)
	return v
}

// firstClause returns "spam, ORDB-RBL" style text up to its first "(".
func firstClause(s string) string {
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ","))
}

// mailScannerScore reads "score=12.3, required 6" from a SpamCheck value.
func mailScannerScore(s string) (score, required *float64) {
	if i := strings.Index(s, "score="); i >= 0 {
		if x, ok := parseNum(strings.TrimRight(firstWord(s[i+len("score="):]), ",)")); ok {
			score = num(x)
		}
	}
	if i := strings.Index(s, "required"); i >= 0 {
		rest := strings.TrimLeft(s[i+len("required"):], " =")
		if x, ok := parseNum(strings.TrimRight(firstWord(rest), ",)")); ok {
			required = num(x)
		}
	}
	return score, required
}

// mailScannerRules reads the "RULE 3.50" items inside the parentheses.
func mailScannerRules(f headers.Field, s string) []saRuleHit {
	open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || close <= open {
		return nil
	}
	var out []saRuleHit
	for _, item := range strings.Split(s[open+1:close], ",") {
		fs := strings.Fields(item)
		if len(fs) != 2 || !ruleLike(fs[0]) {
			continue
		}
		if x, ok := parseNum(fs[1]); ok {
			out = append(out, saRuleHit{name: fs[0], raw: fs[1], scoreText: fs[1], score: num(x), field: f})
		}
	}
	return out
}

// itoaCount counts the score characters of a SpamScore value.
func itoaCount(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return "0 points"
	}
	return plural(len(v), "point")
}
