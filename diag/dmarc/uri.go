package dmarc

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/mxray/mxray/headers/taglist"
)

// ReportURI is one destination of rua or ruf (RFC 9989 §4.6, ABNF
// dmarc-uri and obs-dmarc-uri in §4.8).
type ReportURI struct {
	URI    string `json:"uri"`    // as written, without any "!size" suffix
	Scheme string `json:"scheme"` // lower-case: "mailto", "https", ...
	// Address is the mailbox of a mailto: URI, percent-decoded.
	Address string `json:"address,omitempty"`
	// Host is the destination host: the domain of a mailto: address, or
	// the host of an https: URI; lower-case, without a trailing dot.
	Host string `json:"host,omitempty"`
	// Size is the obsolete "!size" limit as written (e.g. "10m"); RFC 9989
	// tells reporters to ignore it.
	Size string `json:"size,omitempty"`
	Pos  int    `json:"pos"` // byte offset in the record
}

// parseURIList reads a dmarc-urilist:
//
//	dmarc-urilist = (dmarc-uri / obs-dmarc-uri) *(*WSP "," *WSP (dmarc-uri / obs-dmarc-uri))
//
// It keeps every valid URI and reports each invalid one; RFC 9989 §4.10.1
// counts a rua with "at least one syntactically valid reporting URI".
func parseURIList(tag, v string, pos int) ([]ReportURI, []*taglist.SyntaxError) {
	var uris []ReportURI
	var errs []*taglist.SyntaxError
	start := 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && v[i] != ',' {
			continue
		}
		item := v[start:i]
		off := start
		for len(item) > 0 && isWSP(item[0]) {
			item, off = item[1:], off+1
		}
		item = strings.TrimRight(item, " \t")
		if item == "" {
			errs = append(errs, &taglist.SyntaxError{Pos: pos + off, Tag: tag, Reason: "empty entry in the address list (a stray comma?)", Err: ErrURI})
		} else if u, err := parseReportURI(item, pos+off); err != nil {
			err.Tag = tag
			errs = append(errs, err)
		} else {
			uris = append(uris, u)
		}
		start = i + 1
	}
	return uris, errs
}

// parseReportURI reads one URI with its optional obsolete size suffix:
//
//	obs-dmarc-report-size = "!" 1*DIGIT [ "k" / "m" / "g" / "t" ]
func parseReportURI(s string, pos int) (ReportURI, *taglist.SyntaxError) {
	out := ReportURI{Pos: pos}
	raw := s
	if i := strings.IndexByte(s, '!'); i >= 0 {
		size := s[i+1:]
		if !validSize(size) {
			return out, &taglist.SyntaxError{Pos: pos + i, Value: raw,
				Reason: fmt.Sprintf(`%q: after "!" only a size such as 10m may follow (a "!" inside an address must be written %%21)`, clip(raw)), Err: ErrURI}
		}
		out.Size = size
		s = s[:i]
	}
	out.URI = s
	u, err := url.Parse(s)
	if err != nil {
		return out, &taglist.SyntaxError{Pos: pos, Value: raw, Reason: fmt.Sprintf("%q is not a URI", clip(raw)), Err: ErrURI}
	}
	out.Scheme = strings.ToLower(u.Scheme)
	switch out.Scheme {
	case "":
		reason := fmt.Sprintf("%q has no scheme", clip(raw))
		if strings.Contains(s, "@") {
			reason = fmt.Sprintf("%q needs the mailto: scheme: write mailto:%s", clip(raw), clip(s))
		}
		return out, &taglist.SyntaxError{Pos: pos, Value: raw, Reason: reason, Err: ErrURI}
	case "mailto":
		if u.Opaque == "" {
			return out, &taglist.SyntaxError{Pos: pos, Value: raw, Reason: fmt.Sprintf("%q: write mailto:user@domain, without slashes", clip(raw)), Err: ErrURI}
		}
		addr, err := url.PathUnescape(u.Opaque)
		if err != nil {
			return out, &taglist.SyntaxError{Pos: pos, Value: raw, Reason: fmt.Sprintf("%q has a broken %%-escape", clip(raw)), Err: ErrURI}
		}
		at := strings.LastIndexByte(addr, '@')
		if at <= 0 || at == len(addr)-1 {
			return out, &taglist.SyntaxError{Pos: pos, Value: raw, Reason: fmt.Sprintf("%q is not a mailbox (user@domain)", clip(raw)), Err: ErrURI}
		}
		host := strings.TrimSuffix(strings.ToLower(addr[at+1:]), ".")
		if why := hostProblem(host); why != "" {
			return out, &taglist.SyntaxError{Pos: pos, Value: raw, Reason: fmt.Sprintf("%q: the domain %s", clip(raw), why), Err: ErrURI}
		}
		out.Address, out.Host = addr, host
	default:
		host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
		if host == "" {
			return out, &taglist.SyntaxError{Pos: pos, Value: raw, Reason: fmt.Sprintf("%q has no host", clip(raw)), Err: ErrURI}
		}
		if why := hostProblem(host); why != "" {
			return out, &taglist.SyntaxError{Pos: pos, Value: raw, Reason: fmt.Sprintf("%q: the host %s", clip(raw), why), Err: ErrURI}
		}
		out.Host = host
	}
	return out, nil
}

func validSize(s string) bool {
	if s == "" {
		return false
	}
	n := len(s)
	switch s[n-1] {
	case 'k', 'm', 'g', 't', 'K', 'M', 'G', 'T':
		n--
	}
	if n == 0 {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hostProblem says why host is not a usable mail or web domain (RFC 5321
// §4.1.2 Domain: letters, digits and hyphens; at least two labels), or ""
// when it is.
func hostProblem(host string) string {
	if len(host) > 253 {
		return "is longer than 253 characters"
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return fmt.Sprintf("%q is not a fully qualified domain name", clip(host))
	}
	for _, l := range labels {
		if l == "" {
			return fmt.Sprintf("%q has an empty label", clip(host))
		}
		if len(l) > 63 {
			return fmt.Sprintf("%q has a label longer than 63 characters", clip(host))
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Sprintf("%q has a label starting or ending with a hyphen", clip(host))
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Sprintf("%q has the character %q, not allowed in a domain name", clip(host), string(rune(c)))
			}
		}
	}
	return ""
}
