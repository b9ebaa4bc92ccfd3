package spf

import "strings"

// AddTerm returns record with term added where check_host() reaches it:
// before the all mechanism and any redirect modifier (RFC 7208 §5.1,
// §6.1: terms after "all" are never evaluated, and redirect applies only
// when nothing before it matched), else at the end. A record that already
// has the term (compared without case) comes back unchanged; an empty one
// becomes "v=spf1 TERM". It is for what-if drafts: the result is not
// checked.
func AddTerm(record, term string) string {
	term = strings.TrimSpace(term)
	fields := strings.Fields(record)
	if term == "" {
		return record
	}
	if len(fields) == 0 {
		return "v=spf1 " + term
	}
	at := len(fields)
	for i, f := range fields {
		lf := strings.ToLower(f)
		if strings.EqualFold(f, term) {
			return record
		}
		if i > 0 && at == len(fields) && (strings.TrimLeft(lf, "+-~?") == "all" || strings.HasPrefix(lf, "redirect=")) {
			at = i
		}
	}
	out := append(append(append([]string{}, fields[:at]...), term), fields[at:]...)
	return strings.Join(out, " ")
}
