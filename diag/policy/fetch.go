package policy

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"time"

	"github.com/mxray/mxray/diag/tlscert"
)

// MaxPolicySize caps the policy file read, in bytes.
const MaxPolicySize = 64 << 10

// DialFunc opens a connection, as net.Dialer.DialContext does.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// Errors of the policy fetch; tell them apart with errors.Is.
var (
	// ErrNotFetched: fetching was disabled (no dial function: --demo or
	// --zone).
	ErrNotFetched = errors.New("policy not fetched")
	// ErrHTTPStatus: the server answered with a status other than 200;
	// RFC 8461 §3.3 forbids following redirects.
	ErrHTTPStatus = errors.New("policy server did not answer 200 OK")
	// ErrTooLarge: the policy is larger than MaxPolicySize.
	ErrTooLarge = errors.New("policy file too large")
)

// FetchResult is one policy fetch.
type FetchResult struct {
	URL         string        `json:"url"`                    // the policy URL asked
	Fetched     bool          `json:"fetched"`                // a policy file was received
	Status      int           `json:"status,omitempty"`       // the HTTP status code
	ContentType string        `json:"content_type,omitempty"` // the Content-Type received
	Body        string        `json:"-"`                      // the policy file, at most MaxPolicySize bytes
	Elapsed     time.Duration `json:"-"`                      // how long the fetch took
	// Err says why there is no policy body: ErrNotFetched, ErrHTTPStatus,
	// ErrTooLarge, a *tlscert.Error (untrusted, expired or misnamed
	// certificate), or a TLS, connection or timeout error.
	Err error `json:"-"`
}

// PolicyURL is where a domain's MTA-STS policy lives (RFC 8461 §3.2).
func PolicyURL(domain string) string {
	return "https://mta-sts." + normalize(domain) + "/.well-known/mta-sts.txt"
}

// FetchPolicy fetches the MTA-STS policy of domain over HTTPS (RFC 8461
// §3.3), dialling through dial, verifying the certificate for
// mta-sts.<domain> against the system roots, not following redirects,
// within timeout and reading at most MaxPolicySize bytes. A nil dial means
// fetching is disabled: the result says "policy not fetched".
func FetchPolicy(ctx context.Context, domain string, dial DialFunc, timeout time.Duration) FetchResult {
	return fetch(ctx, domain, dial, timeout, nil)
}

// FetchPolicyWithRoots is FetchPolicy trusting only the given roots, for a
// private PKI or a test server.
func FetchPolicyWithRoots(ctx context.Context, domain string, dial DialFunc, timeout time.Duration, roots *x509.CertPool) FetchResult {
	return fetch(ctx, domain, dial, timeout, roots)
}

func fetch(ctx context.Context, domain string, dial DialFunc, timeout time.Duration, roots *x509.CertPool) FetchResult {
	res := FetchResult{URL: PolicyURL(domain)}
	if dial == nil {
		res.Err = ErrNotFetched
		return res
	}
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tr := &http.Transport{
		DialContext: dial,
		// The certificate must chain to a trusted root, be in its validity
		// period and name mta-sts.<domain>; a failure is a *tlscert.Error
		// saying which (tlscert is the same check the SMTP probe uses).
		TLSClientConfig:   tlscert.StrictConfig("mta-sts."+normalize(domain), tlscert.Options{Roots: roots}),
		Proxy:             nil,
		DisableKeepAlives: true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		// RFC 8461 §3.3: "HTTP 3xx redirects MUST NOT be followed".
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, res.URL, nil)
	if err != nil {
		res.Err = err
		return res
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			// The timeout (or the caller) ended it: say so as the cause.
			err = fmt.Errorf("%w: %w", cerr, err)
		}
		res.Err, res.Elapsed = err, time.Since(start)
		return res
	}
	defer resp.Body.Close()
	res.Status, res.ContentType = resp.StatusCode, resp.Header.Get("Content-Type")
	if resp.StatusCode != http.StatusOK {
		res.Err, res.Elapsed = fmt.Errorf("%w: %s", ErrHTTPStatus, resp.Status), time.Since(start)
		return res
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxPolicySize+1))
	res.Elapsed = time.Since(start)
	switch {
	case err != nil:
		res.Err = err
	case len(body) > MaxPolicySize:
		res.Err = fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxPolicySize)
	default:
		res.Fetched, res.Body = true, string(body)
	}
	return res
}

// textPlain reports whether a Content-Type is text/plain (RFC 8461 §3.2:
// the policy is served as text/plain).
func textPlain(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "text/plain"
}
