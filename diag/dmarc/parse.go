package dmarc

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mxray/mxray/headers/taglist"
)

// MaxRecordLen bounds the text Parse reads: a TXT record joined from its
// strings can never exceed one DNS message (65535 bytes).
const MaxRecordLen = 65535

// segment is the text between two ";" separators.
type segment struct {
	text string
	pos  int // byte offset of text in the record
}

// Parse reads a DMARC policy record (RFC 9989 §4.7, ABNF in §4.8):
//
//	dmarc-record  = dmarc-version *(dmarc-sep dmarc-tag) [dmarc-sep]
//	dmarc-version = "v" equals %s"DMARC1"
//	dmarc-sep     = *WSP ";" *WSP
//	dmarc-tag     = 1*ALPHA equals 1*dmarc-value
//	dmarc-value   = %x20-3A / %x3C-7E
//
// When the text does not start with v=DMARC1 the record is not a DMARC
// record: Parse returns nil and a *taglist.SyntaxError wrapping ErrNotDMARC.
// Otherwise it returns the record; broken tags are left at their defaults
// (§4.8: "Syntax errors in the remainder of the record MUST be discarded in
// favor of default values") and the returned error is a taglist.SyntaxErrors
// listing each with its byte offset, or nil when the record is clean.
// Unknown tags are kept in Tags with Known false; they are not errors
// (§4.7: "unknown tags MUST be ignored").
func Parse(txt string) (*Record, error) {
	if len(txt) > MaxRecordLen {
		return nil, &taglist.SyntaxError{Pos: MaxRecordLen, Reason: fmt.Sprintf("record is %d bytes, longer than any DNS answer can carry", len(txt)), Err: ErrNotDMARC}
	}
	segs := splitSegments(txt)
	rec := &Record{
		Raw: txt, PolicyTag: TagAbsent, SPTag: TagAbsent, NPTag: TagAbsent,
		ADKIM: Relaxed, ASPF: Relaxed, FO: []string{"0"}, PSD: PSDUnknown, Pct: -1, RI: -1,
	}
	if err := parseVersion(rec, segs[0]); err != nil {
		return nil, err
	}
	seen := map[string]bool{TagV: true}
	for i, seg := range segs[1:] {
		if isBlank(seg.text) {
			if i == len(segs)-2 {
				break // the optional trailing dmarc-sep
			}
			rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: seg.pos, Reason: `empty tag between two ";" separators`, Err: ErrSyntax})
			continue
		}
		parseSegment(rec, seg, seen)
	}
	return rec, taglist.Join(rec.Errors)
}

// IsDMARC reports whether txt starts with the v=DMARC1 tag, which is what a
// receiver checks before anything else (RFC 9989 §4.10 steps 2 and 6).
func IsDMARC(txt string) bool {
	segs := splitSegments(txt)
	return parseVersion(&Record{}, segs[0]) == nil
}

func splitSegments(txt string) []segment {
	var segs []segment
	start := 0
	for i := 0; i < len(txt); i++ {
		if txt[i] == ';' {
			segs = append(segs, segment{text: txt[start:i], pos: start})
			start = i + 1
		}
	}
	return append(segs, segment{text: txt[start:], pos: start})
}

func isWSP(c byte) bool   { return c == ' ' || c == '\t' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWSP(s[i]) {
			return false
		}
	}
	return true
}

// tagSpec is one segment split into name and value.
type tagSpec struct {
	name     string
	namePos  int
	value    string
	valuePos int
}

