package dkim

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/rfc5322"
	"github.com/mxray/mxray/headers/taglist"
)

// MaxSignatures bounds how many DKIM-Signature fields of one message
// Verify checks; each costs a DNS lookup. Later ones get Neutral.
const MaxSignatures = 32

// The algorithms a= may name (RFC 6376 §3.3, RFC 8463 §3, RFC 8301 §3.1).
const (
	AlgRSASHA256     = "rsa-sha256"
	AlgEd25519SHA256 = "ed25519-sha256"
	AlgRSASHA1       = "rsa-sha1" // rejected: RFC 8301 §3.1
)

// QueryDNSTXT is the only key query method (RFC 6376 §3.5 q=).
const QueryDNSTXT = "dns/txt"

// futureSlack is how far t= may lie after the check time before Verify
// notes a signing time in the future (clocks drift).
const futureSlack = 5 * time.Minute

// Verify re-checks every DKIM-Signature field among fields, in order, one
// Result each. fields are the message's header fields in order; body is
// the message body as received (LF or CRLF line ends), and hasBody says
// whether there was one at all.
//
// The header signature (b=) covers only header fields, so it is checked
// even without a body: a message pasted without its body can still pass,
// with BodyHash "not_checked". Key records are looked up through r at the
// priority ctx carries; expiry (x=) is judged against now. Lookups run
// concurrently, one per signature.
func Verify(ctx context.Context, r dnsclient.Resolver, fields []headers.Field, body []byte, hasBody bool, now time.Time) []Result {
	idx := indexFields(fields)
	sigs := idx["dkim-signature"]
	results := make([]Result, len(sigs))
	bodies := &bodyHashes{body: body, sums: map[bodyKey]bodySum{}}
	var wg sync.WaitGroup
	for n, i := range sigs {
		if n >= MaxSignatures {
			results[n] = Result{
				Field: i, Line: fields[i].Line, Result: Neutral, BodyHash: BodyHashNotChecked,
				Cause:  CauseTooManySignatures,
				Reason: fmt.Sprintf("not checked: the message carries %d DKIM signatures and only the first %d are verified", len(sigs), MaxSignatures),
			}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := verifier{ctx: ctx, r: r, fields: fields, idx: idx, bodies: bodies, hasBody: hasBody, now: now}
			results[n] = v.verify(i)
		}()
	}
	wg.Wait()
	return results
}

// verifier holds what every signature of one message shares.
type verifier struct {
	ctx     context.Context
	r       dnsclient.Resolver
	fields  []headers.Field
	idx     fieldIndex
	bodies  *bodyHashes
	hasBody bool
	now     time.Time
}

// check is the work on one signature.
type check struct {
	res     Result
	sig     *headers.DKIMSignature
	keyType KeyType
	hdrC    Canonicalization
	bodyC   Canonicalization
}

