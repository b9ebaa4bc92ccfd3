package diag

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mxray/mxray/diag/arc"
	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/authres"
)

// The re-check's words keep what was observed apart from what it may
// mean. The "now" of a row says what DNS answered today, naming the server
// ("DNS (192.0.2.53) answers NXDOMAIN for s1._domainkey.example.com TXT
// today"); what happened between delivery and today is a guess, and says
// so. The fix follows the cause: a key taken away, a key record that does
// not parse, a signature that expired, one made with an algorithm or a key
// size RFC 8301 forbids (a change of rules, not of DNS), l=, a revoked key.

// guess labels a guess.
func guess(s string) string { return " A guess: " + s }

// dkimProblem is what is wrong with one signature today, in the words of
// the report: its finding code, severity and fix. A signature the re-check
// rejects on rules alone (rsa-sha1, a short key, an expired x=, an unknown
// q=) gets a finding whatever the receiver recorded; a signature that
// passed at delivery and fails today gets recheck.dkim_changed with the fix
// of its cause.
type dkimProblem struct {
	code     string
	severity finding.Severity
	fix      string
}

// keyProblem is the sentinel error of an unusable key, when there is one.
func keyProblem(r *dkim.Result) error {
	if r.Key == nil {
		return nil
	}
	if len(r.Key.Errors) > 0 {
		return r.Key.Errors[0]
	}
	return r.Key.Usable()
}

// rejected is the finding of a signature the re-check rejects on rules
// alone, whatever the receiver recorded; ok is false for any other.
func rejected(r *dkim.Result) (dkimProblem, bool) {
	switch {
	case r.Cause == dkim.CauseAlgorithmRejected && r.Algorithm == dkim.AlgRSASHA1:
		return dkimProblem{"recheck.dkim_rsa_sha1", finding.Error,
			"Sign with rsa-sha256 (or ed25519-sha256 beside it): RFC 8301 forbids verifying rsa-sha1, so receivers that follow it fail this signature. The key can stay; the signer's setting changes."}, true
	case r.Cause == dkim.CauseKeyUnusable && errors.Is(keyProblem(r), dkim.ErrKeyTooSmall):
		return dkimProblem{"recheck.dkim_short_key", finding.Error,
			fmt.Sprintf("Publish a new RSA key of 2048 bits under a new selector, sign with it, then withdraw %s: RFC 8301 forbids accepting RSA keys under 1024 bits.", r.KeyName)}, true
	case r.Cause == dkim.CauseExpired:
		return dkimProblem{"recheck.dkim_expired", finding.Info,
			"Nothing to fix for a message this old: x= sets a lifetime and it has passed. If new mail expires this fast, lengthen x= (days, not hours) so messages still verify when they are forwarded or read late."}, true
	case r.Cause == dkim.CauseQueryMethod:
		return dkimProblem{"recheck.dkim_query_method", finding.Error,
			"Sign without q=, or with q=dns/txt, the only key query method RFC 6376 defines: verifiers fail a signature whose q= they do not know."}, true
	}
	return dkimProblem{}, false
}

// changedFix is the fix for a signature that passed at delivery and fails
// today, by cause.
func changedFix(r *dkim.Result) string {
	switch r.Cause {
	case dkim.CauseKeyNotFound:
		return fmt.Sprintf("If %s was rotated on purpose, nothing is broken for new mail; keep old selectors published for a week or two after switching, so messages in flight and forwarded still verify. If it was removed by mistake, publish it again.", r.KeyName)
	case dkim.CauseKeyRevoked:
		return "A revoked key (empty p=) is the domain saying it no longer stands behind this key: expected after a key compromise or retirement. Make sure current mail is signed with a live selector."
	case dkim.CauseKeyUnusable:
		return fmt.Sprintf("Fix the record at %s: it must parse as v=DKIM1; k=…; p=<base64 key> in one TXT record (strings joined).", r.KeyName)
	case dkim.CauseHeaderAltered:
		return "Compare the key published today with the one used at delivery (the selector may have been re-used for a new key); if the key is the same, the copy pasted here differs from the message as delivered."
	case dkim.CauseBodyAltered, dkim.CauseLengthLimited:
		return "Paste the whole message exactly as received (the original source), not a copy re-saved by a mail client."
	case dkim.CauseDNSTemporary:
		return "Check again later; if it persists, the domain's DNS servers are failing."
	}
	return "Find what changed in the signing domain's DNS since delivery."
}

