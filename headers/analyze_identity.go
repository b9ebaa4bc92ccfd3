package headers

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mxray/mxray/headers/paste"
	"github.com/mxray/mxray/headers/rfc5322"
	"github.com/mxray/mxray/headers/trace"
)

// readEnvelope finds the envelope sender: Return-Path (added at final
// delivery), else X-Envelope-From, else what the hops and the receiver
// recorded, nearest to the boundary first.
func (a *analyzer) readEnvelope() {
	set := func(v, source string) bool {
		v = strings.TrimSpace(v)
		if v == "" {
			return false
		}
		if v == "<>" {
			a.out.NullSender = true
			a.out.EnvelopeFromSource = source
			return true
		}
		a.out.EnvelopeFrom = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
		a.out.EnvelopeFromSource = source
		return true
	}
	for _, name := range []string{"Return-Path", "X-Envelope-From"} {
		if fs := a.m.All(name); len(fs) > 0 && set(firstAngle(fs[0].Value), name) {
			return
		}
	}
	if a.boundary >= 0 && set(a.hops[a.boundary].r.EnvelopeFrom, fmt.Sprintf("Received hop %d", a.hops[a.boundary].index)) {
		return
	}
	if a.receiverSPF != nil && set(a.receiverSPF.EnvelopeFrom, "Received-SPF") {
		return
	}
	mailfrom := ""
	for _, e := range a.verdictGroup {
		if v := e.Properties["smtp.mailfrom"]; e.Method == "spf" && v != "" {
			mailfrom = v
			break
		}
	}
	if strings.Contains(mailfrom, "@") && set(mailfrom, "Authentication-Results") {
		return
	}
	// The hops nearest to the boundary: below it first, then above.
	start := max(a.boundary, 0)
	for k := start + 1; k < len(a.hops); k++ {
		if set(a.hops[k].r.EnvelopeFrom, fmt.Sprintf("Received hop %d", a.hops[k].index)) {
			return
		}
	}
	for k := start - 1; k >= 0; k-- {
		if set(a.hops[k].r.EnvelopeFrom, fmt.Sprintf("Received hop %d", a.hops[k].index)) {
			return
		}
	}
	set(mailfrom, "Authentication-Results")
}

// firstAngle returns the first <…> of a Return-Path value, or the value.
func firstAngle(v string) string {
	v = strings.TrimSpace(rfc5322.Unfold(v))
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j >= 0 {
			return strings.TrimSpace(v[i : i+j+1])
		}
	}
	return v
}

// readFrom reads the From field and its domain.
func (a *analyzer) readFrom() {
	fs := a.m.All("From")
	switch {
	case len(fs) == 0:
		a.fs.add(SeverityError, CodeFromMissing, "",
			"Every message must have exactly one From field (RFC 5322 §3.6); fix the sending software. If the paste is partial, paste the whole header.",
			"The header has no From field, so DMARC has no domain to check and receivers may reject the message.")
		return
	case len(fs) > 1:
		lines := make([]string, len(fs))
		for i, f := range fs {
			lines[i] = fmt.Sprint(f.Line)
		}
		a.fs.add(SeverityError, CodeFromMultiple, "",
			"Send exactly one From field (RFC 5322 §3.6); fix the sending software.",
			"The header has %d From fields (lines %s). RFC 5322 allows one; DMARC receivers reject or cannot evaluate such messages (RFC 7489 §6.6.1).",
			len(fs), strings.Join(lines, ", "))
	}
	addrs, err := ParseAddressList(fs[0].Value)
	a.out.From = addrs
	if len(addrs) > 0 {
		a.out.FromDomain = addrs[0].Domain()
	}
	var ae *AddressError
	if errors.As(err, &ae) {
		a.fs.add(SeverityWarning, CodeFromIllFormed, fmt.Sprintf("line %d", fs[0].Line),
			"Send a well-formed From address; receivers may reject the message or fail DMARC.",
			"The From field is not well-formed: %s.", strings.Join(ae.Problems, "; "))
	}
	if len(addrs) > 1 {
		a.fs.add(SeverityWarning, CodeFromMailboxes, fmt.Sprintf("line %d", fs[0].Line),
			"Put one author in From; name others elsewhere (RFC 7489 §6.6.1 lets receivers reject several).",
			"The From field names %d mailboxes; the From domain shown is the first one's (%s).", len(addrs), a.out.FromDomain)
	}
	if a.out.FromDomain == "" {
		a.fs.add(SeverityError, CodeFromNoDomain, fmt.Sprintf("line %d", fs[0].Line),
			"Send a From address with a domain.",
			"The From field (%s) has no address with a domain, so DMARC has nothing to check.", paste.Excerpt(fs[0].Value))
	}
}

