package dkim

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mxray/mxray/diag/finding"
)

// maxCommonRSABits is the largest RSA key RFC 8301 §3.2 requires verifiers
// to handle.
const maxCommonRSABits = 4096

// keyFindings lists what is wrong or worth knowing about one selector.
func keyFindings(kr *KeyReport) []finding.Finding {
	named := kr.FoundBy != FoundByProbe
	f := func(sev finding.Severity, code, msg, fix string) finding.Finding {
		return finding.Finding{Severity: sev, Code: code, Message: finding.Sentence(msg), Fix: finding.Sentence(fix), Part: finding.PartDKIM, Subject: finding.Selector(kr.Selector)}
	}
	name := strings.TrimSuffix(kr.Name, ".")
	var out []finding.Finding

	if kr.Status.Temporary() {
		return append(out, f(finding.Warning, "dkim.dns_temporary",
			fmt.Sprintf("the lookup of %s failed (%s); the key could not be checked", name, kr.Status),
			"run the check again; if it persists, check that the domain's name servers answer"))
	}
	if kr.Record == "" {
		return append(out, notFoundFindings(kr, named, name, f)...)
	}
	if len(kr.Records) > 1 {
		out = append(out, f(finding.Error, "dkim.duplicate_records",
			fmt.Sprintf("%d TXT records at %s: a verifier expects one key record, and many fail every signature when there are several", len(kr.Records), name),
			"delete every TXT record at this name except the current key"))
	}
	k := kr.Key
	for _, e := range k.Errors {
		code := "dkim.key_syntax"
		switch {
		case errors.Is(e.Err, ErrKeyVersion):
			code = "dkim.key_version"
		case errors.Is(e.Err, ErrKeyType):
			code = "dkim.key_type_unknown"
		}
		out = append(out, f(finding.Error, code,
			fmt.Sprintf("key record at %s: %s (byte %d); verifiers cannot use it", name, e.Reason, e.Pos),
			"publish the record exactly as the sending service gives it, e.g. v=DKIM1; k=rsa; p=<base64 key>, as one TXT record (a long key is split into several strings of that one record)"))
	}
	if len(k.Errors) > 0 {
		return out
	}
	if k.Revoked {
		sev := finding.Info
		if named {
			sev = finding.Warning
		}
		out = append(out, f(sev, "dkim.key_revoked",
			fmt.Sprintf("%s has an empty p=: the key is revoked, and every signature made with it fails (RFC 6376 §3.6.1)", name),
			"nothing to do if this selector was retired on purpose; if mail is still signed with it, publish the current key or switch the signer to a live selector"))
		return out
	}
	out = append(out, keyStrengthFindings(k, name, f)...)
	if len(k.Hashes) > 0 && !k.AcceptsHash("sha256") {
		code, msg := "dkim.key_hash", fmt.Sprintf("h=%s at %s allows no hash a signature may use, so no signature can verify with this key", strings.Join(k.Hashes, ":"), name)
		if len(k.Hashes) == 1 && k.Hashes[0] == "sha1" {
			code = "dkim.key_sha1_only"
			msg = fmt.Sprintf("h=sha1 at %s allows only SHA-1, which RFC 8301 §3.1 forbids: no signature can verify with this key", name)
		}
		out = append(out, f(finding.Error, code, msg, "remove h= from the record (or set h=sha256) and sign with rsa-sha256"))
	}
	if !k.ForEmail() {
		out = append(out, f(finding.Warning, "dkim.key_not_email",
			fmt.Sprintf("s=%s at %s excludes email: mail signed with this key fails DKIM", strings.Join(k.Services, ":"), name),
			"if this key signs mail, remove s= or set s=email"))
	}
	if k.Testing {
		out = append(out, f(finding.Warning, "dkim.key_testing",
			fmt.Sprintf("t=y at %s: the domain says it is testing DKIM, and receivers may treat its signatures as if the mail were unsigned", name),
			"remove t=y from the record once signing works"))
	}
	if k.Format == FormatPKCS1 {
		out = append(out, f(finding.Warning, "dkim.key_pkcs1",
			fmt.Sprintf("p= at %s is a bare PKCS #1 RSAPublicKey; RFC 6376 §3.6.1 publishes a SubjectPublicKeyInfo, and some verifiers reject the other form", name),
			"republish the key in SubjectPublicKeyInfo form (the base64 usually starts with MIIBIjAN for 2048 bits or MIGfMA0 for 1024)"))
	}
	return out
}

func notFoundFindings(kr *KeyReport, named bool, name string, f func(finding.Severity, string, string, string) finding.Finding) []finding.Finding {
	if kr.Microsoft {
		sev := finding.Info
		if named {
			sev = finding.Error
		}
		return []finding.Finding{f(sev, "dkim.microsoft_key_missing",
			fmt.Sprintf("%s is a CNAME to Microsoft 365 (%s) but no key is published there: DKIM signing is not enabled for this domain in Microsoft 365, or this is the inactive selector of the pair", name, kr.CNAME),
			"in the Microsoft Defender portal (Email & collaboration > Policies > Email authentication settings > DKIM), enable signing for the domain; the inactive selector of the pair is normal")}
	}
	if !named {
		return []finding.Finding{f(finding.Info, "dkim.cname_no_key",
			fmt.Sprintf("%s is a CNAME to %s, which publishes no key", name, kr.CNAME),
			"if this selector is meant to be used, finish the sending service's DKIM setup; otherwise remove the CNAME")}
	}
	where := string(kr.Status)
	if kr.CNAME != "" {
		where = fmt.Sprintf("its CNAME target %s: %s", kr.CNAME, kr.Status)
	}
	return []finding.Finding{f(finding.Error, "dkim.key_not_found",
		fmt.Sprintf("no DKIM key at %s (%s): mail signed with s=%s fails DKIM", name, where, kr.Selector),
		fmt.Sprintf("publish the signer's public key at %s, or, if that selector was retired, make sure nothing still signs with s=%s", name, kr.Selector))}
}

func keyStrengthFindings(k *Key, name string, f func(finding.Severity, string, string, string) finding.Finding) []finding.Finding {
	if k.Type != KeyRSA {
		return nil
	}
	rotate := "generate a 2048-bit key, publish it under a new selector, switch signing to it, then revoke this one (publish p= empty)"
	switch {
	case k.Bits < MinRSABits:
		return []finding.Finding{f(finding.Error, "dkim.key_too_small",
			fmt.Sprintf("%s holds a %d-bit RSA key: RFC 8301 §3.2 forbids accepting keys under %d bits, so every signature with it fails", name, k.Bits, MinRSABits), rotate)}
	case k.Bits < RecommendedBits:
		return []finding.Finding{f(finding.Warning, "dkim.key_weak",
			fmt.Sprintf("%s holds a %d-bit RSA key: still accepted, but RFC 8301 §3.2 asks for at least %d bits", name, k.Bits, RecommendedBits), rotate)}
	case k.Bits > maxCommonRSABits:
		return []finding.Finding{f(finding.Warning, "dkim.key_large",
			fmt.Sprintf("%s holds a %d-bit RSA key: verifiers need only handle up to %d bits (RFC 8301 §3.2), and some reject larger keys", name, k.Bits, maxCommonRSABits),
			"use a 2048-bit key (or 4096 at most) for wide acceptance")}
	}
	return nil
}
