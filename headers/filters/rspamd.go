package filters

import (
	"strconv"
	"strings"

	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/rfc5322"
)

// The rspamd decoder reads the fields of rspamd's milter_headers module
// (https://rspamd.com/doc/modules/milter_headers.html; rspamd/rspamd
// src/plugins/lua/milter_headers.lua): X-Spamd-Result ("default: False
// [3.40 / 15.00]; SYMBOL(score)[options]; …", True only when the action is
// reject), X-Rspamd-Server, X-Rspamd-Queue-Id, X-Spamd-Bar ("+" per point,
// "-" per negative point, "/" neutral), the spam flag X-Spam; and the fields
// Haraka's rspamd plugin adds (https://haraka.github.io/plugins/rspamd,
// header.score / header.report / header.bar: X-Rspamd-Score,
// X-Rspamd-Report, X-Rspamd-Bar), and X-Rspamd-Action. Actions and their
// default scores are from https://rspamd.com/doc/configuration/metrics.html
// and rspamd/rspamd conf/actions.conf (reject 15, add_header 6, greylist 4).

var rspamdDecoder = decoder{
	filter:   Rspamd,
	decode:   decodeRspamd,
	primary:  []string{"x-spamd-result", "x-rspamd-report", "x-rspamd-score", "x-rspamd-action", "x-spam"},
	evidence: rspamdEvidence,
}

// rspamd's default action scores (conf/actions.conf).
const (
	rspamdRejectDefault    = 15
	rspamdAddHeaderDefault = 6
	rspamdGreylistDefault  = 4
)

// isRspamdField reports whether a lower-case name is one of rspamd's.
func isRspamdField(n string) bool {
	switch n {
	case "x-spamd-result", "x-spamd-bar", "x-spam":
		return true
	}
	return strings.HasPrefix(n, "x-rspamd-")
}

// rspamdActions explains rspamd's actions.
var rspamdActions = map[string]struct {
	meaning string
	verdict Verdict
}{
	"no action":       {"no action: the message is allowed", NotSpam},
	"greylist":        {"greylist: the message is delayed and accepted when retried", Unknown},
	"soft reject":     {"soft reject: the message is temporarily refused (greylisting or rate limiting)", Unknown},
	"add header":      {"add header: the message is marked as spam with a header (usually filed in Junk)", Spam},
	"rewrite subject": {"rewrite subject: the message is marked as spam in its subject", Spam},
	"quarantine":      {"quarantine: the message is to be quarantined (if the MTA supports it)", Spam},
	"reject":          {"reject: the message is to be refused", Spam},
	"discard":         {"discard: the message is to be dropped silently", Spam},
}

// rspamdSymbol is one symbol of X-Spamd-Result or X-Rspamd-Report.
type rspamdSymbol struct {
	name, raw, options string
	score              *float64
}

// rspamdResult is X-Spamd-Result, read.
type rspamdResult struct {
	metric   string
	isSpam   string // "True" or "False" as written
	score    *float64
	required *float64
	symbols  []rspamdSymbol
}

// parseRspamdResult reads X-Spamd-Result in its current form
// ("default: False [0.40 / 15.00]; SYM(0.00)[opt]; …") and the older one
// ("default: False [3.4 / 15]\n SYM (0.00) [opt]").
func parseRspamdResult(v string) rspamdResult {
	var r rspamdResult
	s := strings.TrimSpace(v)
	if i := strings.Index(s, "["); i >= 0 && strings.Contains(s[i:min(len(s), i+48)], "/") {
		head := s[:i]
		if m, rest, ok := strings.Cut(head, ":"); ok {
			r.metric = strings.TrimSpace(m)
			head = rest
		}
		if w := strings.TrimSpace(head); strings.EqualFold(w, "true") || strings.EqualFold(w, "false") {
			r.isSpam = w
		}
		if j := strings.Index(s[i:], "]"); j >= 0 {
			nums := s[i+1 : i+j]
			a, b, _ := strings.Cut(nums, "/")
			if n, ok := parseNum(strings.TrimSpace(a)); ok {
				r.score = num(n)
			}
			if n, ok := parseNum(strings.TrimSpace(b)); ok {
				r.required = num(n)
			}
			s = s[i+j+1:]
		}
	}
	r.symbols = parseRspamdSymbols(s)
	return r
}

