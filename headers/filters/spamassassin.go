package filters

import (
	"math"
	"sort"
	"strings"

	"github.com/mxray/mxray/headers"
)

// The SpamAssassin decoder reads the fields SpamAssassin adds by default
// (10_default_prefs.cf: X-Spam-Checker-Version, X-Spam-Flag, X-Spam-Level,
// X-Spam-Status "_YESNO_, score=_SCORE_ required=_REQD_ tests=_TESTS_
// autolearn=_AUTOLEARN_ version=_VERSION_", and X-Spam-Report with
// report_safe 0), and the variants of the programs that run it: amavisd-new
// ("tests=[RULE=score, …]", tagged_above=), SpamAssassin 2.x and 3.0-3.1
// (hits=), cPanel (X-Ham-Report), pair.com (X-Spam-Check-By) and Fastmail
// (X-Spam-Score, X-Spam-Hits). The template tags are documented in
// Mail::SpamAssassin::Conf, "TEMPLATE TAGS"
// (https://spamassassin.apache.org/full/4.0.x/doc/Mail_SpamAssassin_Conf.html);
// rule descriptions come from the generated table (sarules.go).

var spamAssassinDecoder = decoder{
	filter:   SpamAssassin,
	decode:   decodeSpamAssassin,
	primary:  []string{"x-spam-status", "x-spam-flag", "x-spam-score", "x-spam-report", "x-spam-hits"},
	evidence: spamAssassinEvidence,
}

// isSpamAssassinField reports whether a lower-case name is one of the
// SpamAssassin fields this package reads.
func isSpamAssassinField(n string) bool {
	switch n {
	case "x-spam-status", "x-spam-flag", "x-spam-level", "x-spam-score", "x-spam-report", "x-ham-report",
		"x-spam-checker-version", "x-spam-check-by", "x-spam-hits":
		return true
	}
	return false
}

// saRuleHit is one rule a field names, with the score it got there.
type saRuleHit struct {
	name string
	raw  string // as written
	// scoreText is the score as a report wrote it ("-1.9"), when the hit
	// came from one.
	scoreText string
	score     *float64 // the score it got, when the field says
	desc      string   // the receiver's own description (X-Spam-Report)
	detail    string   // extra lines of the report ("[score: 1.0000]")
	field     headers.Field
}

// saStatus is X-Spam-Status, read.
type saStatus struct {
	yesNo     string // "Yes", "No" or "" when absent
	score     *float64
	scoreKey  string // "score" or "hits"
	required  *float64
	tests     []saRuleHit
	autolearn string
	version   string
}

// ruleSet collects rule hits from several fields, one entry per rule in
// the order first seen; a later field fills what an earlier one lacked.
type ruleSet struct {
	rules  []saRuleHit
	byName map[string]int
}

func (s *ruleSet) add(h saRuleHit) {
	if k, ok := s.byName[h.name]; ok {
		r := &s.rules[k]
		if r.score == nil {
			r.score = h.score
		}
		if r.raw == r.name && h.scoreText != "" {
			// A bare name from a list of tests: the report's score is
			// the value worth showing beside it.
			r.raw, r.scoreText = h.scoreText, h.scoreText
		}
		if r.desc == "" {
			r.desc = h.desc
		}
		if r.detail == "" {
			r.detail = h.detail
		}
		return
	}
	if s.byName == nil {
		s.byName = map[string]int{}
	}
	s.byName[h.name] = len(s.rules)
	s.rules = append(s.rules, h)
}

