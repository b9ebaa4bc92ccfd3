package trace

import (
	"net/netip"
	"strings"

	"github.com/mxray/mxray/headers/rfc5322"
)

// readFromInfo reads what follows the from name: the TCP information in
// comments (reverse-DNS name, IP, HELO, ident), a bracketed address
// written after the name, and "claiming to be" HELO notes. Then it settles
// the client IP and the HELO.
func (r *Received) readFromInfo(extra []rtok) {
	var commentIP, bareIP netip.Addr
	for k, t := range extra {
		switch t.kind {
		case 'c':
			ip := r.readTCPInfo(t.text)
			if !commentIP.IsValid() {
				commentIP = ip
			}
		case 'w':
			if ip, ok := ParseIP(t.text); ok && !bareIP.IsValid() {
				bareIP = ip
			}
			// smtpd: "from host(1.2.3.4), claiming to be "helo" via SMTP"
			if strings.EqualFold(t.text, "claiming") && k+3 < len(extra) && strings.EqualFold(extra[k+1].text, "to") && strings.EqualFold(extra[k+2].text, "be") {
				r.setHELO(extra[k+3].text)
			}
		}
	}
	switch {
	case commentIP.IsValid():
		r.IP = commentIP
	case bareIP.IsValid():
		r.IP = bareIP
	default:
		if ip, ok := ParseIP(r.From); ok {
			r.IP = ip
		}
	}
	if !r.HELOGiven {
		r.HELO = r.From
	}
}

func (r *Received) setHELO(v string) {
	if r.HELOGiven {
		return
	}
	r.HELO = strings.TrimSpace(v)
	r.HELOGiven = true
}

// readTCPInfo reads one comment of the from-clause and returns the first
// client IP in it. It understands
//
//	(rdns [ip])  (rdns. [ip])  (rdns[ip])  (unknown [ip])    Postfix, Gmail
//	([ip]:port helo=name ident=user)  (helo=name)            Exim
//	(HELO name) (user@ip)  (ip)                              qmail, Yahoo
//	(ip)  (2603:10a6::42)                                    Exchange
//	(user@rdns [ip])  (IDENT:user@rdns [ip])                 sendmail
//	(account user HELO name)                                 CommuniGate
//	(rdns)                                                   a name alone
func (r *Received) readTCPInfo(text string) netip.Addr {
	var words []string
	for _, t := range tokenizeReceived(text) {
		if t.kind == 'w' {
			words = append(words, strings.TrimRight(t.text, ",;"))
		}
	}
	var ip netip.Addr
	for i := 0; i < len(words); i++ {
		w := words[i]
		low := strings.ToLower(w)
		switch {
		case strings.HasPrefix(low, "helo="):
			r.setHELO(w[5:])
			continue
		case strings.HasPrefix(low, "ident="):
			r.Ident = w[6:]
			continue
		case strings.HasPrefix(low, "port=") || strings.HasPrefix(low, "tls="):
			continue
		case low == "helo" || low == "ehlo" || low == "lhlo":
			if i+1 < len(words) {
				r.setHELO(words[i+1])
				i++
			} else {
				r.setHELO("")
			}
			continue
		case low == "account" && i+1 < len(words):
			r.Ident = words[i+1]
			i++
			continue
		case strings.HasPrefix(low, "ident:"):
			r.Ident = w[6:]
			continue
		}
		if a, ok := ParseIP(w); ok {
			if !ip.IsValid() {
				ip = a
			}
			continue
		}
		// "name[ip]" glued together, "<name>[ip]"
		if k := strings.IndexByte(w, '['); k > 0 {
			if a, ok := ParseIP(w[k:]); ok {
				if !ip.IsValid() {
					ip = a
				}
				r.setRDNS(w[:k])
				continue
			}
		}
		// A name followed by a bracketed part is the reverse-DNS name.
		if i+1 < len(words) && strings.HasPrefix(words[i+1], "[") && (strings.Contains(w, ".") || strings.EqualFold(w, "localhost")) {
			r.setRDNS(w)
			continue
		}
		// A comment holding one dotted name only.
		if len(words) == 1 && strings.Contains(w, ".") && LooksLikeHostname(w) {
			r.setRDNS(w)
		}
	}
	return ip
}

// setRDNS records the reverse-DNS name the receiver wrote, unless it says
// there is none ("unknown") or it is not a name.
func (r *Received) setRDNS(name string) {
	name = strings.TrimSuffix(strings.TrimPrefix(name, "<"), ">")
	switch strings.ToLower(name) {
	case "unknown", "softdnserr", "":
		r.RDNSUnknown = true
		return
	}
	if strings.Contains(name, "@") || strings.ContainsAny(name, ":") {
		if r.Ident == "" && strings.Contains(name, "@") {
			r.Ident = name
		}
		return
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return
	}
	if r.RDNS == "" && LooksLikeHostname(name) {
		r.RDNS = name
	}
}

// LooksLikeHostname reports whether s is made of letters, digits, hyphens,
// underscores and dots, with at least one letter: a host name as Received
// fields and receivers write one (not checked against RFC 1123 further).
func LooksLikeHostname(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(rfc5322.IsAlnum(c) || c == '-' || c == '.' || c == '_') {
			return false
		}
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			letter = true
		}
	}
	return letter
}

// ParseIP reads an IP address written the ways Received fields, and the
// receivers' own records (Received-SPF client-ip, Authentication-Results
// smtp.client-ip, Microsoft's CIP), write one: "192.0.2.1", "[192.0.2.1]",
// "[IPv6:2001:db8::1]", "2001:db8::1", "[192.0.2.1]:25", "192.0.2.1:25",
// "[(192.0.2.1)]", "user@192.0.2.1", "user@[192.0.2.1]", "fe80::1%6". The
// zone is removed and an IPv4-mapped IPv6 address becomes IPv4.
func ParseIP(w string) (netip.Addr, bool) {
	w = strings.TrimRight(strings.TrimSpace(w), ",;")
	if at := strings.LastIndexByte(w, '@'); at >= 0 {
		w = w[at+1:]
	}
	if strings.HasPrefix(w, "[") {
		end := strings.IndexByte(w, ']')
		if end < 0 {
			return netip.Addr{}, false
		}
		rest := w[end+1:]
		if rest != "" && !isPort(strings.TrimPrefix(rest, ":")) {
			return netip.Addr{}, false
		}
		w = w[1:end]
	}
	w = strings.TrimSuffix(strings.TrimPrefix(w, "("), ")")
	if len(w) > 5 && strings.EqualFold(w[:5], "ipv6:") {
		w = w[5:]
	}
	if w == "" || len(w) > 64 {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(w)
	if err != nil {
		// "192.0.2.1:25": an IPv4 address with a port.
		host, port, ok := strings.Cut(w, ":")
		if !ok || !isPort(port) {
			return netip.Addr{}, false
		}
		a, err = netip.ParseAddr(host)
		if err != nil || !a.Is4() {
			return netip.Addr{}, false
		}
	}
	return a.WithZone("").Unmap(), true
}

func isPort(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
