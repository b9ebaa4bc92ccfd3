package dkim

import (
	"fmt"
	"strings"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/headers/rfc5322"
)

// fetchKey looks the key up and checks it fits the signature. It returns
// the key when one was parsed, and a cause and reason when it cannot be
// used. What DNS answered, and which server, is kept in the result.
func (v *verifier) fetchKey(c *check) (*Key, Cause, string) {
	l := LookupKey(v.ctx, v.r, rfc5322.StripFWS(c.sig.Selector), strings.ToLower(rfc5322.StripFWS(c.sig.Domain)))
	name := l.Name
	c.res.KeyServer, c.res.KeyStatus, c.res.Observed = l.Server, l.Status, l.Observed()
	via := ""
	if l.Target != "" {
		via = fmt.Sprintf(" (a CNAME to %s)", l.Target)
		if providerOf(l.Target) == ProviderMicrosoft {
			via = fmt.Sprintf(" (a CNAME to Microsoft 365, %s)", l.Target)
		}
	}
	switch {
	case l.Status.Temporary():
		return nil, CauseDNSTemporary, fmt.Sprintf("the key lookup at %s failed (%s); try again later", name, l.Status)
	case l.Status != dnsclient.StatusRecords:
		return nil, CauseKeyNotFound, fmt.Sprintf("key gone: no key at %s%s (%s); it was removed, perhaps rotated away, or never published, so the signature can no longer be checked", name, via, l.Status)
	case len(l.Records) > 1:
		return v.severalKeys(c, name, l.Records)
	}
	if l.Err != nil {
		return l.Key, CauseKeyUnusable, fmt.Sprintf("the key record at %s%s is broken: %v", name, via, l.Err)
	}
	cause, reason := c.keyFits(l.Key, name+via)
	return l.Key, cause, reason
}

// severalKeys handles several TXT records at the key's name: RFC 6376
// §6.1.2 leaves the choice to the verifier and many fail outright, so the
// verdict is a key problem; a note says which record, if any, verifies.
func (v *verifier) severalKeys(c *check, name string, txts []string) (*Key, Cause, string) {
	var first *Key
	for i, txt := range txts {
		k, err := ParseKey(txt)
		if first == nil {
			first = k
		}
		if err != nil {
			continue
		}
		if cause, _ := c.keyFits(k, name); cause == "" && c.verifyHeaders(v, k) {
			c.note("record %d of %d verifies the header signature; verifiers that try every record would pass it", i+1, len(txts))
			break
		}
	}
	return first, CauseKeyUnusable, fmt.Sprintf("%d TXT records at %s: verifiers expect one key record, and many fail the signature when there are several", len(txts), name)
}

// keyFits checks the key against the signature: usable at all, the type
// k= matching a=, sha256 allowed by h=, and the t=s identity rule.
func (c *check) keyFits(k *Key, where string) (Cause, string) {
	if err := k.Usable(); err != nil {
		if k.Revoked {
			return CauseKeyRevoked, fmt.Sprintf("key gone: the key at %s is revoked (empty p=); the domain withdrew it, and signatures made with it no longer verify", where)
		}
		return CauseKeyUnusable, fmt.Sprintf("the key at %s cannot be used: %v", where, err)
	}
	if k.Type != c.keyType {
		return CauseKeyUnusable, fmt.Sprintf("a=%s needs a k=%s key, but the key at %s is k=%s", c.sig.Algorithm, c.keyType, where, k.Type)
	}
	if k.Strict {
		_, idDomain, _ := strings.Cut(c.sig.AUID(), "@")
		if !strings.EqualFold(strings.TrimSuffix(idDomain, "."), strings.TrimSuffix(c.sig.Domain, ".")) {
			return CauseIdentityMismatch, fmt.Sprintf("the key at %s has t=s, which forbids i= in a subdomain of d=, but i=%q is not in %s itself", where, c.sig.AUID(), c.sig.Domain)
		}
	}
	return "", ""
}
