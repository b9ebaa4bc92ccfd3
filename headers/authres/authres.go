package authres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mxray/mxray/headers/rfc5322"
)

// Result is a result word of an Authentication-Results method (RFC 8601
// §2.7) or of Received-SPF (RFC 7208 §8), lower case.
type Result string

// The result words of RFC 8601 §2.7 and RFC 7208 §8.
const (
	ResultPass      Result = "pass"      // RFC 7208 §8.3, RFC 8601 §2.7.1
	ResultFail      Result = "fail"      // RFC 7208 §8.4, RFC 8601 §2.7.1
	ResultSoftFail  Result = "softfail"  // RFC 7208 §8.5
	ResultNeutral   Result = "neutral"   // RFC 7208 §8.2, RFC 8601 §2.7.1
	ResultNone      Result = "none"      // RFC 7208 §8.1, RFC 8601 §2.7.1
	ResultTempError Result = "temperror" // RFC 7208 §8.6, RFC 8601 §2.7.1
	ResultPermError Result = "permerror" // RFC 7208 §8.7, RFC 8601 §2.7.1
	ResultPolicy    Result = "policy"    // RFC 8601 §2.7.1 (DKIM)
	ResultHardFail  Result = "hardfail"  // RFC 5451, obsolete: now "fail"
)

// AuthResults is one Authentication-Results field (RFC 8601 §2.2).
type AuthResults struct {
	// AuthServID names the host that did the checks; "" when the field
	// has none (Microsoft 365 writes it so).
	AuthServID string `json:"authserv_id"`
	Version    string `json:"version,omitempty"` // authres-version, when written
	// NoResult is true for "authserv-id; none": nothing was checked.
	NoResult bool         `json:"no_result,omitempty"`
	Results  []AuthResult `json:"results"` // in order; empty, never nil
}

// AuthResult is one method's result (resinfo, RFC 8601 §2.2).
type AuthResult struct {
	Method        string     `json:"method"`                   // lower case: "spf", "dkim", "dmarc", "dkim-atps", "compauth", …
	MethodVersion string     `json:"method_version,omitempty"` // "dkim/1" gives "1"
	Result        Result     `json:"result"`                   // lower case, as written
	Reason        string     `json:"reason,omitempty"`         // reason=
	Comment       string     `json:"comment,omitempty"`        // comments after the result, joined
	Properties    []Property `json:"properties"`               // in order; empty, never nil
}

// Property is one ptype.property=value of a result (RFC 8601 §2.3);
// Microsoft's "action=none" has no ptype.
type Property struct {
	Type  string `json:"type,omitempty"` // "smtp", "header", "body", "policy", or ""
	Name  string `json:"name"`           // "mailfrom", "d", "client-ip", …
	Value string `json:"value"`          // quotes removed
}

// Key returns "type.name", or the name alone when there is no type.
func (p Property) Key() string {
	if p.Type == "" {
		return p.Name
	}
	return p.Type + "." + p.Name
}

// Prop returns the value of the property named key ("smtp.mailfrom",
// case-insensitive) and whether it is present.
func (r AuthResult) Prop(key string) (string, bool) {
	for _, p := range r.Properties {
		if strings.EqualFold(p.Key(), key) {
			return p.Value, true
		}
	}
	return "", false
}

// ErrAuthResults is wrapped by the error ParseAuthResults returns.
var ErrAuthResults = errors.New("unreadable Authentication-Results")

// AuthResError says where an Authentication-Results field breaks and why.
type AuthResError struct {
	Pos    int    // byte offset in the (unfolded) value
	Reason string // what is wrong, in words
}

// Error says where the field breaks.
func (e *AuthResError) Error() string {
	return fmt.Sprintf("%v at byte %d: %s", ErrAuthResults, e.Pos, e.Reason)
}

// Unwrap returns ErrAuthResults.
func (e *AuthResError) Unwrap() error { return ErrAuthResults }

// ParseAuthResults reads the value of an Authentication-Results field
// (RFC 8601 §2.2), the same syntax ARC-Authentication-Results carries
// after its "i=" tag and X-MS-Exchange-Authentication-Results uses. It
// tolerates what receivers write: no authserv-id (Microsoft 365 starts
// with "spf=…"), a missing ";" between the authserv-id and the first
// result, comments anywhere, quoted values holding ";", properties without
// a ptype ("action=none"), values holding "=" and "@". Methods are kept
// as named: "dkim-atps" and "dkim-adsp" are not "dkim".
//
// It returns what it could read; the error, an *AuthResError, says where
// the rest could not be read.
func ParseAuthResults(value string) (AuthResults, error) {
	p := &arParser{s: rfc5322.Unfold(value)}
	var ar AuthResults
	p.cfws()
	if !p.startsWithMethod() {
		ar.AuthServID = p.value()
		p.cfws()
		if v := p.digits(); v != "" {
			ar.Version = v
			p.cfws()
		}
	}
	var firstErr error
	for {
		p.cfws()
		if p.eof() {
			break
		}
		if p.peek() == ';' {
			p.i++
			continue
		}
		if p.keywordIs("none") {
			p.i += 4
			ar.NoResult = true
			continue
		}
		res, err := p.resinfo()
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		ar.Results = append(ar.Results, res)
	}
	if ar.Results == nil {
		ar.Results = []AuthResult{}
	}
	if firstErr == nil && len(ar.Results) == 0 && !ar.NoResult {
		firstErr = &AuthResError{Pos: p.i, Reason: "there is no method=result and no “none”"}
	}
	return ar, firstErr
}