// parseSAStatus reads "Yes, score=7.9 required=5.0 tests=A,B autolearn=no
// version=3.4.6" and its variants; folded test lists, with or without
// commas, and amavisd-new's bracketed "tests=[A=1.2, B=-0.1]".
func parseSAStatus(f headers.Field) saStatus {
	var st saStatus
	v := strings.TrimSpace(f.Value)
	head := v
	if i := strings.IndexAny(v, ", \t"); i >= 0 {
		head, v = v[:i], v[i:]
	} else {
		v = ""
	}
	switch strings.ToLower(head) {
	case "yes", "no":
		st.yesNo = strings.ToUpper(head[:1]) + strings.ToLower(head[1:])
	default:
		v = head + v
	}
	for _, kv := range saItems(strings.TrimLeft(v, ", \t")) {
		switch kv.key {
		case "score", "hits":
			if n, ok := parseNum(kv.value); ok {
				st.score, st.scoreKey = num(n), kv.key
			}
		case "required":
			if n, ok := parseNum(kv.value); ok {
				st.required = num(n)
			}
		case "tests":
			st.tests = saTests(kv.value, f)
		case "autolearn":
			st.autolearn = kv.value
		case "version":
			st.version = kv.value
		}
	}
	return st
}

// saItems splits "key=value key=value" where a value may hold spaces (a
// folded test list) and brackets; a key is a lower-case word followed by
// "=" at the start or after white space, outside brackets.
func saItems(s string) []pair {
	var out []pair
	type start struct{ key, val int }
	var starts []start
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
			continue
		case ']':
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth > 0 || !(s[i] >= 'a' && s[i] <= 'z') || i > 0 && s[i-1] != ' ' && s[i-1] != '\t' && s[i-1] != ',' {
			continue
		}
		j := i
		for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= '0' && s[j] <= '9' || s[j] == '_') {
			j++
		}
		if j < len(s) && s[j] == '=' {
			starts = append(starts, start{i, j + 1})
			i = j
		}
	}
	for k, st := range starts {
		end := len(s)
		if k+1 < len(starts) {
			end = starts[k+1].key
		}
		out = append(out, pair{key: s[st.key : st.val-1], value: strings.TrimSpace(s[st.val:end])})
	}
	return out
}

// saTests reads a tests= value.
func saTests(v string, f headers.Field) []saRuleHit {
	var out []saRuleHit
	v = strings.TrimSpace(v)
	bracket := strings.HasPrefix(v, "[")
	v = strings.Trim(v, "[]")
	sep := func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }
	if bracket {
		sep = func(r rune) bool { return r == ',' }
	}
	for _, item := range strings.FieldsFunc(v, sep) {
		item = strings.TrimSpace(item)
		if item == "" || strings.EqualFold(item, "none") {
			continue
		}
		h := saRuleHit{name: item, raw: item, field: f}
		if name, sc, ok := strings.Cut(item, "="); ok {
			h.name = strings.TrimSpace(name)
			if n, ok := parseNum(strings.TrimSpace(sc)); ok {
				// amavisd-new's "RULE=score": the score is the value.
				h.score, h.raw, h.scoreText = num(n), strings.TrimSpace(sc), strings.TrimSpace(sc)
			}
		}
		if h.name != "" {
			out = append(out, h)
		}
	}
	return out
}

// parseSAReport reads the rule lines of an X-Spam-Report (or X-Ham-Report)
// from the field's raw text, folding kept: " 3.5 BAYES_99 BODY: Bayes spam
// probability is 99 to 100%" or "*  3.5 BAYES_99 …", a continuation line
// ("*      [score: 1.0000]") adding to the rule above it. It also returns the
// "(5.2 points, 5.0 required)" totals when the full report is there.
func parseSAReport(f headers.Field) (hits []saRuleHit, score, required *float64) {
	raw := f.Raw
	if _, rest, ok := strings.Cut(raw, ":"); ok && strings.EqualFold(strings.TrimSpace(raw[:len(raw)-len(rest)-1]), f.Name) {
		raw = rest
	}
	// The full report (report_safe's template, Exim's $spam_report)
	// quotes the message's text before the rule table: "Content
	// preview:  …". Only what follows "Content analysis details" is read,
	// so that a line of the preview cannot pass for a rule.
	if i := strings.Index(raw, "Content analysis details"); i >= 0 {
		raw = raw[i:]
	}
	for _, line := range strings.FieldsFunc(raw, func(r rune) bool { return r == '\n' || r == '\r' }) {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "*"))
		if line == "" {
			continue
		}
		if i := strings.Index(line, "points,"); i > 0 && strings.Contains(line, "required") {
			open := strings.LastIndex(line[:i], "(")
			if open >= 0 {
				if n, ok := parseNum(strings.TrimSpace(line[open+1 : i])); ok {
					score = num(n)
				}
				rest := line[i+len("points,"):]
				if n, ok := parseNum(firstWord(rest)); ok {
					required = num(n)
				}
			}
			continue
		}
		fs := strings.Fields(line)
		if len(fs) >= 2 {
			if n, ok := parseNum(fs[0]); ok && ruleLike(fs[1]) {
				desc := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line[len(fs[0]):]), fs[1]))
				hits = append(hits, saRuleHit{name: fs[1], raw: fs[0], scoreText: fs[0], score: num(n), desc: desc, field: f})
				continue
			}
		}
		if len(hits) > 0 && !strings.HasPrefix(line, "pts") && !strings.HasPrefix(line, "----") {
			h := &hits[len(hits)-1]
			h.detail = strings.TrimSpace(h.detail + " " + line)
		}
	}
	return hits, score, required
}