// readDate reads the Date field.
func (a *analyzer) readDate() {
	fs := a.m.All("Date")
	if len(fs) == 0 {
		return
	}
	t, err := trace.ParseDate(fs[0].Value)
	if err != nil {
		var de *trace.DateError
		reason := err.Error()
		if errors.As(err, &de) {
			reason = de.Reason
		}
		a.fs.add(SeverityInfo, CodeDateInvalid, fmt.Sprintf("line %d", fs[0].Line),
			"Fix the sending software's clock or date formatting; spam filters score unreadable dates.",
			"The Date field %s cannot be read: %s.", paste.Excerpt(fs[0].Value), reason)
		return
	}
	u := t.UTC()
	a.out.Date = &u
	if !a.receiveTime.IsZero() && t.Sub(a.receiveTime) > 24*time.Hour {
		a.fs.add(SeverityInfo, CodeDateFuture, fmt.Sprintf("line %d", fs[0].Line),
			"Check the sender's clock and time zone; spam filters score dates in the future.",
			"The Date field (%s) is %s after the message was received (%s).",
			u.Format(time.RFC3339), spanWords(t.Sub(a.receiveTime)), a.receiveTime.UTC().Format(time.RFC3339))
	}
}

// readDKIM reads the DKIM-Signature and X-Google-DKIM-Signature fields.
func (a *analyzer) readDKIM() {
	ref := a.receiveTime
	if ref.IsZero() && a.out.Date != nil {
		ref = *a.out.Date
	}
	for _, f := range a.m.Fields {
		google := strings.EqualFold(f.Name, "X-Google-DKIM-Signature")
		if !google && !strings.EqualFold(f.Name, "DKIM-Signature") {
			continue
		}
		sig, err := ParseDKIMSignature(f.Value)
		info := dkimInfo(sig, f.Line)
		subject := fmt.Sprintf("d=%s s=%s", info.D, info.S)
		if info.X != nil && !ref.IsZero() && info.X.Before(ref) {
			info.Expired = true
		}
		if info.X != nil && !a.opts.Now.IsZero() && info.X.Before(a.opts.Now) {
			info.ExpiredNow = true
		}
		if google {
			a.out.GoogleDKIMSignatures = append(a.out.GoogleDKIMSignatures, info)
			continue
		}
		a.out.DKIMSignatures = append(a.out.DKIMSignatures, info)
		if err != nil {
			a.fs.add(SeverityError, CodeDKIMInvalid, subject,
				"Fix the signer's configuration: a signature with these problems fails for every receiver (RFC 6376 §6.1.1).",
				"The DKIM-Signature on line %d cannot verify: %s.", f.Line, strings.Join(sig.Problems, "; "))
		}
		if info.L != nil {
			a.fs.add(SeverityWarning, CodeDKIMLength, subject,
				"Sign the whole body: remove l= from the signer's configuration.",
				"The DKIM-Signature on line %d has l=%d: it covers only the first %d octets of the body, so anyone can append "+
					"text (or a whole new message part) without breaking it (RFC 6376 §8.2).", f.Line, *info.L, *info.L)
		}
		switch {
		case info.Expired:
			a.fs.add(SeverityWarning, CodeDKIMExpired, subject,
				"Give signatures a longer lifetime (x=): days, not minutes, so that retries and slow relays still verify.",
				"The DKIM-Signature on line %d expired at %s (x=), before the message was received at %s: receivers treat it as failed (RFC 6376 §3.5).",
				f.Line, info.X.Format(time.RFC3339), ref.UTC().Format(time.RFC3339))
		case info.ExpiredNow:
			a.fs.add(SeverityInfo, CodeDKIMExpiredNow, subject,
				"Nothing to fix: the verdict recorded at delivery is the one that counted.",
				"The DKIM-Signature on line %d expired at %s (x=): it was valid when the message was received, but a check made now fails for that reason alone.",
				f.Line, info.X.Format(time.RFC3339))
		}
	}
}

