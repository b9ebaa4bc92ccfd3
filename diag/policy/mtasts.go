package policy

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/mxray/mxray/headers/taglist"
)

// STSVersion is the version of MTA-STS TXT records and policies
// (RFC 8461 §3.1, §3.2); case-sensitive.
const STSVersion = "STSv1"

// STSRecord is a parsed _mta-sts TXT record (RFC 8461 §3.1).
type STSRecord struct {
	Raw string `json:"raw"` // the TXT record as published
	// ID identifies the current policy: 1 to 32 letters or digits.
	ID         string                 `json:"id"`
	Extensions []Field                `json:"extensions,omitempty"` // fields other than v and id
	Errors     []*taglist.SyntaxError `json:"errors"`               // what is wrong with the record
}

// ParseSTSRecord reads an _mta-sts TXT record (RFC 8461 §3.1):
//
//	sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim]
//	sts-version     = %s"v=STSv1"
//	sts-id          = %s"id=" 1*32(ALPHA / DIGIT)
//
// A text not starting with v=STSv1 is not an MTA-STS record: nil and an
// error wrapping ErrVersion. A record without a valid id is returned with
// its errors; senders treat it as no policy ("syntactically invalid").
func ParseSTSRecord(txt string) (*STSRecord, error) {
	fields, errs := splitFields(txt)
	if len(fields) == 0 || fields[0].Pos != 0 || fields[0].Name != "v" || fields[0].Value != STSVersion {
		return nil, &taglist.SyntaxError{Pos: 0, Field: "v", Reason: "the record must start with v=STSv1", Err: ErrVersion}
	}
	rec := &STSRecord{Raw: txt, Errors: errs}
	for _, f := range fields[1:] {
		switch {
		case f.Name == "id":
			if rec.ID != "" {
				continue // the first is honoured
			}
			if !validID(f.Value) {
				rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: f.Pos, Field: "id", Reason: fmt.Sprintf("id must be 1 to 32 letters or digits, not %q", clip(f.Value)), Err: ErrValue})
				continue
			}
			rec.ID = f.Value
		case f.Name == "v":
			rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: f.Pos, Field: "v", Reason: "v may appear only once, first", Err: ErrSyntax})
		case validExtName(f.Name) && validExtValue(f.Value):
			rec.Extensions = append(rec.Extensions, f)
		default:
			rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: f.Pos, Field: f.Name, Reason: fmt.Sprintf("%q is not a valid field", clip(f.Name+"="+f.Value)), Err: ErrSyntax})
		}
	}
	if rec.ID == "" && !hasField(rec.Errors, "id") {
		rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: len(txt), Field: "id", Reason: "the id field is required", Err: ErrMissing})
	}
	return rec, taglist.Join(rec.Errors)
}

func hasField(es []*taglist.SyntaxError, name string) bool {
	for _, e := range es {
		if e.Field == name {
			return true
		}
	}
	return false
}

