package render

import (
	"regexp"
	"sync"
)

// addressPattern matches an email address or Message-ID: a local part, "@"
// and a domain. The local part is what --redact masks. Compiled on first
// use, not at start-up.
var addressPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`[A-Za-z0-9!#$%&'*+/=?^_{|}~.-]+@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)`)
})

// Redact masks the local part of every email address and Message-ID in s,
// keeping the domain, which troubleshooting needs: "alice@example.com"
// becomes "…@example.com".
func Redact(s string) string {
	return addressPattern().ReplaceAllString(s, "…@$1")
}