// ruleLike reports whether s looks like a rule or symbol name.
func ruleLike(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_', c == '-', c == '.':
		default:
			return false
		}
	}
	return upper
}

// parseSAHits reads Fastmail's X-Spam-Hits: "RULE 1.1, RULE -0.5, KEY value".
func parseSAHits(f headers.Field) (hits []saRuleHit, meta []pair) {
	for _, item := range strings.Split(f.Value, ",") {
		fs := strings.Fields(item)
		if len(fs) == 0 {
			continue
		}
		h := saRuleHit{name: fs[0], raw: strings.TrimSpace(item), field: f}
		if len(fs) == 2 {
			if n, ok := parseNum(fs[1]); ok {
				h.score, h.raw, h.scoreText = num(n), fs[1], fs[1]
			} else {
				meta = append(meta, pair{key: fs[0], value: fs[1]})
				continue
			}
		}
		hits = append(hits, h)
	}
	return hits, meta
}

func decodeSpamAssassin(fs []headers.Field) FilterVerdict {
	var v FilterVerdict
	var (
		st            saStatus
		haveStatus    bool
		flag          string
		set           ruleSet
		signals       []Signal
		level         = -1
		reportScore   *float64
		reportReq     *float64
		fieldScore    *float64
		statusField   headers.Field
		trailingNotes []Signal
		rulesAt       = -1 // where the rule signals go: at the first field that names rules
	)
	add := set.add
	for _, f := range fs {
		switch strings.ToLower(f.Name) {
		case "x-spam-status":
			if !haveStatus {
				st, haveStatus, statusField = parseSAStatus(f), true, f
				if rulesAt < 0 {
					rulesAt = len(signals)
				}
				for _, h := range st.tests {
					add(h)
				}
			}
		case "x-spam-flag":
			flag = strings.ToUpper(firstWord(f.Value))
			s := fieldSignal(f, "X-Spam-Flag", f.Value, "")
			switch flag {
			case "YES":
				s.Meaning = "SpamAssassin judged the message spam (its score reached the required score)"
			case "NO":
				s.Meaning = "SpamAssassin judged the message not spam"
			default:
				s = undocumented(s, "")
			}
			signals = append(signals, s)
		case "x-spam-level":
			level = strings.Count(f.Value, "*")
			if level == 0 && strings.Trim(f.Value, " \t") != "" {
				level = len(strings.TrimSpace(f.Value)) // another character was configured
			}
		case "x-spam-score":
			if n, ok := parseNum(firstWord(f.Value)); ok {
				fieldScore = num(n)
			}
		case "x-spam-report", "x-ham-report":
			hits, sc, req := parseSAReport(f)
			if rulesAt < 0 && len(hits) > 0 {
				rulesAt = len(signals)
			}
			for _, h := range hits {
				add(h)
			}
			if sc != nil {
				reportScore = sc
			}
			if req != nil {
				reportReq = req
			}
		case "x-spam-hits":
			hits, meta := parseSAHits(f)
			if rulesAt < 0 && len(hits) > 0 {
				rulesAt = len(signals)
			}
			for _, h := range hits {
				add(h)
			}
			for _, p := range meta {
				trailingNotes = append(trailingNotes, undocumented(fieldSignal(f, p.key, p.value, ""),
					"not a rule: a value the receiver records alongside the rules"))
			}
		case "x-spam-checker-version":
			signals = append(signals, fieldSignal(f, "X-Spam-Checker-Version", f.Value,
				"the SpamAssassin version and the host it ran on"))
		case "x-spam-check-by":
			signals = append(signals, fieldSignal(f, "X-Spam-Check-By", f.Value, "the host that ran the spam check"))
		}
	}
	rules := set.rules
	var ruleSignals []Signal
	for _, r := range rules {
		ruleSignals = append(ruleSignals, saRuleSignal(r))
	}
	if st.autolearn != "" {
		ruleSignals = append(ruleSignals, fieldSignal(statusField, "autolearn", st.autolearn, autolearnMeaning(st.autolearn)))
	}
	ruleSignals = append(ruleSignals, trailingNotes...)
	if rulesAt < 0 {
		rulesAt = len(signals)
	}
	v.Signals = append(append(append([]Signal{}, signals[:rulesAt]...), ruleSignals...), signals[rulesAt:]...)

	switch {
	case st.score != nil:
		v.Score = st.score
	case reportScore != nil:
		v.Score = reportScore
	case fieldScore != nil:
		v.Score = fieldScore
	case level >= 0:
		v.Score = num(float64(level))
		v.Note = "the score is X-Spam-Level's count of stars: one per full point, so a lower bound"
	}
	switch {
	case st.required != nil:
		v.Threshold = st.required
	case reportReq != nil:
		v.Threshold = reportReq
	}
	var why string
	v.Verdict, why = yesNoVerdict("X-Spam-Status", st.yesNo, "X-Spam-Flag", flag, v.Score, v.Threshold)
	v.Summary = scoreSummary(v, why, rules)
	return v
}

