// Package taglist reads the tag-list of RFC 6376 §3.2 ("tag=value;
// tag=value"), the syntax of DKIM-Signature fields and DKIM key records,
// ARC-Seal and ARC-Message-Signature fields (RFC 8617 §4.1), and, with
// their own rules, DMARC records (RFC 9989 §4.8).
//
// It also holds the one positioned syntax-error type of mxray's record
// parsers (SyntaxError, and SyntaxErrors for a record with several): the
// tag-list itself, the DMARC record and the MTA-STS, TLS-RPT and BIMI
// records and policy files all say where their text breaks with it.
package taglist

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mxray/mxray/headers/rfc5322"
)

// Tag is one tag=value pair of an RFC 6376 §3.2 tag-list.
type Tag struct {
	Name  string // the tag name, case preserved (tag names are case-sensitive)
	Value string // the value with surrounding whitespace removed; inner folding kept
	Pos   int    // byte offset of the tag name in the parsed text
}

// ErrSyntax is wrapped by the *SyntaxError Parse returns.
var ErrSyntax = errors.New("invalid tag-list")

// Parse splits s into tags per RFC 6376 §3.2:
//
//	tag-list  = tag-spec *( ";" tag-spec ) [ ";" ]
//	tag-spec  = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
//	tag-name  = ALPHA *ALNUMPUNC
//	tag-value = [ tval *( 1*(WSP / FWS) tval ) ]
//	tval      = 1*VALCHAR ; VALCHAR = %x21-3A / %x3C-7E
//
// A duplicated tag name makes the whole list invalid (§3.2). On error the
// tags read so far are returned with a *SyntaxError wrapping ErrSyntax.
func Parse(s string) ([]Tag, error) {
	var tags []Tag
	seen := map[string]bool{}
	pos := 0
	for pos <= len(s) {
		end := strings.IndexByte(s[pos:], ';')
		if end < 0 {
			end = len(s)
		} else {
			end += pos
		}
		spec := s[pos:end]
		if strings.TrimSpace(spec) == "" {
			// An empty spec is only allowed as the optional trailing ";".
			if end == len(s) {
				break
			}
			if strings.TrimSpace(s[end+1:]) != "" {
				return tags, &SyntaxError{Pos: pos, Reason: `empty tag between ";" separators`, Err: ErrSyntax}
			}
			break
		}
		tag, err := parseTagSpec(spec, pos)
		if err != nil {
			return tags, err
		}
		if seen[tag.Name] {
			return tags, &SyntaxError{Pos: tag.Pos, Tag: tag.Name, Reason: "tag appears more than once (RFC 6376 §3.2 makes the whole list invalid)", Err: ErrSyntax}
		}
		seen[tag.Name] = true
		tags = append(tags, tag)
		pos = end + 1
	}
	return tags, nil
}

func parseTagSpec(spec string, base int) (Tag, error) {
	i := rfc5322.SkipFWS(spec, 0)
	start := i
	for i < len(spec) && isTagNameChar(spec[i], i == start) {
		i++
	}
	name := spec[start:i]
	if name == "" {
		return Tag{}, &SyntaxError{Pos: base + start, Reason: fmt.Sprintf("expected a tag name, found %s", visibleByte(spec, start)), Err: ErrSyntax}
	}
	i = rfc5322.SkipFWS(spec, i)
	if i >= len(spec) || spec[i] != '=' {
		return Tag{}, &SyntaxError{Pos: base + i, Tag: name, Reason: `missing "=" after the tag name`, Err: ErrSyntax}
	}
	i++
	value := strings.Trim(spec[i:], " \t\r\n")
	vstart := strings.Index(spec[i:], value) + i
	for j := 0; j < len(value); j++ {
		c := value[j]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		if c < 0x21 || c > 0x7e {
			return Tag{}, &SyntaxError{Pos: base + vstart + j, Tag: name, Reason: fmt.Sprintf("character %s is not allowed in a tag value", visibleByte(value, j)), Err: ErrSyntax}
		}
	}
	return Tag{Name: name, Value: value, Pos: base + start}, nil
}

func isTagNameChar(c byte, first bool) bool {
	alpha := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	if first {
		return alpha
	}
	return alpha || (c >= '0' && c <= '9') || c == '_'
}

// visibleByte names the byte at i for an error message, quoted and escaped.
func visibleByte(s string, i int) string {
	if i >= len(s) {
		return "the end of the text"
	}
	return strconv.Quote(s[i : i+1])
}

// Lookup returns the value of the named tag and whether it was present.
func Lookup(tags []Tag, name string) (string, bool) {
	for _, t := range tags {
		if t.Name == name {
			return t.Value, true
		}
	}
	return "", false
}
