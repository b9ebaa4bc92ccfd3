package forwarding

import (
	"strconv"
	"strings"

	"github.com/mxray/mxray/headers"
)

// MaxFieldBytes caps how much of one field is read.
const MaxFieldBytes = 64 << 10

// RewriteKind names what a Rewrite found.
type RewriteKind string

// The kinds of rewriting and forwarding this package recognises.
const (
	// RewriteSRS: the return path was rewritten by SRS.
	RewriteSRS RewriteKind = "srs"
	// RewriteSender: a Sender field names another domain than From.
	RewriteSender RewriteKind = "sender"
	// RewriteList: the message came through a mailing list.
	RewriteList RewriteKind = "list"
	// RewriteFromMunged: a list rewrote From ("… via List") to pass DMARC.
	RewriteFromMunged RewriteKind = "from_rewritten"
	// RewriteForwarded: a field records a forward (X-Forwarded-To,
	// Resent-From, …), or a hop went through a known forwarding service.
	RewriteForwarded RewriteKind = "forwarded"
	// RewriteARC: an intermediary sealed the message with ARC.
	RewriteARC RewriteKind = "arc"
)

// Rewrite is one sign that the message was forwarded, sent through a list
// or sent on someone's behalf.
type Rewrite struct {
	Kind  RewriteKind `json:"kind"`
	Field string      `json:"field"`
	Line  int         `json:"line"`
	Raw   string      `json:"raw"` // the field's value as written
	// By names the forwarder, list or sender: a domain or host.
	By      string `json:"by"`
	SRS     *SRS   `json:"srs,omitempty"` // for RewriteSRS
	Meaning string `json:"meaning"`
	// Internal is true when By belongs to the receiving organisation: the
	// list or forwarder is the receiver's own, so it did not forward the
	// message before the receiver's checks.
	Internal bool `json:"internal,omitempty"`
}

// Forwarding is what the header shows about forwarding and rewriting, and
// what it means for SPF, DKIM and DMARC at the final receiver.
type Forwarding struct {
	Rewrites []Rewrite `json:"rewrites"`
	// Forwarder names the forwarder or list the message went through, ""
	// when none shows.
	Forwarder string `json:"forwarder"`
	// Explanation says what the forwarding did to authentication, given
	// the results the receiver recorded or the re-check found; "" when there
	// is nothing to explain.
	Explanation string `json:"explanation"`
}

// knownForwarders are forwarding and alias services whose servers relay
// mail for other domains' senders; a hop through one explains an SPF
// failure for the original sender. Keyed by the service's domain.
var knownForwarders = map[string]string{
	"pobox.com":             "Pobox",
	"forwardemail.net":      "Forward Email",
	"improvmx.com":          "ImprovMX",
	"simplelogin.co":        "SimpleLogin",
	"simplelogin.com":       "SimpleLogin",
	"duck.com":              "DuckDuckGo Email Protection",
	"anonaddy.me":           "addy.io",
	"addy.io":               "addy.io",
	"mailbox.org":           "mailbox.org",
	"googlegroups.com":      "Google Groups",
	"groups.io":             "Groups.io",
	"freelists.org":         "FreeLists",
	"lists.sourceforge.net": "SourceForge lists",
}

// knownForwarder returns the service a host belongs to and its domain, or
// "" when it is none of them.
func knownForwarder(host string) (name, domain string) {
	host = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(host), "."))
	for d, n := range knownForwarders {
		if host == d || strings.HasSuffix(host, "."+d) {
			return n, d
		}
	}
	return "", ""
}