// yesNoVerdict settles the verdict of a SpamAssassin-style filter: its
// status word ("Yes"/"No"), else its flag ("YES"/"NO"), else its score
// against its threshold. It returns what decided, for the summary.
func yesNoVerdict(statusField, yesNo, flagField, flag string, score, threshold *float64) (Verdict, string) {
	switch {
	case yesNo == "Yes":
		return Spam, statusField + ": Yes"
	case yesNo == "No":
		return NotSpam, statusField + ": No"
	case flag == "YES":
		return Spam, flagField + ": YES"
	case flag == "NO":
		return NotSpam, flagField + ": NO"
	case score != nil && threshold != nil && *score >= *threshold:
		return Spam, ""
	case score != nil && threshold != nil:
		return NotSpam, ""
	}
	return Unknown, ""
}

// saRuleSignal explains one rule hit.
func saRuleSignal(r saRuleHit) Signal {
	s := fieldSignal(r.field, r.name, r.raw, "")
	rule, known := LookupSARule(r.name)
	desc := r.desc
	switch {
	case desc == "" && known:
		desc = rule.Description
	case desc == "" && strings.HasPrefix(r.name, "T_"):
		if base, ok := LookupSARule(strings.TrimPrefix(r.name, "T_")); ok {
			s = guess(s, "a rule in testing (the T_ prefix) of "+base.Name+": "+base.Description)
			appendScores(&s, r, SARule{})
			return s
		}
	}
	if desc == "" {
		s = undocumented(s, "not a rule SpamAssassin ships ("+SARulesSource()+"): a local, third-party or newer rule")
		appendScores(&s, r, SARule{})
		return s
	}
	s.Meaning = desc
	if r.detail != "" {
		s.Meaning += " " + r.detail
	}
	appendScores(&s, r, rule)
	return s
}

