package spf

import (
	"encoding/json"
	"net/netip"
)

// The JSON shapes of DESIGN.md's "spf" contract. Field names are stable;
// fields may be added, never renamed.

type verdictJSON struct {
	Domain           string    `json:"domain"`
	IP               string    `json:"ip"`
	Sender           string    `json:"sender"`
	HELO             string    `json:"helo"`
	Result           Result    `json:"result"`
	HELOResult       *Result   `json:"helo_result"`
	Explanation      string    `json:"explanation"`
	Lookups          int       `json:"lookups"`
	VoidLookups      int       `json:"void_lookups"`
	WorstCaseLookups int       `json:"worst_case_lookups"`
	Matched          *Match    `json:"matched"`
	Error            *string   `json:"error"`
	Tree             *Node     `json:"tree"`
	Findings         []Finding `json:"findings"`
}

// MarshalJSON renders the verdict as DESIGN.md's spf object:
// domain, ip, sender, helo, result, helo_result, explanation, lookups,
// void_lookups, worst_case_lookups, matched, error, tree, findings.
func (v *Verdict) MarshalJSON() ([]byte, error) {
	out := verdictJSON{
		Domain: v.Domain, IP: addrText(v.IP), Sender: v.Sender, HELO: v.HELO,
		Result: v.Result, HELOResult: optResult(v.HELOResult), Explanation: v.Explanation,
		Lookups: v.Lookups, VoidLookups: v.VoidLookups, WorstCaseLookups: v.WorstCaseLookups,
		Matched: v.Matched, Error: errText(v.Err), Findings: nonNil(v.Findings()),
	}
	if v.tree != nil {
		out.Tree = v.tree.Root
	}
	return json.Marshal(out)
}

type perIPJSON struct {
	IP          string  `json:"ip"`
	Result      Result  `json:"result"`
	HELOResult  *Result `json:"helo_result"`
	Explanation string  `json:"explanation"`
	Lookups     int     `json:"lookups"`
	VoidLookups int     `json:"void_lookups"`
	Matched     *Match  `json:"matched"`
	Error       *string `json:"error"`
}

// ResultJSON renders the verdict as one entry of the several-IP shape's
// "results" (ip, result, helo_result, explanation, lookups, void_lookups,
// matched, error): the line a bulk evaluation writes per IP.
func (v *Verdict) ResultJSON() ([]byte, error) {
	return json.Marshal(v.perIP())
}

func (v *Verdict) perIP() perIPJSON {
	return perIPJSON{IP: addrText(v.IP), Result: v.Result,
		HELOResult: optResult(v.HELOResult), Explanation: v.Explanation, Lookups: v.Lookups,
		VoidLookups: v.VoidLookups, Matched: v.Matched, Error: errText(v.Err)}
}

type reportJSON struct {
	Domain string `json:"domain"`
	// The first IP's verdict, flat, as the one-IP shape always had it.
	IP               string      `json:"ip"`
	Sender           string      `json:"sender"`
	HELO             string      `json:"helo"`
	Result           Result      `json:"result"`
	HELOResult       *Result     `json:"helo_result"`
	Explanation      string      `json:"explanation"`
	Lookups          int         `json:"lookups"`
	VoidLookups      int         `json:"void_lookups"`
	WorstCaseLookups int         `json:"worst_case_lookups"`
	WorstCaseVoid    int         `json:"worst_case_void_lookups"`
	Matched          *Match      `json:"matched"`
	Error            *string     `json:"error"`
	Tree             *Node       `json:"tree"`
	Findings         []Finding   `json:"findings"`
	Results          []perIPJSON `json:"results"`
}

// MarshalJSON renders the one shape of "mxray spf" with IPs, one or
// several: domain, sender, helo, worst_case_lookups, tree and findings
// once; the first IP's verdict flat beside them (ip, result, helo_result,
// explanation, lookups, void_lookups, matched, error); and results with
// one such object per IP, in order.
func (r *Report) MarshalJSON() ([]byte, error) {
	out := reportJSON{Domain: r.Domain, Sender: r.Sender, HELO: r.HELO,
		WorstCaseLookups: r.Tree.Root.Lookups, WorstCaseVoid: r.Tree.Root.VoidLookups,
		Tree: r.Tree.Root, Findings: nonNil(r.Findings()), Results: []perIPJSON{}}
	for _, v := range r.Results {
		out.Results = append(out.Results, v.perIP())
	}
	if len(out.Results) > 0 {
		first, v := out.Results[0], r.Results[0]
		out.Domain = v.Domain // the domain checked: the MAIL FROM's or HELO's when none was given
		out.IP, out.Result, out.HELOResult, out.Explanation = first.IP, first.Result, first.HELOResult, first.Explanation
		out.Lookups, out.VoidLookups, out.Matched, out.Error = first.Lookups, first.VoidLookups, first.Matched, first.Error
	}
	return json.Marshal(out)
}

type nodeJSON struct {
	Domain         string     `json:"domain"`
	Via            string     `json:"via,omitempty"`
	Status         NodeStatus `json:"status"`
	Record         string     `json:"record"`
	Strings        []string   `json:"strings,omitempty"`
	Records        []string   `json:"records,omitempty"`
	Ignored        []string   `json:"ignored_records,omitempty"`
	SenderID       []string   `json:"sender_id_records,omitempty"`
	Lookups        int        `json:"lookups"`
	VoidLookups    int        `json:"void_lookups"`
	OwnLookups     int        `json:"own_lookups"`
	OwnVoidLookups int        `json:"own_void_lookups"`
	Incomplete     bool       `json:"incomplete"`
	Error          *string    `json:"error"`
	Warnings       []string   `json:"warnings,omitempty"`
	Terms          []termJSON `json:"terms"`
	Children       []*Node    `json:"children"`
}