// parseRspamdSymbols reads "SYM(score)[options]" items separated by ";",
// commas or white space; a space may stand before "(" and "[".
func parseRspamdSymbols(s string) []rspamdSymbol {
	var out []rspamdSymbol
	i := 0
	for i < len(s) && len(out) < MaxSignals {
		for i < len(s) && strings.IndexByte("; \t\r\n,", s[i]) >= 0 {
			i++
		}
		start := i
		for i < len(s) && (s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9' || s[i] == '_' || s[i] == '-' || s[i] == '.') {
			i++
		}
		if i == start {
			i++ // not a symbol: skip one byte
			continue
		}
		sym := rspamdSymbol{name: s[start:i]}
		j := rfc5322.SkipFWS(s, i)
		if j < len(s) && s[j] == '(' {
			if k := strings.IndexByte(s[j:], ')'); k >= 0 {
				if n, ok := parseNum(strings.TrimSpace(s[j+1 : j+k])); ok {
					sym.score = num(n)
				}
				i = j + k + 1
				j = rfc5322.SkipFWS(s, i)
				if j < len(s) && s[j] == '[' {
					depth, k := 0, j
					for ; k < len(s); k++ {
						if s[k] == '[' {
							depth++
						} else if s[k] == ']' {
							depth--
							if depth == 0 {
								break
							}
						}
					}
					sym.options = s[j+1 : min(k, len(s))]
					i = min(k+1, len(s))
				}
			}
		}
		sym.raw = strings.TrimSpace(s[start:i])
		if sym.score != nil || ruleLike(sym.name) {
			out = append(out, sym)
		}
	}
	return out
}

