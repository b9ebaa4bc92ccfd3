package readiness

import (
	_ "embed"
	"strings"
	"sync"
)

//go:embed services.tsv
var servicesTSV string

// ServiceKind says what kind of sender a well-known service is.
type ServiceKind string

// The kinds.
const (
	KindESP     ServiceKind = "esp"     // sends on the domain owner's behalf
	KindMailbox ServiceKind = "mailbox" // a mailbox provider: failing mail from it is usually forwarded
	KindGateway ServiceKind = "gateway" // a filtering relay in front of a mailbox
)

// Service is a well-known sender.
type Service struct {
	Suffix string
	Name   string
	Kind   ServiceKind
}

// services parses the embedded table on first use, never at start-up.
var services = sync.OnceValue(func() map[string]Service {
	m := map[string]Service{}
	for line := range strings.SplitSeq(servicesTSV, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			continue
		}
		m[f[0]] = Service{Suffix: f[0], Name: f[1], Kind: ServiceKind(f[2])}
	}
	return m
})

// KnownService names the service a host or include domain belongs to: the
// longest suffix of name in the table.
func KnownService(name string) (Service, bool) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	m := services()
	for n := name; n != ""; {
		if s, ok := m[n]; ok {
			return s, true
		}
		i := strings.IndexByte(n, '.')
		if i < 0 {
			break
		}
		n = n[i+1:]
	}
	return Service{}, false
}
