package spf

import (
	"fmt"
	"strings"
)

// lookalike recognises terms the grammar accepts as unknown modifiers (and
// receivers therefore ignore) but that were almost certainly meant as
// something else: "include=example.com", "ip4=192.0.2.1", a second "v=spf1".
func lookalike(t *Term) (Warning, bool) {
	if t.Modifier == "" || t.Modifier == Redirect || t.Modifier == Exp {
		return Warning{}, false
	}
	name := string(t.Modifier)
	val := t.Value.String()
	w := Warning{Term: t.Text, Pos: t.Pos}
	switch Mechanism(name) {
	case All, Include, A, MX, PTR, IP4, IP6, Exists:
		w.Code = "spf.lookalike"
		w.Message = fmt.Sprintf("%q is an unknown modifier, which receivers ignore, not the %s mechanism: did you mean %s:%s?", t.Text, name, name, val)
		w.Fix = fmt.Sprintf("Publish %s:%s (a colon, not an equals sign).", name, val)
		return w, true
	}
	switch {
	case name == "v" && strings.EqualFold(val, "spf1"):
		w.Code = "spf.lookalike"
		w.Message = "a second \"v=spf1\" inside the record: two records were probably pasted into one; receivers ignore it"
		w.Fix = "Publish one record that starts with v=spf1 once, merging the terms of both."
	case name == "redir" || name == "redirects" || name == "redirection":
		w.Code = "spf.lookalike"
		w.Message = fmt.Sprintf("%q is an unknown modifier, which receivers ignore: did you mean redirect=%s?", t.Text, val)
		w.Fix = fmt.Sprintf("Publish redirect=%s.", val)
	case name == "explanation" || name == "explain":
		w.Code = "spf.lookalike"
		w.Message = fmt.Sprintf("%q is an unknown modifier, which receivers ignore: did you mean exp=%s?", t.Text, val)
		w.Fix = fmt.Sprintf("Publish exp=%s.", val)
	case name == "default":
		w.Code = "spf.unknown_modifier"
		w.Message = fmt.Sprintf("%q is a leftover from pre-RFC drafts; receivers ignore it and it changes no result", t.Text)
		w.Fix = "Remove it; end the record with -all or ~all to say what happens to everything else."
	default:
		w.Code = "spf.unknown_modifier"
		w.Message = fmt.Sprintf("unknown modifier %q: receivers ignore it (RFC 7208 §6)", t.Text)
		w.Fix = "Remove it unless a receiver you care about documents it."
	}
	return w, true
}