// dkimInfo turns a parsed signature into its JSON shape.
func dkimInfo(sig *DKIMSignature, line int) DKIMInfo {
	info := DKIMInfo{
		D: rfc5322.StripFWS(sig.Domain), S: rfc5322.StripFWS(sig.Selector), A: sig.Algorithm, H: sig.SignedHeaders,
		C: sig.Canonicalization, L: sig.Length, I: rfc5322.StripFWS(sig.Identity), Problems: sig.Problems, Line: line,
	}
	if info.H == nil {
		info.H = []string{}
	}
	info.Tags = make(map[string]string, len(sig.Tags))
	for _, t := range sig.Tags {
		info.Tags[t.Name] = rfc5322.StripFWS(t.Value)
	}
	if sig.Expiration != nil {
		x := sig.Expiration.UTC()
		info.X = &x
	}
	if sig.Timestamp != nil {
		t := sig.Timestamp.UTC()
		info.T = &t
	}
	return info
}

// readARC reads the ARC sets and reports a broken structure.
func (a *analyzer) readARC() {
	sets, chain := readARC(a.m.Fields)
	a.out.ARC, a.out.ARCChain = sets, chain
	if !chain.Valid && (chain.Instances > 0 || len(chain.Problems) > 0) {
		a.fs.add(SeverityWarning, CodeARCBroken, "",
			"ARC is added by intermediaries (mailing lists, forwarders); a broken chain means receivers ignore it, so a forwarded message "+
				"must pass on its own DKIM. Ask the intermediary that added the broken instance to fix its ARC signing.",
			"The ARC chain is broken: %s.", strings.Join(chain.Problems, "; "))
	}
}

// checkHops reports unreadable hops, unreadable dates and clock skew.
func (a *analyzer) checkHops() {
	if len(a.hops) == 0 {
		a.fs.add(SeverityInfo, CodeNoReceived, "",
			"Paste the complete header as the recipient's mailbox shows it: the Received fields are at the top.",
			"The header has no Received field: either only part of it was pasted, or the message never left the sender's system.")
		return
	}
	for _, h := range a.hops {
		subject := fmt.Sprintf("hop %d", h.index)
		if h.err != nil {
			a.fs.add(SeverityWarning, CodeUnparsedHop, subject,
				"Nothing to fix for the sender; its raw text is kept in the hop.",
				"The Received field of hop %d (line %d) cannot be read: %v.", h.index, a.m.Fields[h.field].Line, h.err)
			continue
		}
		if h.r.Date.IsZero() && h.r.DateText != "" {
			a.fs.add(SeverityInfo, CodeHopDate, subject,
				"Nothing to fix for the sender: the MTA of that hop writes a non-standard date.",
				"The date of hop %d (%s) cannot be read, so the delay at that hop is unknown.", h.index, paste.Excerpt(h.r.DateText))
		}
	}
	a.checkChain()
}

func hostOr(s string) string {
	if s == "" {
		return "unnamed host"
	}
	return s
}

// pasteFindings reports the damage Parse repaired, in one finding: the
// first repair in words, the kinds of all of them, and the fields whose
// bytes a repair may have changed.
func (a *analyzer) pasteFindings() {
	if len(a.m.Problems) == 0 {
		return
	}
	first := a.m.Problems[0]
	more := ""
	if n := len(a.m.Problems) - 1; n > 0 {
		more = fmt.Sprintf(" (and %d more)", n)
	}
	var kinds []string
	count := map[RepairKind]int{}
	for _, p := range a.m.Problems {
		if count[p.Kind] == 0 {
			kinds = append(kinds, string(p.Kind))
		}
		count[p.Kind]++
	}
	for i, k := range kinds {
		if n := count[RepairKind(k)]; n > 1 {
			kinds[i] = fmt.Sprintf("%s ×%d", k, n)
		}
	}
	var changed []string
	for _, f := range a.m.Fields {
		if f.Repair != "" && !containsFold(changed, f.Name) {
			changed = append(changed, f.Name)
		}
	}
	touched := ""
	if len(changed) > 0 {
		touched = fmt.Sprintf(" White space was restored or lines joined in %s: a DKIM signature over them is re-checked only where the repair is exact, and otherwise says it cannot be checked after repair.",
			strings.Join(changed, ", "))
	}
	a.fs.add(SeverityInfo, CodePasteRepaired, "",
		"If the results look wrong, copy the header again from the mail program's \"show original\" or \"view source\", as a file rather than through a reply or a chat window.",
		"The pasted text was damaged and repaired (%s): line %d: %s%s.%s", strings.Join(kinds, ", "), first.Line, first.Message, more, touched)
}
