// Package advice is the technician's side of mxray's SPF engine (package
// spf): it reads a prefetched tree, or the verdicts evaluated against it,
// and says what is wrong and what to publish instead, as findings with a
// fix. The engine evaluates exactly as RFC 7208 orders; this package
// judges what it found:
//
//   - the record tree: no record or several (RFC 7208 §4.5), syntax errors
//     and loops, includes and redirects to nothing (§5.2, §6.1), the
//     lookup and void lookup limits in the worst case (§4.6.4) with where
//     the lookups go, ptr (§5.5), more than 10 MX names, records over the
//     size §3.4 advises, terms after "all", a redirect beside "all", DNS
//     trouble, and what the effective "all" means;
//   - lint the grammar lets through: TXT strings joined without a space
//     (§3.3), "v=spf1" run into a term (§4.5), and terms that are unknown
//     modifiers by accident ("include=", "redir=");
//   - evaluations that ended in permerror or temperror.
//
// A fail verdict is the answer, not a finding; a broken record is. The
// engine never imports this package: it keeps and reports what an
// spf.Advisor returns (see spf.WithAdvisor).
package advice