type termJSON struct {
	Pos        int          `json:"pos"`
	Term       string       `json:"term"`
	Mechanism  Mechanism    `json:"mechanism,omitempty"`
	Modifier   Modifier     `json:"modifier,omitempty"`
	Result     Result       `json:"result,omitempty"` // what a match gives
	Reachable  bool         `json:"reachable"`
	Lookup     bool         `json:"lookup"`
	Void       bool         `json:"void"`
	Target     string       `json:"target,omitempty"`
	Dynamic    bool         `json:"dynamic,omitempty"`
	NotFetched bool         `json:"not_fetched,omitempty"`
	Networks   []string     `json:"networks,omitempty"`
	MXHosts    []mxHostJSON `json:"mx_hosts,omitempty"`
	Error      *string      `json:"error,omitempty"`
}

type mxHostJSON struct {
	Name  string   `json:"name"`
	Addrs []string `json:"addresses"`
	Error *string  `json:"error,omitempty"`
}

// MarshalJSON renders a node as DESIGN.md's tree object: domain, record,
// lookups, void_lookups, error, children, and more (status, via, terms, own
// counts, warnings).
func (n *Node) MarshalJSON() ([]byte, error) {
	out := nodeJSON{Domain: n.Domain, Via: n.Via, Status: n.Status, Record: n.Record,
		Records: n.Records, Lookups: n.Lookups, VoidLookups: n.VoidLookups,
		OwnLookups: n.OwnLookups, OwnVoidLookups: n.OwnVoidLookups, Incomplete: n.Incomplete,
		Error: errText(n.Err), Terms: []termJSON{}, Children: n.Children}
	if len(n.Strings) > 1 {
		out.Strings = n.Strings
	}
	for _, r := range n.ignored {
		out.Ignored = append(out.Ignored, r.text)
	}
	out.SenderID = n.senderID
	if out.Children == nil {
		out.Children = []*Node{}
	}
	for _, f := range n.Problems {
		out.Warnings = append(out.Warnings, f.Message)
	}
	for i := range n.Terms {
		ti := &n.Terms[i]
		tj := termJSON{Pos: ti.Term.Pos, Term: ti.Term.Text, Mechanism: ti.Term.Mechanism,
			Modifier: ti.Term.Modifier, Reachable: ti.Reachable, Lookup: ti.Lookup, Void: ti.Void,
			Target: ti.Target, Dynamic: ti.Dynamic, NotFetched: ti.NotFetched, Error: errText(ti.Err)}
		if ti.Term.IsDirective() {
			tj.Result = ti.Term.Qualifier.Result()
		}
		for _, p := range ti.Networks {
			tj.Networks = append(tj.Networks, p.String())
		}
		for _, h := range ti.MXHosts {
			hj := mxHostJSON{Name: h.Name, Addrs: []string{}, Error: errText(h.Err)}
			for _, a := range h.Addrs {
				hj.Addrs = append(hj.Addrs, a.String())
			}
			tj.MXHosts = append(tj.MXHosts, hj)
		}
		out.Terms = append(out.Terms, tj)
	}
	return json.Marshal(out)
}

// MarshalJSON renders the flattened networks.
func (f *Flat) MarshalJSON() ([]byte, error) {
	type netJSON struct {
		Network    string `json:"network"`
		Domain     string `json:"domain"`
		Term       string `json:"term"`
		Result     Result `json:"result"`
		Authorised bool   `json:"authorised"`
	}
	type gapJSON struct {
		Domain string `json:"domain"`
		Term   string `json:"term"`
		Reason string `json:"reason"`
	}
	out := struct {
		Networks      []netJSON `json:"networks"`
		IPv4Addresses uint64    `json:"ipv4_addresses"`
		IPv6Addresses string    `json:"ipv6_addresses"`
		Unflattenable []gapJSON `json:"unflattenable"`
	}{Networks: []netJSON{}, IPv4Addresses: f.IPv4Addresses, IPv6Addresses: f.IPv6Addresses.String(), Unflattenable: []gapJSON{}}
	for _, n := range f.Networks {
		out.Networks = append(out.Networks, netJSON{Network: n.Prefix.String(), Domain: n.Domain,
			Term: n.Term, Result: n.Result, Authorised: n.Result == Pass})
	}
	for _, g := range f.Unflattenable {
		out.Unflattenable = append(out.Unflattenable, gapJSON(g))
	}
	return json.Marshal(out)
}

func addrText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func optResult(r Result) *Result {
	if r == "" {
		return nil
	}
	return &r
}

func errText(err error) *string {
	if err == nil {
		return nil
	}
	s := ErrorText(err)
	return &s
}

func nonNil(fs []Finding) []Finding {
	if fs == nil {
		return []Finding{}
	}
	return fs
}

// MarshalJSON renders the tree as DESIGN.md's check.spf object: record,
// lookups and void_lookups (worst case), errors, tree, plus domain,
// incomplete and findings.
func (t *Tree) MarshalJSON() ([]byte, error) {
	errs := t.Errors()
	if errs == nil {
		errs = []string{}
	}
	return json.Marshal(struct {
		Domain      string    `json:"domain"`
		Record      string    `json:"record"`
		Lookups     int       `json:"lookups"`
		VoidLookups int       `json:"void_lookups"`
		Incomplete  bool      `json:"incomplete"`
		Errors      []string  `json:"errors"`
		Tree        *Node     `json:"tree"`
		Findings    []Finding `json:"findings"`
	}{t.Domain, t.Root.Record, t.Root.Lookups, t.Root.VoidLookups, t.Root.Incomplete, errs, t.Root, nonNil(t.Findings())})
}
