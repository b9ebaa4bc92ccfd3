package finding

import (
	"net/netip"
	"strconv"
	"strings"
)

// SubjectKind says what a Subject names.
type SubjectKind string

// The kinds of subject.
const (
	SubjectNone      SubjectKind = ""          // the part as a whole
	SubjectDomain    SubjectKind = "domain"    // a domain or record name: an SPF record's domain, a DMARC level
	SubjectHost      SubjectKind = "host"      // a mail server's host name (an MX target)
	SubjectIP        SubjectKind = "ip"        // an address
	SubjectServer    SubjectKind = "server"    // one address of a mail server: its host name and IP
	SubjectSelector  SubjectKind = "selector"  // a DKIM selector
	SubjectSignature SubjectKind = "signature" // a message's DKIM-Signature, by its d= and s=
	SubjectHop       SubjectKind = "hop"       // a Received hop, 1 = the origin
	SubjectLine      SubjectKind = "line"      // a line of a pasted header
	SubjectText      SubjectKind = "text"      // anything else, named in words ("compauth")
	SubjectFile      SubjectKind = "file"      // an input file, as the user named it
	SubjectReport    SubjectKind = "report"    // a DMARC aggregate report, by its org_name and report_id
)

// Subject is what a finding is about, typed: a view can select it (move
// to the record, the address, the hop) without reading it back from text.
type Subject struct {
	Kind SubjectKind
	// Name is the domain, host, selector or text; for a signature, its s=.
	Name string
	// Domain is a signature's d=.
	Domain string
	// IP is the address of SubjectIP.
	IP netip.Addr
	// N is the hop (1 = origin) or line number.
	N int
}

// Domain names a domain or a record's owner name.
func Domain(name string) Subject { return Subject{Kind: SubjectDomain, Name: name} }

// Host names a mail server by its host name.
func Host(name string) Subject { return Subject{Kind: SubjectHost, Name: name} }

// IP names an address.
func IP(ip netip.Addr) Subject { return Subject{Kind: SubjectIP, IP: ip} }

// Server names one address of a mail server: the MX host name (may be
// "" for a bare address) and the IP probed.
func Server(host string, ip netip.Addr) Subject {
	return Subject{Kind: SubjectServer, Name: host, IP: ip}
}

// Selector names a DKIM selector.
func Selector(s string) Subject { return Subject{Kind: SubjectSelector, Name: s} }

// Signature names a message's DKIM-Signature by its d= and s=.
func Signature(d, s string) Subject { return Subject{Kind: SubjectSignature, Domain: d, Name: s} }

// Hop names a Received hop by its index (1 = origin).
func Hop(n int) Subject { return Subject{Kind: SubjectHop, N: n} }

// Line names a line of a pasted header.
func Line(n int) Subject { return Subject{Kind: SubjectLine, N: n} }

// File names an input file as the user gave it (a report file).
func File(path string) Subject { return Subject{Kind: SubjectFile, Name: path} }

// Report names a DMARC aggregate report by its reporting organisation and
// report_id ("google.com 1234"), or by where it was read when it has none.
func Report(name string) Subject { return Subject{Kind: SubjectReport, Name: name} }

// Text names a subject in words.
func Text(s string) Subject {
	if s == "" {
		return Subject{}
	}
	return Subject{Kind: SubjectText, Name: s}
}

// String is the subject as the JSON contract and the reports write it: the
// name or address, "host/ip" for a server's address, "hop 3", "line 12",
// "d=example.com s=sel"; "" for none.
func (s Subject) String() string {
	switch s.Kind {
	case SubjectIP:
		return s.IP.String()
	case SubjectServer:
		if s.Name == "" {
			return s.IP.String()
		}
		return s.Name + "/" + s.IP.String()
	case SubjectSignature:
		return "d=" + s.Domain + " s=" + s.Name
	case SubjectHop:
		return "hop " + strconv.Itoa(s.N)
	case SubjectLine:
		return "line " + strconv.Itoa(s.N)
	case SubjectNone:
		return ""
	}
	return s.Name
}

// IsZero reports whether the subject is the part as a whole.
func (s Subject) IsZero() bool { return s.Kind == SubjectNone }

// Is reports whether the subject is written name, compared as DNS names
// are: case and a trailing dot ignored.
func (s Subject) Is(name string) bool {
	return strings.EqualFold(strings.TrimSuffix(s.String(), "."), strings.TrimSuffix(name, "."))
}