// Rewrites finds the signs of forwarding and rewriting in m, in header
// order: an SRS return path, a Sender that differs from From, mailing-list
// fields, a From a list rewrote, forwarding fields, hops through known
// forwarders, and ARC seals. a may be nil; it supplies the envelope sender,
// the From domain, the hops and the ARC sets when given.
func Rewrites(m *headers.Message, a *headers.Analysis) []Rewrite {
	out := []Rewrite{}
	if m == nil {
		return out
	}
	fromDomain := ""
	if a != nil {
		fromDomain = a.FromDomain
	}
	listSeen, srsSeen := false, false
	for _, f := range m.Fields {
		val := strings.TrimSpace(f.Value)
		if len(val) > MaxFieldBytes {
			val = val[:MaxFieldBytes]
		}
		n := strings.ToLower(f.Name)
		switch n {
		case "from":
			if fromDomain == "" {
				fromDomain = addrDomain(val)
			}
		case "return-path", "x-envelope-from":
			if srsSeen {
				continue
			}
			if s, ok := ParseSRS(val); ok {
				srsSeen = true
				s := s
				out = append(out, Rewrite{Kind: RewriteSRS, Field: f.Name, Line: f.Line, Raw: val, By: s.Forwarder, SRS: &s, Meaning: srsMeaning(s)})
			}
		}
	}
	if !srsSeen && a != nil {
		if s, ok := ParseSRS(a.EnvelopeFrom); ok {
			out = append(out, Rewrite{Kind: RewriteSRS, Field: a.EnvelopeFromSource, Raw: a.EnvelopeFrom, By: s.Forwarder, SRS: &s, Meaning: srsMeaning(s)})
		}
	}
	for _, f := range m.Fields {
		val := strings.TrimSpace(f.Value)
		if len(val) > MaxFieldBytes {
			val = val[:MaxFieldBytes]
		}
		switch strings.ToLower(f.Name) {
		case "sender":
			d := addrDomain(val)
			if d != "" && fromDomain != "" && !strings.EqualFold(d, fromDomain) {
				out = append(out, Rewrite{Kind: RewriteSender, Field: f.Name, Line: f.Line, Raw: val, By: d,
					Meaning: "the message was sent by " + d + " on behalf of the From address at " + fromDomain +
						" (a list, a delegate or a sending service); DMARC still judges the From domain " + fromDomain})
			}
		case "list-id", "x-beenthere", "list-post", "mailing-list", "x-mailman-version":
			if listSeen {
				continue
			}
			listSeen = true
			by := listHost(f.Name, val)
			out = append(out, Rewrite{Kind: RewriteList, Field: f.Name, Line: f.Line, Raw: val, By: by,
				Meaning: "the message came through the mailing list " + by + ", which sends it on under its own envelope sender " +
					"(so SPF checks the list's domain) and may change it (subject tag, footer), which breaks the author's DKIM signature"})
		case "x-original-from":
			out = append(out, Rewrite{Kind: RewriteFromMunged, Field: f.Name, Line: f.Line, Raw: val, By: addrDomain(val),
				Meaning: "an intermediary replaced the From address and kept the original here (a list's DMARC mitigation): DMARC judged the new From domain"})
		case "x-forwarded-to":
			out = append(out, Rewrite{Kind: RewriteForwarded, Field: f.Name, Line: f.Line, Raw: val,
				Meaning: "the message was forwarded to " + val})
		case "x-forwarded-for":
			// Gmail writes "forwarding-account destination".
			by := addrDomain(firstWord(val))
			out = append(out, Rewrite{Kind: RewriteForwarded, Field: f.Name, Line: f.Line, Raw: val, By: by,
				Meaning: "the mailbox " + firstWord(val) + " forwarded the message"})
		case "resent-from", "resent-sender", "x-resent-from":
			by := addrDomain(val)
			out = append(out, Rewrite{Kind: RewriteForwarded, Field: f.Name, Line: f.Line, Raw: val, By: by,
				Meaning: "the message was resent by " + val + " (" + f.Name + ")"})
		case "return-path":
			if local, dom, ok := strings.Cut(strings.Trim(val, "<> "), "@"); ok && strings.Contains(strings.ToLower(local), "+caf_=") {
				out = append(out, Rewrite{Kind: RewriteForwarded, Field: f.Name, Line: f.Line, Raw: val, By: strings.ToLower(dom),
					Meaning: "Gmail's automatic forwarding rewrote the envelope sender to the forwarding address (\"+caf_=\", an unofficial reading)"})
			}
		}
	}
	if a != nil {
		for _, h := range a.Hops {
			if r, ok := hopForwarder(h, fromDomain); ok {
				out = append(out, r)
			}
		}
		for _, s := range a.ARC {
			if s.Domain == "" {
				continue
			}
			out = append(out, Rewrite{Kind: RewriteARC, Field: "ARC-Seal", Line: firstLine(s.Lines), Raw: "i=" + itoaHop(s.Instance) + "; d=" + s.Domain,
				By: s.Domain, Meaning: "ARC instance " + itoaHop(s.Instance) + " sealed by " + s.Domain +
					": an intermediary recorded the authentication results it saw before it passed the message on"})
		}
		for k := range out {
			out[k].Internal = out[k].By != "" && InOrg(out[k].By, a.ReceivingOrg)
			if out[k].Internal {
				out[k].Meaning += " (" + out[k].By + " is part of the receiving organisation)"
			}
		}
	}
	return out
}