// splitTag reads [WSP] name *WSP "=" *WSP value [WSP] from a segment.
func splitTag(seg segment) (tagSpec, *taglist.SyntaxError) {
	s := seg.text
	i := 0
	for i < len(s) && isWSP(s[i]) {
		i++
	}
	start := i
	for i < len(s) && isAlpha(s[i]) {
		i++
	}
	name := s[start:i]
	if name == "" {
		return tagSpec{}, &taglist.SyntaxError{Pos: seg.pos + start, Value: strings.TrimSpace(s),
			Reason: fmt.Sprintf("expected a tag name (letters only) but found %q", clip(strings.TrimSpace(s))), Err: ErrSyntax}
	}
	for i < len(s) && isWSP(s[i]) {
		i++
	}
	if i >= len(s) || s[i] != '=' {
		reason := fmt.Sprintf(`tag name %q is not followed by "="`, name)
		if i < len(s) {
			reason = fmt.Sprintf(`tag name %q is followed by %q instead of "="`, name, clip(s[i:]))
		}
		return tagSpec{name: name, namePos: seg.pos + start}, &taglist.SyntaxError{Pos: seg.pos + start, Tag: name, Reason: reason, Err: ErrSyntax}
	}
	i++
	for i < len(s) && isWSP(s[i]) {
		i++
	}
	vstart := i
	end := len(s)
	for end > vstart && isWSP(s[end-1]) {
		end--
	}
	t := tagSpec{name: name, namePos: seg.pos + start, value: s[vstart:end], valuePos: seg.pos + vstart}
	if t.value == "" {
		return t, &taglist.SyntaxError{Pos: t.valuePos, Tag: name, Reason: "the value is empty", Err: ErrSyntax}
	}
	for j := 0; j < len(t.value); j++ {
		if c := t.value[j]; c < 0x20 || c > 0x7e {
			return t, &taglist.SyntaxError{Pos: t.valuePos + j, Tag: name, Value: t.value,
				Reason: fmt.Sprintf("byte 0x%02x is not allowed in a tag value (only printable ASCII)", c), Err: ErrSyntax}
		}
	}
	return t, nil
}

func parseVersion(rec *Record, seg segment) error {
	if seg.text != "" && isWSP(seg.text[0]) {
		rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: seg.pos, Tag: TagV,
			Reason: "whitespace before v=DMARC1; the record must start with the v tag", Err: ErrSyntax})
	}
	t, err := splitTag(seg)
	if err != nil {
		err.Err = ErrNotDMARC
		err.Reason = "the record must start with v=DMARC1: " + err.Reason
		return err
	}
	if !strings.EqualFold(t.name, TagV) {
		return &taglist.SyntaxError{Pos: t.namePos, Tag: t.name,
			Reason: fmt.Sprintf("the record must start with v=DMARC1, not with the %q tag", t.name), Err: ErrNotDMARC}
	}
	switch {
	case t.value == Version:
	case strings.EqualFold(t.value, Version):
		return &taglist.SyntaxError{Pos: t.valuePos, Tag: TagV, Value: t.value,
			Reason: fmt.Sprintf("the version is case-sensitive: %q must be written DMARC1", t.value), Err: ErrNotDMARC}
	case strings.HasPrefix(t.value, Version) && isWSP(t.value[len(Version)]):
		return &taglist.SyntaxError{Pos: t.valuePos + len(Version), Tag: TagV, Value: t.value,
			Reason: `a ";" is missing after v=DMARC1`, Err: ErrNotDMARC}
	default:
		return &taglist.SyntaxError{Pos: t.valuePos, Tag: TagV, Value: t.value,
			Reason: fmt.Sprintf("the version must be DMARC1, not %q", clip(t.value)), Err: ErrNotDMARC}
	}
	rec.Tags = append(rec.Tags, Tag{Name: t.name, Value: t.value, Pos: t.namePos, Known: true})
	return nil
}

func parseSegment(rec *Record, seg segment, seen map[string]bool) {
	t, err := splitTag(seg)
	if t.name != "" {
		lname := strings.ToLower(t.name)
		known, removed := knownTag(lname)
		if seen[lname] {
			reason := fmt.Sprintf("tag %q appears more than once; receivers use the first", t.name)
			if lname == TagV {
				reason = "v may appear only once, as the first tag"
			}
			rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: t.namePos, Tag: t.name, Reason: reason, Err: ErrDuplicate})
			return
		}
		seen[lname] = true
		rec.Tags = append(rec.Tags, Tag{Name: t.name, Value: t.value, Pos: t.namePos, Known: known, Removed: removed})
		if err != nil {
			markInvalid(rec, lname)
		}
	}
	if err != nil {
		rec.Errors = append(rec.Errors, err)
		return
	}
	applyTag(rec, t)
}

// knownTag reports whether name (lower-case) is an RFC 9989 tag, or one of
// the RFC 7489 tags RFC 9989 removed.
func knownTag(name string) (known, removed bool) {
	switch name {
	case TagV, TagP, TagSP, TagNP, TagADKIM, TagASPF, TagRUA, TagRUF, TagFO, TagT, TagPSD:
		return true, false
	case TagPct, TagRF, TagRI:
		return true, true
	}
	return false, false
}

