package smtp

import (
	"strings"
)

// Extension is one service extension a server announces in its EHLO reply
// (RFC 5321 §4.1.1.1): a keyword, upper-cased, and its parameters.
type Extension struct {
	Keyword string
	Params  []string
}

// EHLO is a parsed EHLO reply.
type EHLO struct {
	Host       string      // the server's name for itself, the first word of the first line
	Greeting   string      // the rest of the first line
	Extensions []Extension // one per further line, in order
	Lines      []string    // the extension lines as received
}

// ParseEHLO reads a 250 reply to EHLO (RFC 5321 §4.1.1.1):
//
//	ehlo-ok-rsp = ( "250" SP Domain [ SP ehlo-greet ] CRLF )
//	            / ( "250-" Domain [ SP ehlo-greet ] CRLF
//	                *( "250-" ehlo-line CRLF ) "250" SP ehlo-line CRLF )
//	ehlo-line   = ehlo-keyword *( SP ehlo-param )
//	ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
//
// A line whose keyword breaks the grammar is kept in Lines but not made an
// extension.
func ParseEHLO(r Reply) EHLO {
	var e EHLO
	if len(r.Lines) == 0 {
		return e
	}
	e.Host, e.Greeting = splitHost(r.Lines[0])
	for _, l := range r.Lines[1:] {
		e.Lines = append(e.Lines, l)
		f := strings.Fields(l)
		if len(f) == 0 || !validKeyword(f[0]) {
			continue
		}
		e.Extensions = append(e.Extensions, Extension{Keyword: strings.ToUpper(f[0]), Params: f[1:]})
	}
	return e
}

// Has reports whether the server announced keyword (case-insensitive).
func (e EHLO) Has(keyword string) bool {
	for _, x := range e.Extensions {
		if strings.EqualFold(x.Keyword, keyword) {
			return true
		}
	}
	return false
}

func validKeyword(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '-') {
			return false
		}
	}
	return k != ""
}

// splitHost splits the first line of a greeting or an EHLO reply into the
// server's name (a domain or an address literal, RFC 5321 §4.2) and the rest.
func splitHost(line string) (host, rest string) {
	line = strings.TrimLeft(line, " ")
	host, rest, _ = strings.Cut(line, " ")
	return host, strings.TrimLeft(rest, " ")
}
