// Package rfc5322 holds the lexical pieces of RFC 5322 (Internet Message
// Format) that mxray's header parsers share: folding white space and
// unfolding (§2.2.3, §3.2.2), comments (§3.2.2), quoted strings and quoted
// pairs (§3.2.1, §3.2.4), atext (§3.2.3), and the shape of a field line
// (§2.2, §3.6.8, with the obsolete white space before the colon of §4.5).
//
// Every function works on raw bytes and is lenient the way pasted mail
// needs: an unclosed comment or quoted string runs to the end of the text,
// and bytes that are not US-ASCII are kept. Nothing here touches the
// network or a terminal.
package rfc5322

import "strings"

// IsAlnum reports whether c is an ASCII letter or digit (ALPHA / DIGIT of
// RFC 5234).
func IsAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// IsAtext reports whether c is an RFC 5322 §3.2.3 atext character; bytes
// above 0x7f are allowed for internationalised addresses (RFC 6532).
func IsAtext(c byte) bool {
	if IsAlnum(c) || c >= 0x80 {
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// isFWS reports whether c is a byte of folding white space: WSP or a line
// break.
func isFWS(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// SkipFWS returns the offset of the first byte at or after i that is not
// folding white space.
func SkipFWS(s string, i int) int {
	for i < len(s) && isFWS(s[i]) {
		i++
	}
	return i
}

// StripFWS removes all white space and line breaks, as RFC 6376 requires
// before decoding the base64 of a DKIM signature's b= and bh= or a key's
// p=.
func StripFWS(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
}

// Unfold unfolds a value that may still be folded (§2.2.3): a line break
// followed by white space is removed; any other line break becomes a space.
func Unfold(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\r' && c != '\n' {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		if c == '\r' && j < len(s) && s[j] == '\n' {
			j++
		}
		if j >= len(s) || (s[j] != ' ' && s[j] != '\t') {
			b.WriteByte(' ')
		}
		i = j - 1
	}
	return b.String()
}

// CutAtFieldEnd returns s up to the first line break that is not followed
// by white space: the rest would be another header line (§2.2.3).
func CutAtFieldEnd(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] != '\n' && s[i] != '\r' {
			continue
		}
		j := i + 1
		if s[i] == '\r' && j < len(s) && s[j] == '\n' {
			j++
		}
		if j >= len(s) || (s[j] != ' ' && s[j] != '\t') {
			return s[:i]
		}
		i = j - 1
	}
	return s
}

// CommentEnd returns the offset after the comment that opens at s[i] (a
// "("), nested comments and quoted pairs included, and whether it was
// closed; an unclosed comment runs to the end of s.
func CommentEnd(s string, i int) (int, bool) {
	depth := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		}
	}
	return len(s), false
}

// Comment reads the comment that opens at s[i] and returns its text
// without the outer parentheses (quoted pairs and nested comments kept as
// written) and the offset after it.
func Comment(s string, i int) (text string, end int) {
	end, closed := CommentEnd(s, i)
	if closed {
		return s[i+1 : end-1], end
	}
	return s[i+1 : end], end
}

// QuotedEnd returns the offset just past the quoted string that opens at
// s[i] (a '"'), quoted pairs included, and whether it was closed; an
// unclosed quoted string runs to the end of s.
func QuotedEnd(s string, i int) (int, bool) {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return len(s), false
}

// QuotedString reads the quoted string that opens at s[i] and returns its
// content with the backslashes of quoted pairs removed, and the offset
// after its closing quote (the end of s when it is not closed).
func QuotedString(s string, i int) (text string, end int) {
	var b strings.Builder
	j := i + 1
	for ; j < len(s) && s[j] != '"'; j++ {
		if s[j] == '\\' && j+1 < len(s) {
			j++
		}
		b.WriteByte(s[j])
	}
	return b.String(), min(j+1, len(s))
}

// Unquote removes the backslashes of quoted pairs (§3.2.1), in a quoted
// string's content or a comment's text.
func Unquote(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// StripComments replaces every comment of s (outside quoted strings) with
// one space and returns the result and the comments' texts, quoted pairs
// resolved, in order.
func StripComments(s string) (string, []string) {
	if !strings.Contains(s, "(") {
		return s, nil
	}
	var b strings.Builder
	var comments []string
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			end, _ := QuotedEnd(s, i)
			b.WriteString(s[i:end])
			i = end - 1
		case c == '(':
			inner, end := Comment(s, i)
			comments = append(comments, Unquote(inner))
			b.WriteByte(' ')
			i = end - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), comments
}

// IsFieldLine reports whether s starts like a header field: a name of
// printable characters other than the colon (§3.6.8 ftext), optionally
// followed by white space (the obsolete syntax of §4.5), then a colon.
func IsFieldLine(s string) bool {
	i := 0
	for i < len(s) && s[i] > ' ' && s[i] < 0x7f && s[i] != ':' {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i < len(s) && s[i] == ':'
}