// arParser walks an Authentication-Results value.
type arParser struct {
	s        string
	i        int
	comments []string
}

func (p *arParser) eof() bool  { return p.i >= len(p.s) }
func (p *arParser) peek() byte { return p.s[p.i] }

// cfws skips white space and comments, keeping the comments' text.
func (p *arParser) cfws() {
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			p.i++
		case c == '(':
			inner, end := rfc5322.Comment(p.s, p.i)
			p.comments = append(p.comments, strings.TrimSpace(inner))
			p.i = end
		default:
			return
		}
	}
}

func isKeywordChar(c byte) bool {
	return rfc5322.IsAlnum(c) || c == '-' || c == '_'
}

// keyword reads a method, ptype or property name.
func (p *arParser) keyword() string {
	start := p.i
	for p.i < len(p.s) && isKeywordChar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// keywordIs reports whether the word at the cursor is w, alone.
func (p *arParser) keywordIs(w string) bool {
	end := p.i + len(w)
	if end > len(p.s) || !strings.EqualFold(p.s[p.i:end], w) {
		return false
	}
	return end == len(p.s) || !isKeywordChar(p.s[end])
}

func (p *arParser) digits() string {
	start := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	if p.i < len(p.s) && p.s[p.i] != ';' && p.s[p.i] != ' ' && p.s[p.i] != '\t' && p.s[p.i] != '(' {
		p.i = start
		return ""
	}
	return p.s[start:p.i]
}

// startsWithMethod reports whether the value starts with "method=" (or
// "method/version="), meaning it has no authserv-id.
func (p *arParser) startsWithMethod() bool {
	save := p.i
	defer func() { p.i = save }()
	if p.keyword() == "" {
		return false
	}
	if p.i < len(p.s) && p.s[p.i] == '/' {
		p.i++
		p.cfws()
		p.keyword()
	}
	p.cfws()
	return p.i < len(p.s) && p.s[p.i] == '='
}

// value reads a token or quoted string: up to white space, ";" or a
// comment. Quotes are removed.
func (p *arParser) value() string {
	if p.i < len(p.s) && p.s[p.i] == '"' {
		text, end := rfc5322.QuotedString(p.s, p.i)
		p.i = end
		return text
	}
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '(' {
			break
		}
		p.i++
	}
	return p.s[start:p.i]
}

// resinfo reads method[/version]=result [reason=…] [ptype.prop=value …].
func (p *arParser) resinfo() (AuthResult, error) {
	var r AuthResult
	start := p.i
	p.comments = p.comments[:0]
	r.Method = strings.ToLower(p.keyword())
	if r.Method == "" {
		p.skipToSemicolon()
		return r, &AuthResError{Pos: start, Reason: fmt.Sprintf("expected a method name, found %q", excerptAt(p.s, start))}
	}
	p.cfws()
	if !p.eof() && p.peek() == '/' {
		p.i++
		p.cfws()
		r.MethodVersion = p.keyword()
		p.cfws()
	}
	if p.eof() || p.peek() != '=' {
		p.skipToSemicolon()
		return r, &AuthResError{Pos: start, Reason: fmt.Sprintf("method %q has no “=result”", r.Method)}
	}
	p.i++
	p.cfws()
	r.Result = Result(strings.ToLower(p.value()))
	for {
		p.cfws()
		if p.eof() || p.peek() == ';' {
			break
		}
		pstart := p.i
		name := p.keyword()
		if name == "" {
			// Not a property: skip one value and carry on.
			p.value()
			if p.i == pstart {
				p.i++
			}
			continue
		}
		ptype := ""
		if !p.eof() && p.peek() == '.' {
			p.i++
			ptype, name = strings.ToLower(name), p.keyword()
		}
		p.cfws()
		if p.eof() || p.peek() != '=' {
			continue
		}
		p.i++
		p.cfws()
		v := p.value()
		if ptype == "" && strings.EqualFold(name, "reason") {
			r.Reason = v
			continue
		}
		r.Properties = append(r.Properties, Property{Type: ptype, Name: strings.ToLower(name), Value: v})
	}
	if r.Properties == nil {
		r.Properties = []Property{}
	}
	r.Comment = strings.Join(p.comments, "; ")
	return r, nil
}

func (p *arParser) skipToSemicolon() {
	for p.i < len(p.s) && p.s[p.i] != ';' {
		if p.s[p.i] == '(' {
			p.i, _ = rfc5322.CommentEnd(p.s, p.i)
			continue
		}
		if p.s[p.i] == '"' {
			p.value()
			continue
		}
		p.i++
	}
}

func excerptAt(s string, i int) string {
	end := min(len(s), i+20)
	return s[i:end]
}
