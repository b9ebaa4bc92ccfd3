package spfcheck

import (
	"context"
	"encoding/json"
	"net/netip"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/spf"
)

// Query is what "mxray spf" asks: check_host() (RFC 7208 §4) for each
// client IP with the identities a receiver has, or, with no IP, the
// domain's record tree and its worst-case counts.
type Query struct {
	// Domain is checked when set; else the MAIL FROM's domain, or the HELO
	// name for a bounce (RFC 7208 §2.3, §2.4). Without IPs it is required.
	Domain string
	Sender string // MAIL FROM as given; "" for a bounce
	HELO   string // the HELO/EHLO name; its own verdict is helo_result
	IPs    []netip.Addr
	// Record, when not nil, replaces the top domain's published record:
	// what if this were published (--record).
	Record *string
	// Tree, when not nil, is Domain's tree already fetched (the
	// investigation's): the verdicts are computed from it, and DNS is
	// asked again only for what it lacks.
	Tree *spf.Tree
}

// Answer is what an Query found: the tree alone (no IP), one
// verdict, or a verdict per IP against one tree. Its JSON is the spf
// contract of DESIGN.md.
type Answer struct {
	Tree     *spf.Tree
	Verdicts []*spf.Verdict // one per IP, in order
	Findings []finding.Finding
	json     any // the value the contract writes
}

// MarshalJSON writes the spf contract. With IPs, one or several, one
// shape: results holds a verdict per IP, and the first IP's verdict is
// also flat beside it (ip, result, matched, ...), as the one-IP shape always
// had it. Without an IP: the tree and its worst-case counts, and an empty
// results.
func (a *Answer) MarshalJSON() ([]byte, error) { return json.Marshal(a.json) }

// noIPJSON is the answer without an IP: the tree object, and results: [].
type noIPJSON struct{ tree *spf.Tree }

func (n noIPJSON) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(n.tree)
	if err != nil || len(b) < 2 || b[len(b)-1] != '}' {
		return b, err
	}
	return append(b[:len(b)-1], []byte(`,"results":[]}`)...), nil
}

// Doc lays the answer out for the text and Markdown writers: the verdict
// table, the tree with the first verdict's deciding path, the findings.
func (a *Answer) Doc() *render.Doc { return TreeReport(a.Tree, a.Verdicts, a.Findings) }

// Check answers q through client.
func Check(ctx context.Context, client *dnsclient.Client, q Query) *Answer {
	r := Resolver(client)
	opts := []spf.Option{advised}
	if q.Record != nil {
		opts = append(opts, spf.WithRecord(*q.Record))
	}
	if q.Tree != nil {
		opts = append(opts, spf.WithTree(q.Tree))
	}
	id := spf.Identity{Domain: q.Domain, Sender: q.Sender, HELO: q.HELO}
	switch len(q.IPs) {
	case 0:
		t := spf.Prefetch(ctx, r, q.Domain, opts...)
		return &Answer{Tree: t, Findings: Findings(t.Findings()), json: noIPJSON{t}}
	}
	rep := spf.CheckIPs(ctx, r, q.IPs, id, opts...)
	return &Answer{Tree: rep.Tree, Verdicts: rep.Results, Findings: Findings(rep.Findings()), json: rep}
}
