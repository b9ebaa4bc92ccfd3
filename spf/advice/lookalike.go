package advice

import (
	"fmt"
	"strings"

	"github.com/mxray/mxray/spf"
)

// Warning is a term RFC 7208's grammar accepts but that is probably not what
// the publisher meant, such as "include=example.com" (an unknown modifier,
// ignored) for "include:example.com".
type Warning struct {
	Term    string // the term as written
	Pos     int    // byte offset of the term in the record
	Code    string // dotted finding code, e.g. "spf.lookalike"
	Message string // what receivers will do with it
	Fix     string // what to publish instead
}

// Lookalikes returns a warning for each term of r, in order, that the
// grammar accepts as an unknown modifier (so receivers ignore it) but that
// was almost certainly meant as something else.
func Lookalikes(r *spf.Record) []Warning {
	var out []Warning
	for i := range r.Terms {
		if w, ok := lookalike(&r.Terms[i]); ok {
			out = append(out, w)
		}
	}
	return out
}

// lookalike recognises terms the grammar accepts as unknown modifiers (and
// receivers therefore ignore) but that were almost certainly meant as
// something else: "include=example.com", "ip4=192.0.2.1", a second "v=spf1".
func lookalike(t *spf.Term) (Warning, bool) {
	if t.Modifier == "" || t.Modifier == spf.Redirect || t.Modifier == spf.Exp {
		return Warning{}, false
	}
	if _, ok := reportModifier(t); ok {
		return Warning{}, false // RFC 6652: known, checked in reportFindings
	}
	name := string(t.Modifier)
	val := t.Value.String()
	w := Warning{Term: t.Text, Pos: t.Pos}
	switch spf.Mechanism(name) {
	case spf.All, spf.Include, spf.A, spf.MX, spf.PTR, spf.IP4, spf.IP6, spf.Exists:
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