func markInvalid(rec *Record, name string) {
	switch name {
	case TagP:
		rec.PolicyTag = TagInvalid
	case TagSP:
		rec.SPTag = TagInvalid
	case TagNP:
		rec.NPTag = TagInvalid
	}
}

func applyTag(rec *Record, t tagSpec) {
	name := strings.ToLower(t.name)
	bad := func(reason string) {
		markInvalid(rec, name)
		rec.Errors = append(rec.Errors, &taglist.SyntaxError{Pos: t.valuePos, Tag: t.name, Value: t.value, Reason: reason, Err: ErrValue})
	}
	switch name {
	case TagP, TagSP, TagNP:
		p, ok := parsePolicy(t.value)
		if !ok {
			bad(fmt.Sprintf("%s must be none, quarantine or reject, not %q", name, clip(t.value)))
			return
		}
		switch name {
		case TagP:
			rec.Policy, rec.PolicyTag = p, TagValid
		case TagSP:
			rec.SubdomainPolicy, rec.SPTag = p, TagValid
		default:
			rec.NonexistentPolicy, rec.NPTag = p, TagValid
		}
	case TagADKIM, TagASPF:
		var a Alignment
		switch strings.ToLower(t.value) {
		case "r":
			a = Relaxed
		case "s":
			a = Strict
		default:
			bad(fmt.Sprintf("%s must be r (relaxed) or s (strict), not %q; relaxed applies", name, clip(t.value)))
			return
		}
		if name == TagADKIM {
			rec.ADKIM = a
		} else {
			rec.ASPF = a
		}
	case TagT:
		switch strings.ToLower(t.value) {
		case "y":
			rec.Testing = true
		case "n":
			rec.Testing = false
		default:
			bad(fmt.Sprintf("t must be y or n, not %q; n applies", clip(t.value)))
		}
	case TagPSD:
		switch strings.ToLower(t.value) {
		case "y":
			rec.PSD = PSDYes
		case "n":
			rec.PSD = PSDNo
		case "u":
			rec.PSD = PSDUnknown
		default:
			bad(fmt.Sprintf("psd must be y, n or u, not %q; u applies", clip(t.value)))
		}
	case TagFO:
		fo, reason := parseFO(t.value)
		if reason != "" {
			bad(reason + "; fo=0 applies")
			return
		}
		rec.FO = fo
	case TagRUA, TagRUF:
		uris, errs := parseURIList(t.name, t.value, t.valuePos)
		rec.Errors = append(rec.Errors, errs...)
		if name == TagRUA {
			rec.RUA = uris
		} else {
			rec.RUF = uris
		}
	case TagPct:
		n, err := strconv.Atoi(t.value)
		if err != nil || len(t.value) > 3 || n < 0 || n > 100 || t.value[0] == '+' || t.value[0] == '-' {
			bad(fmt.Sprintf("pct must be a whole number from 0 to 100, not %q", clip(t.value)))
			return
		}
		rec.Pct = n
	case TagRF:
		rec.RF = t.value
	case TagRI:
		n, err := strconv.ParseUint(t.value, 10, 32)
		if err != nil || t.value[0] == '+' {
			bad(fmt.Sprintf("ri must be a number of seconds, not %q", clip(t.value)))
			return
		}
		rec.RI = int64(n)
	}
}

func parsePolicy(v string) (Policy, bool) {
	switch strings.ToLower(v) {
	case "none":
		return PolicyNone, true
	case "quarantine":
		return PolicyQuarantine, true
	case "reject":
		return PolicyReject, true
	}
	return "", false
}

// parseFO checks the dmarc-fo rule (RFC 9989 §4.8): options 0, 1, d and s
// separated by ":", each at most once, 0 and 1 not together.
func parseFO(v string) ([]string, string) {
	var out []string
	seen := map[string]bool{}
	for _, opt := range strings.Split(v, ":") {
		o := strings.ToLower(opt)
		switch o {
		case "0", "1", "d", "s":
		case "":
			return nil, fmt.Sprintf("fo %q has an empty option between colons", clip(v))
		default:
			return nil, fmt.Sprintf("fo options are 0, 1, d and s separated by colons; %q is not one", clip(opt))
		}
		if seen[o] {
			return nil, fmt.Sprintf("fo option %q appears twice", o)
		}
		seen[o] = true
		out = append(out, o)
	}
	if seen["0"] && seen["1"] {
		return nil, "fo options 0 and 1 cannot be used together"
	}
	return out, ""
}

// clip shortens text quoted in an error message.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