func (v *verifier) verify(i int) Result {
	f := v.fields[i]
	c := &check{res: Result{Field: i, Line: f.Line, BodyHash: BodyHashNotChecked}}
	value := f.Raw
	if colon := strings.IndexByte(value, ':'); colon >= 0 {
		value = value[colon+1:]
	}
	sig, err := headers.ParseDKIMSignature(value)
	c.sig = sig
	c.describe()
	if err != nil {
		return c.stop(PermError, CauseSignatureSyntax, "the DKIM-Signature is malformed: "+strings.Join(sig.Problems, "; "))
	}
	if !validSelector(rfc5322.StripFWS(sig.Selector), strings.ToLower(rfc5322.StripFWS(sig.Domain))) {
		return c.stop(PermError, CauseSignatureSyntax, fmt.Sprintf("s=%q and d=%q do not form a DNS name the key could be published at", sig.Selector, sig.Domain))
	}
	if sig.QueryMethods != "" && !hasQueryDNSTXT(sig.QueryMethods) {
		return c.stop(PermError, CauseQueryMethod, fmt.Sprintf("q=%q names no query method this verifier knows (only %s exists)", sig.QueryMethods, QueryDNSTXT))
	}
	switch sig.Algorithm {
	case AlgRSASHA256:
		c.keyType = KeyRSA
	case AlgEd25519SHA256:
		c.keyType = KeyEd25519
	case AlgRSASHA1:
		return v.rejectSHA1(c)
	default:
		return c.stop(PermError, CauseAlgorithmRejected, fmt.Sprintf("a=%q is not a DKIM algorithm this verifier knows (rsa-sha256, ed25519-sha256)", sig.Algorithm))
	}
	c.notes(v.now)

	key, keyCause, keyReason := v.fetchKey(c)
	c.res.Key = key
	// The crypto is checked whenever the key can be read, even when a rule
	// (t=s, h=, s=) rejects it, so the report can say whether it held.
	sigOK := key != nil && len(key.Errors) == 0 && c.verifyHeaders(v, key)
	c.res.SignatureVerified = sigOK
	bodyOK := c.checkBody(v)

	expired := sig.Expiration != nil && v.now.After(*sig.Expiration)
	switch {
	case expired:
		return c.expired(v.now, keyCause, keyReason, sigOK)
	case keyCause != "":
		return c.stop(verdictFor(keyCause), keyCause, keyReason)
	case !sigOK:
		return c.headerAltered(key, bodyOK)
	case !bodyOK:
		return c.stop(Fail, CauseLengthLimited, c.lengthReason())
	case c.res.BodyHash == BodyHashFail:
		return c.bodyAltered()
	}
	if added := v.idx.addedFields(sig.SignedHeaders); len(added) > 0 {
		return c.stop(Policy, CauseHeaderAdded, fmt.Sprintf("the signature verifies, but the message has more %s fields than the signature covers: an unsigned copy was added after signing, and a mail client may show it instead of the signed one (RFC 6376 §8.15)", strings.Join(added, ", ")))
	}
	c.res.Result = Pass
	if c.res.BodyHash == BodyHashNotChecked {
		c.res.Reason = fmt.Sprintf("the header signature verifies with the key at %s; body hash not checked: no body", c.res.KeyName)
	} else {
		c.res.Reason = fmt.Sprintf("the header signature and the body hash verify with the key at %s", c.res.KeyName)
	}
	return c.res
}

// describe copies what the signature says into the result.
func (c *check) describe() {
	s := c.sig
	c.res.Domain = s.Domain
	c.res.Selector = s.Selector
	c.res.Algorithm = s.Algorithm
	c.hdrC = Canonicalization(s.HeaderCanonicalization())
	c.bodyC = Canonicalization(s.BodyCanonicalization())
	c.res.Canonicalization = string(c.hdrC) + "/" + string(c.bodyC)
	c.res.BodyLength = s.Length
	c.res.Expires = s.Expiration
	if bv, ok := taglist.Lookup(s.Tags, "b"); ok {
		c.res.b = rfc5322.StripFWS(bv)
		c.res.HeaderB = c.res.b
		if len(c.res.HeaderB) > headerBPrefix {
			c.res.HeaderB = c.res.HeaderB[:headerBPrefix]
		}
	}
	if s.Domain != "" && s.Selector != "" {
		c.res.KeyName = strings.TrimSuffix(keyName(rfc5322.StripFWS(s.Selector), strings.ToLower(rfc5322.StripFWS(s.Domain))), ".")
	}
}

func (c *check) stop(v Verdict, cause Cause, reason string) Result {
	c.res.Result = v
	c.res.Cause = cause
	c.res.Reason = reason
	return c.res
}

func (c *check) note(format string, args ...any) {
	c.res.Notes = append(c.res.Notes, fmt.Sprintf(format, args...))
}

