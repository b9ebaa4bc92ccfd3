package dnsclient

import "github.com/miekg/dns"

// canonical returns name fully qualified with ASCII letters lowered: DNS
// names compare case-insensitively in ASCII only (RFC 4343).
func canonical(name string) string {
	name = dns.Fqdn(name)
	b := []byte(name)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// sameName compares two names in presentation form, ASCII
// case-insensitively.
func sameName(a, b string) bool {
	return canonical(a) == canonical(b)
}

// parent returns the name one label up ("." for a TLD) and false for the
// root.
func parent(name string) (string, bool) {
	if name == "." || name == "" {
		return "", false
	}
	off, end := dns.NextLabel(name, 0)
	if end {
		return ".", true
	}
	return name[off:], true
}