// dkimNow says what the re-check saw for a signature that does not pass
// today: what DNS answered, what that means, and a labelled guess where
// one helps.
func dkimNow(r *dkim.Result) string {
	seen := r.Observed
	if seen != "" {
		seen += " today. "
	}
	switch r.Cause {
	case dkim.CauseKeyNotFound:
		return seen + fmt.Sprintf("No key for s=%s: the signature cannot be checked.", r.Selector) +
			guess("the key was rotated or removed after delivery.")
	case dkim.CauseKeyRevoked:
		return seen + fmt.Sprintf("The key record is there with an empty p=: the domain revoked key %s.", r.Selector)
	case dkim.CauseKeyUnusable:
		if errors.Is(keyProblem(r), dkim.ErrKeyTooSmall) {
			return seen + fmt.Sprintf("The key is a %d-bit RSA key, under the 1024 bits RFC 8301 §3.2 requires: the receiver may have accepted it then; verifiers that follow RFC 8301 refuse it now. A difference of rules, not a change in DNS.", r.Key.Bits)
		}
		if r.Key != nil {
			return seen + fmt.Sprintf("The key record %q cannot be used: %v.", r.Key.Record, keyProblem(r))
		}
	case dkim.CauseAlgorithmRejected:
		if r.Algorithm == dkim.AlgRSASHA1 {
			s := seen + "a=rsa-sha1: the receiver may have accepted it then; RFC 8301 §3.1 forbids verifying SHA-1 signatures now. A difference of rules, not a change in DNS."
			if r.SignatureVerified {
				s += " With SHA-1 the signature still verifies with today's key."
			}
			return s
		}
	case dkim.CauseExpired:
		s := seen + "x= has passed: " + r.Reason + ". Normal for old mail."
		if r.SignatureVerified {
			s += " The signature itself still verifies."
		}
		return s
	case dkim.CauseLengthLimited:
		return seen + "l= covers more body than was pasted: " + r.Reason + "."
	case dkim.CauseHeaderAltered:
		return seen + "The key published today does not verify the signature." +
			guess(fmt.Sprintf("the key was replaced under the same selector after delivery, or the signed headers changed in the copy pasted (%s canonicalization).", r.Canonicalization))
	case dkim.CauseBodyAltered:
		return seen + "The signature verifies but the body hash does not match the body pasted." +
			guess("the body was changed in the copy pasted, or by a list or gateway after signing.")
	}
	return seen + finding.Sentence(r.Reason)
}

// observedTXT finds the DNS log entry of the TXT question for name and
// says what it answered, naming the server; "" when the log has none.
func observedTXT(log []dnsclient.LogEntry, name string) string {
	fq := strings.TrimSuffix(name, ".") + "."
	for i := len(log) - 1; i >= 0; i-- {
		e := log[i]
		if e.Type != "TXT" || !strings.EqualFold(e.Name, fq) {
			continue
		}
		l := dkim.KeyLookup{Name: strings.TrimSuffix(e.Name, "."), Status: e.Status, Server: e.Server}
		if e.Status == dnsclient.StatusRecords {
			return "" // records: the row's own words say what they hold
		}
		return l.Observed()
	}
	return ""
}

// arcRow sets the ARC chain as the receiver recorded it beside the chain
// verified today.
func arcRow(a *headers.Analysis, c *arc.Chain) ThenNow {
	row := ThenNow{Check: finding.PartARC, Then: Outcome(a.Receiver.ARC)}
	if c == nil {
		row.Explanation = "The message carries no ARC sets."
		return row
	}
	row.Now = Outcome(c.Result)
	switch c.Result {
	case authres.CVNone:
		row.Explanation = "The message carries no ARC sets."
	case arc.TempError:
		row.Explanation = "The ARC chain could not be checked today: " + c.Reason + "."
	case authres.CVPass:
		row.Explanation = fmt.Sprintf("%d ARC set(s) verify today: the newest message signature and every seal (RFC 8617 §5.2).", c.Instances)
		if c.Agrees() {
			row.Explanation += fmt.Sprintf(" The newest sealer wrote cv=%s, as it should.", c.NewestCV)
		} else {
			row.Explanation += fmt.Sprintf(" But the newest sealer wrote cv=%s, which a chain that verifies does not have.", c.NewestCV)
		}
	default:
		row.Explanation = "The ARC chain fails today: " + c.Reason + "."
	}
	if forwarder, ok := arcSPFPass(a); ok && failing(Outcome(a.Receiver.SPF)) {
		row.Explanation += fmt.Sprintf(" The first sealer (%s) recorded SPF pass before the message was forwarded.", forwarder)
	}
	return row
}