func validID(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

// Mode is an MTA-STS policy mode (RFC 8461 §3.2, §5).
type Mode string

// The modes.
const (
	// ModeEnforce: senders must not deliver to MX hosts that fail
	// validation.
	ModeEnforce Mode = "enforce"
	// ModeTesting: senders deliver anyway and report failures (RFC 8460).
	ModeTesting Mode = "testing"
	// ModeNone: the domain has no active policy.
	ModeNone Mode = "none"
)

// MaxAgeLimit is the largest max_age, in seconds (RFC 8461 §3.2).
const MaxAgeLimit = 31557600

// STSPolicy is a parsed MTA-STS policy file (RFC 8461 §3.2).
type STSPolicy struct {
	Version string   `json:"version"` // "version": STSv1
	Mode    Mode     `json:"mode"`    // "mode": enforce, testing or none
	MX      []string `json:"mx"`      // the patterns, as written
	MaxAge  int64    `json:"max_age"` // seconds; -1 when absent or invalid
	// Extensions are unknown key/value lines, ignored by senders.
	Extensions []Field                `json:"extensions,omitempty"`
	Errors     []*taglist.SyntaxError `json:"errors"` // what is wrong with the policy file
}

// ParseSTSPolicy reads a policy file (RFC 8461 §3.2): "key: value" lines
// ended by LF or CRLF. Unknown keys are kept as extensions; a repeated key
// other than mx keeps its first value. version, mode and max_age are
// required, and at least one mx unless the mode is none; a policy with
// errors is returned with them (senders treat it as no policy).
func ParseSTSPolicy(body string) (*STSPolicy, error) {
	p := &STSPolicy{MaxAge: -1}
	seen := map[string]bool{}
	pos := 0
	for _, line := range strings.SplitAfter(body, "\n") {
		start := pos
		pos += len(line)
		text := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		colon := strings.IndexByte(text, ':')
		if colon <= 0 {
			p.Errors = append(p.Errors, &taglist.SyntaxError{Pos: start, Reason: fmt.Sprintf("line %q is not \"key: value\"", clip(text)), Err: ErrSyntax})
			continue
		}
		key := text[:colon]
		value := strings.TrimRight(strings.TrimLeft(text[colon+1:], " \t"), " \t")
		vpos := start + colon + 1 + (len(text[colon+1:]) - len(strings.TrimLeft(text[colon+1:], " \t")))
		if key != "mx" && seen[key] {
			continue // RFC 8461 §3.2: only the first is honoured
		}
		seen[key] = true
		bad := func(reason string) {
			p.Errors = append(p.Errors, &taglist.SyntaxError{Pos: vpos, Field: key, Reason: reason, Err: ErrValue})
		}
		switch key {
		case "version":
			if value != STSVersion {
				bad(fmt.Sprintf("version must be STSv1, not %q", clip(value)))
				continue
			}
			p.Version = value
		case "mode":
			switch Mode(value) {
			case ModeEnforce, ModeTesting, ModeNone:
				p.Mode = Mode(value)
			default:
				bad(fmt.Sprintf("mode must be enforce, testing or none, not %q", clip(value)))
			}
		case "max_age":
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil || len(value) > 10 || value[0] < '0' || value[0] > '9' {
				bad(fmt.Sprintf("max_age must be a number of seconds, not %q", clip(value)))
				continue
			}
			if n > MaxAgeLimit {
				bad(fmt.Sprintf("max_age %d is above the maximum of %d (one year)", n, MaxAgeLimit))
				continue
			}
			p.MaxAge = n
		case "mx":
			if isIPLiteral(value) {
				bad(fmt.Sprintf("mx pattern %q is an IP address; patterns must be MX host names (RFC 8461 §3.2, §4.1)", clip(value)))
				continue
			}
			host := strings.TrimPrefix(value, "*.")
			if why := hostProblem(strings.TrimSuffix(host, ".")); why != "" {
				bad(fmt.Sprintf("mx pattern %q %s", clip(value), why))
				continue
			}
			p.MX = append(p.MX, value)
		default:
			p.Extensions = append(p.Extensions, Field{Name: key, Value: value, Pos: start})
		}
	}
	missing := func(key string) {
		if !hasField(p.Errors, key) {
			p.Errors = append(p.Errors, &taglist.SyntaxError{Pos: len(body), Field: key, Reason: "the " + key + " field is required", Err: ErrMissing})
		}
	}
	if p.Version == "" {
		missing("version")
	}
	if p.Mode == "" {
		missing("mode")
	}
	if p.MaxAge < 0 {
		missing("max_age")
	}
	if len(p.MX) == 0 && p.Mode != ModeNone {
		missing("mx")
	}
	return p, taglist.Join(p.Errors)
}

// isIPLiteral reports an IPv4 or IPv6 address, bare or in brackets (an
// RFC 5321 address literal).
func isIPLiteral(s string) bool {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "IPv6:"), "ipv6:")
	_, err := netip.ParseAddr(s)
	return err == nil
}

// MatchPattern reports whether an MX host name matches an mx pattern (RFC
// 8461 §4.1): case-insensitively and ignoring a trailing dot; a leading
// "*." matches exactly one label, so *.example.com matches
// mx1.example.com but neither example.com nor a.b.example.com.
func MatchPattern(pattern, host string) bool {
	pattern, host = normalize(pattern), normalize(host)
	if pattern == "" || host == "" {
		return false
	}
	if rest, ok := strings.CutPrefix(pattern, "*."); ok {
		i := strings.IndexByte(host, '.')
		return i > 0 && host[i+1:] == rest
	}
	return pattern == host
}

// MXMatch is the outcome for one MX host.
type MXMatch struct {
	Host    string `json:"host"`              // an MX host of the domain
	Pattern string `json:"pattern,omitempty"` // the first pattern it matches
	Matches bool   `json:"matches"`           // whether an mx pattern of the policy matches it
}

// CheckMX holds each MX host name against the policy's patterns.
func (p *STSPolicy) CheckMX(hosts []string) []MXMatch {
	out := make([]MXMatch, 0, len(hosts))
	for _, h := range hosts {
		m := MXMatch{Host: normalize(h)}
		for _, pat := range p.MX {
			if MatchPattern(pat, h) {
				m.Pattern, m.Matches = pat, true
				break
			}
		}
		out = append(out, m)
	}
	return out
}