func decodeRspamd(fs []headers.Field) FilterVerdict {
	var (
		v         FilterVerdict
		res       rspamdResult
		haveRes   bool
		score     *float64
		action    string
		flag      string
		bar       = ""
		resField  headers.Field
		symbols   []rspamdSymbol
		symField  = map[int]headers.Field{}
		seen      = map[string]bool{}
		preResult string
		symAt     = -1 // where the symbol signals go: at the first field that lists symbols
	)
	for _, f := range fs {
		n := strings.ToLower(f.Name)
		switch n {
		case "x-spamd-result":
			if symAt < 0 {
				symAt = len(v.Signals)
			}
			if !haveRes {
				res, haveRes, resField = parseRspamdResult(f.Value), true, f
				for _, s := range res.symbols {
					if !seen[s.name] {
						seen[s.name] = true
						symField[len(symbols)] = f
						symbols = append(symbols, s)
					}
				}
			}
		case "x-rspamd-report":
			if symAt < 0 {
				symAt = len(v.Signals)
			}
			for _, s := range parseRspamdSymbols(f.Value) {
				if !seen[s.name] {
					seen[s.name] = true
					symField[len(symbols)] = f
					symbols = append(symbols, s)
				}
			}
		case "x-rspamd-score":
			if x, ok := parseNum(firstWord(f.Value)); ok {
				score = num(x)
			}
			v.Signals = append(v.Signals, fieldSignal(f, f.Name, f.Value, "rspamd's score for the message"))
		case "x-rspamd-action":
			action = strings.ToLower(strings.TrimSpace(f.Value))
			s := fieldSignal(f, f.Name, f.Value, "")
			if a, ok := rspamdActions[action]; ok {
				s.Meaning = "rspamd's action: " + a.meaning
			} else {
				s = undocumented(s, "an action rspamd does not define by default (a custom action)")
			}
			v.Signals = append(v.Signals, s)
		case "x-spam":
			flag = strings.ToLower(firstWord(f.Value))
			s := fieldSignal(f, f.Name, f.Value, "")
			switch flag {
			case "yes":
				s.Meaning = "rspamd's spam flag: its action was stronger than greylisting (the header name and value are configurable)"
			case "no":
				s.Meaning = "spam flag: not spam"
			default:
				s = undocumented(s, "")
			}
			v.Signals = append(v.Signals, s)
		case "x-spamd-bar", "x-rspamd-bar":
			bar = strings.TrimSpace(f.Value)
			v.Signals = append(v.Signals, fieldSignal(f, f.Name, f.Value, barMeaning(bar)))
		case "x-rspamd-server":
			v.Signals = append(v.Signals, fieldSignal(f, f.Name, f.Value, "the host rspamd ran on"))
		case "x-rspamd-queue-id":
			v.Signals = append(v.Signals, fieldSignal(f, f.Name, f.Value, "rspamd's id for the scan (look it up in its history)"))
		case "x-rspamd-pre-result":
			preResult = f.Value
			v.Signals = append(v.Signals, fieldSignal(f, f.Name, f.Value, "a module forced the action before scoring (a pre-result)"))
		default:
			v.Signals = append(v.Signals, undocumented(fieldSignal(f, f.Name, f.Value, ""), "an rspamd field mxray does not decode"))
		}
	}
	var syms []Signal
	if haveRes && res.isSpam != "" {
		syms = append(syms, fieldSignal(resField, orDefault(res.metric, "default"), res.isSpam,
			"True means rspamd's action was reject; False any weaker action"))
	}
	for k, s := range symbols {
		syms = append(syms, rspamdSignal(symField[k], s))
	}
	if symAt < 0 {
		symAt = 0
	}
	v.Signals = append(append(append([]Signal{}, v.Signals[:symAt]...), syms...), v.Signals[symAt:]...)
	if haveRes {
		if res.score != nil {
			score = res.score
		}
		v.Threshold = res.required
	}
	v.Score = score
	var why string
	switch {
	case strings.EqualFold(res.isSpam, "true"):
		v.Verdict, why = Spam, "action reject (X-Spamd-Result: True)"
	case action != "":
		if a, ok := rspamdActions[action]; ok {
			v.Verdict = a.verdict
		}
		why = "action " + action
	case flag == "yes":
		v.Verdict, why = Spam, "X-Spam: Yes"
	case preResult != "":
		v.Verdict = Unknown
	case score != nil && v.Threshold != nil && *score >= *v.Threshold:
		v.Verdict = Spam
	case score != nil && *score < rspamdGreylistDefault && (v.Threshold == nil || *v.Threshold == rspamdRejectDefault):
		v.Verdict = NotSpam
		v.Note = "assumes rspamd's default action scores (greylist 4, add header 6, reject 15): the fields do not record the action"
	case score == nil && bar != "" && !strings.Contains(bar, "+"):
		v.Verdict = NotSpam
		v.Note = "read from the score bar alone, assuming rspamd's default action scores"
	default:
		v.Verdict = Unknown
	}
	if v.Verdict == "" {
		v.Verdict = Unknown
	}
	var rules []saRuleHit
	for _, s := range symbols {
		rules = append(rules, saRuleHit{name: s.name, score: s.score})
	}
	v.Summary = scoreSummary(v, why, rules)
	return v
}

// orDefault returns s, or d when s is empty.
func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// barMeaning explains a spam bar.
func barMeaning(bar string) string {
	switch {
	case strings.Count(bar, "+") > 0:
		return "score bar: about " + strconv.Itoa(strings.Count(bar, "+")) + " points"
	case strings.Count(bar, "-") > 0:
		return "score bar: about -" + strconv.Itoa(strings.Count(bar, "-")) + " points"
	case bar == "/":
		return "score bar: a score between -1 and 1"
	}
	return "score bar"
}

// rspamdSignal explains one symbol.
func rspamdSignal(f headers.Field, s rspamdSymbol) Signal {
	sig := fieldSignal(f, s.name, s.raw, "")
	if d, ok := rspamdSymbols[s.name]; ok {
		sig.Meaning = d
	} else {
		sig.Meaning = "an rspamd symbol mxray's table does not describe (see the receiver's rspamd configuration)"
	}
	if s.options != "" {
		sig.Meaning += " [" + s.options + "]"
	}
	if s.score != nil {
		sig.Meaning += " (scored " + fmtNum(*s.score) + ")"
	}
	return sig
}

// rspamdEvidence reads the host rspamd ran on, when it is a full name.
func rspamdEvidence(fs []headers.Field) evidence {
	for _, f := range fs {
		if strings.EqualFold(f.Name, "X-Rspamd-Server") {
			if h := firstWord(f.Value); strings.Contains(h, ".") {
				return evidence{host: h}
			}
		}
	}
	return evidence{}
}
