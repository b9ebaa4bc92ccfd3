package dkim

import (
	"strings"

	"github.com/mxray/mxray/headers"
)

// fieldIndex finds header fields by name for §5.4.2 selection: the
// positions of each lower-cased name, in message order.
type fieldIndex map[string][]int

func indexFields(fields []headers.Field) fieldIndex {
	idx := fieldIndex{}
	for i, f := range fields {
		n := fieldName(f)
		idx[n] = append(idx[n], i)
	}
	return idx
}

// fieldName is the field's name, lower case, without surrounding
// whitespace.
func fieldName(f headers.Field) string {
	return strings.ToLower(strings.TrimSpace(f.Name))
}

// selectHeaders returns, for each name in h= in order, the field it signs:
// the last unused field of that name, working up from the bottom
// (RFC 6376 §5.4.2). A name with no field left is -1: it contributes the
// null string (oversigning: the signer asserted the field was absent).
func (idx fieldIndex) selectHeaders(names []string) []int {
	used := map[string]int{}
	out := make([]int, len(names))
	for i, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		list := idx[n]
		k := len(list) - 1 - used[n]
		if k < 0 {
			out[i] = -1
			continue
		}
		used[n]++
		out[i] = list[k]
	}
	return out
}

// singletonFields are the fields RFC 5322 §3.6 allows at most once. If one
// is signed and appears more often than it was signed, an unsigned copy
// was added, which a mail client may show instead (RFC 6376 §8.15).
func singletonFields() []string {
	return []string{"from", "sender", "reply-to", "to", "cc", "bcc", "subject", "date", "message-id", "in-reply-to", "references"}
}

// addedFields lists the singleton fields that h= signs but the message
// carries more often than h= names them.
func (idx fieldIndex) addedFields(names []string) []string {
	signed := map[string]int{}
	for _, n := range names {
		signed[strings.ToLower(strings.TrimSpace(n))]++
	}
	var out []string
	for _, n := range singletonFields() {
		if signed[n] > 0 && len(idx[n]) > signed[n] {
			out = append(out, n)
		}
	}
	return out
}

// withoutB returns the raw DKIM-Signature field with the value of its b=
// tag removed, surrounding whitespace included, as RFC 6376 §3.5 (b=) and
// §3.7 have it hashed. The tag-list is walked tag by tag, so a "b=" inside
// another tag's value is never touched.
func withoutB(raw string) string {
	colon := strings.IndexByte(raw, ':')
	if colon < 0 {
		return raw
	}
	for i := colon + 1; i <= len(raw); {
		end := strings.IndexByte(raw[i:], ';')
		if end < 0 {
			end = len(raw)
		} else {
			end += i
		}
		j := skipWS(raw, i, end)
		start := j
		for j < end && isNameChar(raw[j]) {
			j++
		}
		name := raw[start:j]
		j = skipWS(raw, j, end)
		if name == "b" && j < end && raw[j] == '=' {
			return raw[:j+1] + raw[end:]
		}
		i = end + 1
	}
	return raw
}

func skipWS(s string, i, end int) int {
	for i < end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
		i++
	}
	return i
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}
