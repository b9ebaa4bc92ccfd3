package render

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Clip cuts a value longer than max bytes at a character boundary and
// names its whole size: "… [cut: 137 KB in all]". A written report shows
// values, not dumps: a Subject of 137 KB (real spam has them) would bury
// it. JSON keeps values whole; this is for text and Markdown.
func Clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "… [cut: " + SizeWords(len(s)) + " in all]"
}

// SizeWords says a size in bytes the way people read it: "512 bytes",
// "137 KB", "4.0 MB".
func SizeWords(n int) string {
	switch {
	case n < 1024:
		return strconv.Itoa(n) + " bytes"
	case n < 1<<20:
		return strconv.Itoa((n+512)/1024) + " KB"
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
