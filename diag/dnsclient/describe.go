package dnsclient

import (
	"context"
	"errors"
	"strings"
)

// Describe words why an answer is no answer, for a finding's message:
// "no answer in time", "the DNS server answered SERVFAIL". It never
// repeats the question's name or server (a caller names what was asked,
// and a name may hold a secret such as a Spamhaus DQS key); for another
// error it gives the cause a *LookupError wraps, by its sentinel when it
// has one.
func (a Answer) Describe() string {
	if errors.Is(a.Err, context.Canceled) {
		return "no answer: the lookup was cancelled"
	}
	switch a.Status {
	case StatusTimeout:
		return "no answer in time"
	case StatusServFail:
		return "the DNS server answered SERVFAIL"
	case StatusRefused:
		return "the DNS server REFUSED the question"
	}
	for _, cause := range causes {
		if errors.Is(a.Err, cause) {
			return cause.Error()
		}
	}
	var le *LookupError
	if errors.As(a.Err, &le) && le.Err != nil {
		return le.Err.Error()
	}
	if a.Err != nil {
		return a.Err.Error()
	}
	return string(a.Status)
}

// causes are the sentinels Describe words a failure by, without the
// details (names) their wrappers add; an unexpected RCODE (ErrRcode)
// keeps its wrapper, which names the code and nothing else.
var causes = []error{
	ErrQueryBudget, ErrCNAMELoop, ErrCNAMEChain, ErrTooMuchTXT, ErrNoServers,
	ErrBadReply, ErrBadName, ErrReferral, ErrZoneCut, ErrNameservers,
}

// SecretMask stands in the DNS log for each of Config.Secrets.
const SecretMask = "[key]"

// mask replaces every secret in s, compared without regard to ASCII case
// (DNS names are case-insensitive, and a name may be written in either),
// with SecretMask.
func mask(s string, secrets []string) string {
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		lower, want := strings.ToLower(s), strings.ToLower(secret)
		if len(lower) != len(s) {
			// Lower-casing changed the length (non-ASCII): compare the
			// lower-cased text, which is what a DNS name is anyway.
			s = lower
		}
		var b strings.Builder
		for {
			i := strings.Index(lower, want)
			if i < 0 {
				b.WriteString(s)
				break
			}
			b.WriteString(s[:i])
			b.WriteString(SecretMask)
			s, lower = s[i+len(want):], lower[i+len(want):]
		}
		s = b.String()
	}
	return s
}
