package authres

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/mxray/mxray/headers/rfc5322"
	"github.com/mxray/mxray/headers/trace"
)

// ReceivedSPF is one Received-SPF field (RFC 7208 §9.1):
//
//	Received-SPF: result [ FWS "(" comment ")" ] [ FWS key-value-list ]
type ReceivedSPF struct {
	Result  Result `json:"result"`  // lower case: pass, fail, softfail, neutral, none, temperror, permerror
	Comment string `json:"comment"` // the explanation in parentheses
	// The keys of RFC 7208 §9.1.
	ClientIP     netip.Addr `json:"-"`                       // "client-ip"
	EnvelopeFrom string     `json:"envelope_from,omitempty"` // "envelope-from"
	HELO         string     `json:"helo,omitempty"`          // "helo"
	Identity     string     `json:"identity,omitempty"`      // "identity": mailfrom, helo
	Receiver     string     `json:"receiver,omitempty"`      // "receiver"
	Mechanism    string     `json:"mechanism,omitempty"`     // "mechanism"
	Problem      string     `json:"problem,omitempty"`       // "problem"
	// Pairs holds every key=value in order, the ones above included.
	Pairs []Property `json:"pairs"`
}

// ErrReceivedSPF is wrapped by the error ParseReceivedSPF returns.
var ErrReceivedSPF = errors.New("unreadable Received-SPF")

// ParseReceivedSPF reads the value of a Received-SPF field. It is lenient
// about the separators between key=value pairs (";" is sometimes left
// out) and about the case of the result word ("Pass", "SoftFail"). The
// error wraps ErrReceivedSPF and is returned only when the result word is
// missing.
func ParseReceivedSPF(value string) (ReceivedSPF, error) {
	s := rfc5322.Unfold(value)
	var r ReceivedSPF
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	start := i
	for i < len(s) && isKeywordChar(s[i]) {
		i++
	}
	r.Result = Result(strings.ToLower(s[start:i]))
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == ';':
			i++
		case c == '(':
			inner, end := rfc5322.Comment(s, i)
			if r.Comment == "" {
				r.Comment = strings.TrimSpace(inner)
			}
			i = end
		default:
			i = r.pair(s, i)
		}
	}
	if r.Pairs == nil {
		r.Pairs = []Property{}
	}
	if r.Result == "" {
		return r, fmt.Errorf("%w: no result word", ErrReceivedSPF)
	}
	return r, nil
}

// pair reads one key=value (or a stray word) at s[i] and returns the
// offset after it.
func (r *ReceivedSPF) pair(s string, i int) int {
	start := i
	for i < len(s) && (isKeywordChar(s[i]) || s[i] == '.') {
		i++
	}
	key := strings.ToLower(s[start:i])
	if key == "" || i >= len(s) || s[i] != '=' {
		// Not a pair: skip the word.
		for i < len(s) && s[i] != ' ' && s[i] != '\t' && s[i] != ';' && s[i] != '(' {
			i++
		}
		return max(i, start+1)
	}
	i++
	var val string
	if i < len(s) && s[i] == '"' {
		val, i = rfc5322.QuotedString(s, i)
	} else {
		vs := i
		for i < len(s) && s[i] != ' ' && s[i] != '\t' && s[i] != ';' && s[i] != '(' {
			i++
		}
		val = s[vs:i]
	}
	r.Pairs = append(r.Pairs, Property{Name: key, Value: val})
	switch key {
	case "client-ip":
		if ip, ok := trace.ParseIP(val); ok {
			r.ClientIP = ip
		}
	case "envelope-from":
		r.EnvelopeFrom = strings.TrimSuffix(strings.TrimPrefix(val, "<"), ">")
	case "helo":
		r.HELO = val
	case "identity":
		r.Identity = strings.ToLower(val)
	case "receiver":
		r.Receiver = val
	case "mechanism":
		r.Mechanism = val
	case "problem":
		r.Problem = val
	}
	return i
}

// CommentHost returns the host name that starts the comment, as in
// "(google.com: domain of … designates …)", or "".
func (r ReceivedSPF) CommentHost() string {
	host, _, ok := strings.Cut(r.Comment, ":")
	if !ok {
		return ""
	}
	host = strings.TrimSpace(host)
	if !trace.LooksLikeHostname(host) || !strings.Contains(host, ".") {
		return ""
	}
	return host
}
