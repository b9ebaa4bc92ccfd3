package netguard

import (
	"errors"
	"fmt"
	"net/http"
)

// DefaultMaxRedirects is how many redirects CheckRedirect follows when
// given 0.
const DefaultMaxRedirects = 5

// ErrRedirect marks a redirect CheckRedirect refused for a reason other than
// its destination's address: too many, another scheme, or https→http.
var ErrRedirect = errors.New("redirect refused")

// CheckRedirect returns an http.Client CheckRedirect function that refuses
// a redirect to an address literal or localhost name that is not public
// (unless allowPrivate), to a scheme other than http and https, from https
// down to http, and after max redirects (DefaultMaxRedirects when 0). A
// redirect to a name is allowed here: the client's dialer (GuardedDialer,
// NewDialer) checks the address it resolves to when it connects. A fetch
// that must not follow redirects at all (MTA-STS, RFC 8461 §3.3) keeps its
// own http.ErrUseLastResponse.
func CheckRedirect(allowPrivate bool, max int) func(req *http.Request, via []*http.Request) error {
	if max <= 0 {
		max = DefaultMaxRedirects
	}
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= max {
			return fmt.Errorf("%w: more than %d redirects", ErrRedirect, max)
		}
		switch req.URL.Scheme {
		case "https":
		case "http":
			for _, v := range via {
				if v.URL.Scheme == "https" {
					return fmt.Errorf("%w: from https down to http (%s)", ErrRedirect, req.URL.Redacted())
				}
			}
		default:
			return fmt.Errorf("%w: scheme %q", ErrRedirect, req.URL.Scheme)
		}
		if allowPrivate {
			return nil
		}
		return checkHost(req.URL.Hostname())
	}
}
