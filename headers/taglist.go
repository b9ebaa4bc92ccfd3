package headers

import (
	"fmt"
	"strconv"
	"strings"
)

// Tag is one tag=value pair of an RFC 6376 §3.2 tag-list, as used by
// DKIM-Signature fields, ARC-Seal and ARC-Message-Signature fields and DKIM
// key records.
type Tag struct {
	Name  string // the tag name, case preserved (tag names are case-sensitive)
	Value string // the value with surrounding whitespace removed; inner folding kept
	Pos   int    // byte offset of the tag name in the parsed text
}

// TagError says where a tag-list breaks RFC 6376 §3.2 and why.
type TagError struct {
	Pos    int    // byte offset in the parsed text
	Tag    string // the tag being read, when known
	Reason string // what is wrong, in words
}

// Error says where the tag-list breaks and why.
func (e *TagError) Error() string {
	if e.Tag != "" {
		return fmt.Sprintf("tag %q at byte %d: %s", e.Tag, e.Pos, e.Reason)
	}
	return fmt.Sprintf("at byte %d: %s", e.Pos, e.Reason)
}

// ParseTagList splits s into tags per RFC 6376 §3.2:
//
//	tag-list  = tag-spec *( ";" tag-spec ) [ ";" ]
//	tag-spec  = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
//	tag-name  = ALPHA *ALNUMPUNC
//	tag-value = [ tval *( 1*(WSP / FWS) tval ) ]
//	tval      = 1*VALCHAR ; VALCHAR = %x21-3A / %x3C-7E
//
// A duplicated tag name makes the whole list invalid (§3.2). On error the
// tags read so far are returned with a *TagError.
func ParseTagList(s string) ([]Tag, error) {
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
				return tags, &TagError{Pos: pos, Reason: `empty tag between ";" separators`}
			}
			break
		}
		tag, err := parseTagSpec(spec, pos)
		if err != nil {
			return tags, err
		}
		if seen[tag.Name] {
			return tags, &TagError{Pos: tag.Pos, Tag: tag.Name, Reason: "tag appears more than once (RFC 6376 §3.2 makes the whole list invalid)"}
		}
		seen[tag.Name] = true
		tags = append(tags, tag)
		pos = end + 1
	}
	return tags, nil
}

func parseTagSpec(spec string, base int) (Tag, error) {
	i := skipFWS(spec, 0)
	start := i
	for i < len(spec) && isTagNameChar(spec[i], i == start) {
		i++
	}
	name := spec[start:i]
	if name == "" {
		return Tag{}, &TagError{Pos: base + start, Reason: fmt.Sprintf("expected a tag name, found %s", visibleByte(spec, start))}
	}
	i = skipFWS(spec, i)
	if i >= len(spec) || spec[i] != '=' {
		return Tag{}, &TagError{Pos: base + i, Tag: name, Reason: `missing "=" after the tag name`}
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
			return Tag{}, &TagError{Pos: base + vstart + j, Tag: name, Reason: fmt.Sprintf("character %s is not allowed in a tag value", visibleByte(value, j))}
		}
	}
	return Tag{Name: name, Value: value, Pos: base + start}, nil
}

func skipFWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
		i++
	}
	return i
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

// StripFWS removes all whitespace, as RFC 6376 requires before decoding the
// base64 of b=, bh= and p=.
func StripFWS(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
}