// notes records what is odd but not fatal about t= and l=.
func (c *check) notes(now time.Time) {
	s := c.sig
	if s.Timestamp != nil && s.Timestamp.After(now.Add(futureSlack)) {
		c.note("t= says the message was signed at %s, after the time of this check (%s): the signer's clock is wrong, or the check time is", s.Timestamp.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if s.Length != nil {
		c.note("l=%d: the signature covers only the first %d octets of the canonical body, so text can be appended without breaking it (RFC 6376 §8.2)", *s.Length, *s.Length)
	}
}

func hasQueryDNSTXT(q string) bool {
	for _, m := range strings.Split(q, ":") {
		if strings.EqualFold(rfc5322.StripFWS(m), QueryDNSTXT) {
			return true
		}
	}
	return false
}

// verdictFor maps a key problem to its verdict.
func verdictFor(c Cause) Verdict {
	if c == CauseDNSTemporary {
		return TempError
	}
	return PermError
}

func (c *check) lengthReason() string {
	return fmt.Sprintf("l=%d claims more body than the message has: the body was cut short after signing, or not pasted whole", *c.sig.Length)
}

func (c *check) expired(now time.Time, keyCause Cause, keyReason string, sigOK bool) Result {
	x := c.sig.Expiration.UTC()
	c.res.Result = PermError
	c.res.Cause = CauseExpired
	c.res.Reason = fmt.Sprintf("the signature expired at %s (x=), %s before the time of this check; RFC 6376 §3.5 makes it invalid after that", x.Format(time.RFC3339), now.Sub(x).Round(time.Second))
	switch {
	case keyCause != "":
		c.note("besides: %s", keyReason)
	case sigOK:
		c.note("the header signature itself still verifies: the signature was sound until it expired")
	default:
		c.note("the header signature would not verify either")
	}
	return c.res
}

func (c *check) headerAltered(k *Key, bodyOK bool) Result {
	reason := fmt.Sprintf("headers altered: the header signature (b=) does not verify with the %s key at %s; a signed header field was changed after signing, or the key was replaced since", k.Type, c.res.KeyName)
	if c.hdrC == Simple {
		c.note("c=%s uses simple header canonicalization, which breaks on any change of spacing or line folding: a copy and paste through a mail client or ticket system often does that", c.res.Canonicalization)
	}
	c.note("a relay on the way (a mailing list, a security gateway) may have rewritten signed headers too")
	switch {
	case c.res.BodyHash == BodyHashFail:
		c.note("the body hash does not match either: the body changed as well, or the message was not pasted whole")
	case !bodyOK:
		c.note("l= claims more body than the message has")
	}
	return c.stop(Fail, CauseHeaderAltered, reason)
}

func (c *check) bodyAltered() Result {
	reason := "body altered: the header signature verifies but the body hash (bh=) does not match: the body changed after signing (a footer added by a list or gateway, re-encoding), or the pasted body is not byte-exact"
	return c.stop(Fail, CauseBodyAltered, reason)
}

// rejectSHA1 rejects an rsa-sha1 signature (RFC 8301 §3.1), after looking
// the key up and checking the SHA-1 signature against it, so the report
// can tell a policy difference (the signature is sound, SHA-1 is no longer
// accepted) from a key that changed.
func (v *verifier) rejectSHA1(c *check) Result {
	c.keyType = KeyRSA
	key, keyCause, keyReason := v.fetchKey(c)
	c.res.Key = key
	switch {
	case keyCause != "" && keyCause != CauseKeyUnusable:
		c.note("besides: %s", keyReason)
	case key != nil && len(key.Errors) == 0 && c.verifySHA1(v, key):
		c.res.SignatureVerified = true
		c.note("with SHA-1 the header signature still verifies with the key published today: a receiver that accepted SHA-1 would pass it")
	case key != nil:
		c.note("the header signature does not verify with SHA-1 and the key published today either")
	}
	return c.stop(PermError, CauseAlgorithmRejected, "a=rsa-sha1 is rejected by RFC 8301 §3.1: verifiers must not accept SHA-1 signatures; the sender must sign with rsa-sha256")
}