// hopForwarder reports a hop whose client is a known forwarding service
// that is not the From domain's own.
func hopForwarder(h headers.Hop, fromDomain string) (Rewrite, bool) {
	for _, host := range []string{h.RDNS, h.From} {
		name, d := knownForwarder(host)
		if name == "" || strings.EqualFold(fromDomain, d) || strings.HasSuffix(strings.ToLower(fromDomain), "."+d) {
			continue
		}
		return Rewrite{Kind: RewriteForwarded, Field: "Received", Line: h.Line, Raw: host, By: name + " (" + d + ")",
			Meaning: "hop " + itoaHop(h.Index) + " came from " + host + ", a server of " + name + ", which relays mail for other senders"}, true
	}
	return Rewrite{}, false
}

// InOrg reports whether host (a host name, a domain, an address, or "Name
// (domain)") is one of orgs or below one: the receiving organisation's
// domains (headers.Analysis.ReceivingOrg).
func InOrg(host string, orgs []string) bool {
	if i, j := strings.LastIndexByte(host, '('), strings.LastIndexByte(host, ')'); i >= 0 && j > i {
		host = host[i+1 : j]
	}
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:]
	}
	host = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(host), "."))
	if host == "" {
		return false
	}
	for _, o := range orgs {
		o = strings.ToLower(o)
		if o != "" && (host == o || strings.HasSuffix(host, "."+o)) {
			return true
		}
	}
	return false
}

// srsMeaning explains an SRS address.
func srsMeaning(s SRS) string {
	m := "the envelope sender was rewritten by " + s.Forwarder + " with the Sender Rewriting Scheme (" + s.Scheme + ") when it forwarded the message"
	if s.FirstForwarder != "" {
		m += ", after " + s.FirstForwarder + " had forwarded it first"
	}
	if o := s.Original(); o != "" {
		m += "; the original sender was " + o
	}
	return m + "; SPF was checked for " + s.Forwarder + ", not for the original sender"
}

// addrDomain returns the lower-case domain of the first address in v
// that has one (headers.ParseAddressList keeps what it can read of a
// damaged list).
func addrDomain(v string) string {
	l, _ := headers.ParseAddressList(v)
	for _, a := range l {
		if d := a.Domain(); d != "" {
			return d
		}
	}
	return ""
}

// listHost names a list from List-Id ("Name <jmap.ietf.org>"), X-BeenThere
// or List-Post ("<mailto:jmap@ietf.org>").
func listHost(field, v string) string {
	if i, j := strings.LastIndexByte(v, '<'), strings.LastIndexByte(v, '>'); i >= 0 && j > i {
		v = v[i+1 : j]
	}
	v = strings.TrimPrefix(strings.TrimSpace(v), "mailto:")
	if k := strings.IndexByte(v, '?'); k >= 0 {
		v = v[:k]
	}
	if strings.EqualFold(field, "x-mailman-version") {
		return "a Mailman list"
	}
	return strings.ToLower(firstWord(v))
}

func itoaHop(n int) string { return strconv.Itoa(n) }

func firstLine(ls []int) int {
	if len(ls) == 0 {
		return 0
	}
	return ls[0]
}

// firstWord returns s up to the first space, comma or semicolon.
func firstWord(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t,;"); i >= 0 {
		return s[:i]
	}
	return s
}
