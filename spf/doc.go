// Package spf is mxray's Sender Policy Framework engine: RFC 7208 (which
// obsoletes RFC 4408), with the macro language of RFC 7208 §7, the null MX
// of RFC 7505 and RFC 5952 text for IPv6 addresses.
//
// It works in two stages. [Prefetch] walks a domain's whole record tree
// concurrently, level by level (every include and redirect target, every a
// and mx target and the MX hosts' addresses at once), so wall time is close to
// tree depth × round-trip time, and keeps each node's record, parsed terms,
// the networks they resolve to and what they cost in lookups and void
// lookups. [Tree.CheckHost] then runs check_host() exactly as RFC 7208 §4–§6
// orders it, left to right, counting DNS-querying terms and void lookups in
// evaluation order, reading what prefetch stored and asking the resolver only
// for what depends on the client IP or on macros that were not known before
// (ptr, exists, %{i}, %{s}, %{p} ...). A [Verdict] carries the result, the
// deciding path, the counts at the decision, the worst case and the
// explanation; [Tree.Flatten] lists the authorised networks.
//
// What a technician should fix is not the engine's business: an [Advisor]
// installed with [WithAdvisor] (mxray's is package spf/advice, which this
// package never imports) reads each tree and verdict, and the engine keeps
// its findings with them ([Tree.Findings], [Node.Problems],
// [Verdict.Findings]) and in their JSON.
//
// mxray has its own engine rather than a library because the technician's
// questions need what libraries hide: existing Go libraries such as
// blitiri.com.ar/go/spf evaluate sequentially with DNS inline and return only
// a result, while mxray draws the whole tree with per-node counts before any
// IP is known, reports exact lazy (up to the decision) and worst-case lookup
// counts, re-evaluates thousands of IPs and every keystroke of an edited
// record against one prefetched tree, and names the deciding path and the
// explanation.
//
// The package is a leaf: it knows nothing of terminals or of a concrete DNS
// client. Callers supply a [Resolver]; text it returns (records, explanations,
// terms) is raw and must be sanitised before it reaches a terminal.
package spf