// appendScores adds the score the rule got here and its default score.
func appendScores(s *Signal, r saRuleHit, rule SARule) {
	var parts []string
	if r.score != nil && r.raw != r.scoreText {
		parts = append(parts, "scored "+fmtNum(*r.score)+" here")
	}
	// A report writes scores to one decimal: -0.0 is the default -0.001.
	rounded := r.score != nil && r.scoreText != "" && math.Abs(*r.score-*orZero(rule.Score)) < 0.05
	if rule.Score != nil && (r.score == nil || *r.score != *rule.Score) && !rounded {
		parts = append(parts, "default score "+fmtNum(*rule.Score))
	}
	if len(parts) > 0 {
		s.Meaning += " (" + strings.Join(parts, "; ") + ")"
	}
}

// orZero is *p, or a pointer to 0 when p is nil.
func orZero(p *float64) *float64 {
	if p == nil {
		return num(0)
	}
	return p
}

// autolearnMeaning explains SpamAssassin's _AUTOLEARN_ values.
func autolearnMeaning(v string) string {
	switch strings.ToLower(v) {
	case "ham":
		return "Bayes auto-learning learned it as ham (clearly not spam)"
	case "spam":
		return "Bayes auto-learning learned it as spam"
	case "no":
		return "not auto-learned (the score was not clear enough)"
	case "disabled":
		return "Bayes auto-learning is disabled"
	case "failed":
		return "auto-learning failed"
	case "unavailable":
		return "auto-learning was unavailable"
	}
	return "undocumented autolearn value"
}

// scoreSummary words the reasons for a score-based verdict: "score 7.9, at
// or above the threshold 5 (X-Spam-Status: Yes); largest: BAYES_99 3.5, …".
func scoreSummary(v FilterVerdict, why string, rules []saRuleHit) string {
	var b strings.Builder
	if v.Score != nil {
		b.WriteString("score " + fmtNum(*v.Score))
		if v.Threshold != nil {
			if *v.Score >= *v.Threshold {
				b.WriteString(", at or above the threshold " + fmtNum(*v.Threshold))
			} else {
				b.WriteString(", below the threshold " + fmtNum(*v.Threshold))
			}
		}
	}
	if why != "" {
		if b.Len() > 0 {
			b.WriteString(" (" + why + ")")
		} else {
			b.WriteString(why)
		}
	}
	label, top := "largest: ", topRules(rules, 3, v.Verdict != NotSpam)
	if v.Verdict == NotSpam {
		label = "largest credits: "
	}
	if top != "" {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(label + top)
	}
	return b.String()
}

// topRules names the n rules that weighed most: the highest scores of at
// least 0.5 when spam is true, else the lowest of at most -0.5.
func topRules(rules []saRuleHit, n int, spam bool) string {
	var scored []saRuleHit
	for _, r := range rules {
		if r.score != nil && (spam && *r.score >= 0.5 || !spam && *r.score <= -0.5) {
			scored = append(scored, r)
		}
	}
	sort.SliceStable(scored, func(i, j int) bool {
		if spam {
			return *scored[i].score > *scored[j].score
		}
		return *scored[i].score < *scored[j].score
	})
	var parts []string
	for k, r := range scored {
		if k == n {
			break
		}
		parts = append(parts, r.name+" "+fmtNum(*r.score))
	}
	return strings.Join(parts, ", ")
}

// spamAssassinEvidence reads the host SpamAssassin ran on.
func spamAssassinEvidence(fs []headers.Field) evidence {
	for _, f := range fs {
		switch strings.ToLower(f.Name) {
		case "x-spam-checker-version":
			if _, host, ok := strings.Cut(f.Value, " on "); ok {
				return evidence{host: firstWord(host)}
			}
		case "x-spam-check-by":
			return evidence{host: firstWord(f.Value)}
		case "x-spam-report", "x-ham-report":
			// The full report's template: "Spam detection software,
			// running on the system \"host\", has …".
			const marker = `running on the system "`
			if _, rest, ok := strings.Cut(f.Value, marker); ok {
				if host, _, ok := strings.Cut(rest, `"`); ok && host != "" {
					return evidence{host: host}
				}
			}
		}
	}
	return evidence{}
}
