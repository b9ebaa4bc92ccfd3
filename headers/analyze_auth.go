package headers

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/mxray/mxray/headers/authres"
	"github.com/mxray/mxray/headers/trace"
)

// readAuth reads what receivers recorded: Authentication-Results (and
// Microsoft's X-MS-Exchange-Authentication-Results), Received-SPF and
// X-Forefront-Antispam-Report, marks the receiver's own as trusted, and
// builds the receiver's verdicts.
func (a *analyzer) readAuth() {
	topSeg, topID := -1, ""
	for i, f := range a.m.Fields {
		name := strings.ToLower(f.Name)
		if name != "authentication-results" && name != "x-ms-exchange-authentication-results" {
			continue
		}
		ar, err := authres.ParseAuthResults(f.Value)
		var are *authres.AuthResError
		if err != nil && errors.As(err, &are) && len(ar.Results) == 0 && !ar.NoResult {
			a.fs.add(SeverityInfo, CodeAuthResUnreadable, fmt.Sprintf("line %d", f.Line),
				"Nothing to do unless this is the receiver's field: then report it to the receiver's postmaster.",
				"The %s field on line %d cannot be read: %s.", f.Name, f.Line, are.Reason)
			continue
		}
		trusted := a.trustedAuthServ(ar.AuthServID, i)
		if !trusted && i >= a.regionEnd && ar.AuthServID != "" && a.orgs.hasHost(ar.AuthServID) {
			a.fs.add(SeverityWarning, CodeForeignAuthRes, fmt.Sprintf("line %d", f.Line),
				"Trust only the results the receiver added on arrival; these were already in the message when it arrived.",
				"The Authentication-Results field on line %d names the receiver (%s) but sits below the point where the message entered "+
					"the receiving organisation: it was added earlier, by a forwarder inside the same organisation or by the sender, and is not trusted.",
				f.Line, ar.AuthServID)
		}
		seg := a.segment(i)
		if trusted && topSeg < 0 {
			topSeg, topID = seg, ar.AuthServID
			a.out.Receiver.AuthServID = ar.AuthServID
		}
		trust := TrustReceiver
		switch {
		case trusted:
		case ar.AuthServID == "":
			trust = TrustUnnamed
		case a.orgs.hasHost(ar.AuthServID) || a.trust.hasName(ar.AuthServID):
			trust = TrustReceiverEarlier
		default:
			trust = TrustOtherADMD
		}
		for _, r := range ar.Results {
			e := AuthResultEntry{AuthServID: ar.AuthServID, MethodResult: methodResult(r), Trusted: trusted, Trust: trust, Field: f.Name, Line: f.Line}
			a.out.AuthenticationResults = append(a.out.AuthenticationResults, e)
			if trusted && seg == topSeg && strings.EqualFold(ar.AuthServID, topID) {
				a.verdictGroup = append(a.verdictGroup, e)
				a.recordFromResult(r)
			}
		}
	}
	a.readReceivedSPF()
	a.readForefront()
	a.buildVerdicts()
	if len(a.hops) > 0 && len(a.verdictGroup) == 0 && a.receiverSPF == nil {
		a.fs.add(SeverityInfo, CodeNoReceiverResults, "",
			"Paste the header as the final recipient's mailbox shows it, or ask the receiver's postmaster what it checked.",
			"The receiver recorded no Authentication-Results or Received-SPF of its own, so its SPF, DKIM and DMARC verdicts are not known from this header.")
	}
}

// trustedAuthServ reports whether an Authentication-Results field at index
// i with this authserv-id is the receiver's own.
func (a *analyzer) trustedAuthServ(id string, i int) bool {
	if !a.inRegion(i) {
		return false
	}
	if id == "" {
		// Microsoft 365 writes no authserv-id; trust it only when
		// Microsoft 365 is the receiver.
		return a.orgs[microsoftOrg]
	}
	return a.orgs.hasHost(id) || a.trust.hasName(id)
}

// recordFromResult notes the client IP and HELO a receiver's result names.
func (a *analyzer) recordFromResult(r authres.AuthResult) {
	for _, key := range []string{"smtp.client-ip", "smtp.remote-ip", "policy.iprev"} {
		if v, ok := r.Prop(key); ok {
			if ip, ok := trace.ParseIP(v); ok {
				a.noteIP(ip, "Authentication-Results ("+key+")")
				break
			}
		}
	}
	if r.Method == "spf" {
		if ip, ok := spfCommentIP(r.Comment); ok {
			a.noteIP(ip, "Authentication-Results (sender IP is)")
		}
		if v, ok := r.Prop("smtp.helo"); ok && a.receiverHELO == "" {
			a.receiverHELO = v
		}
	}
}

// noteIP records a client IP the receiver wrote down.
func (a *analyzer) noteIP(ip netip.Addr, source string) {
	ip = ip.Unmap()
	for _, r := range a.recordedIPs {
		if r.ip == ip && r.source == source {
			return
		}
	}
	a.recordedIPs = append(a.recordedIPs, recordedIP{ip: ip, source: source})
	if !a.receiverIP.IsValid() {
		a.receiverIP, a.receiverIPSrc = ip, source
	}
}

func (a *analyzer) readReceivedSPF() {
	topSeg := -1
	for i, f := range a.m.Fields {
		if !strings.EqualFold(f.Name, "Received-SPF") {
			continue
		}
		r, _ := authres.ParseReceivedSPF(f.Value)
		e := SPFEntry{ReceivedSPF: r, Line: f.Line}
		if r.ClientIP.IsValid() {
			e.ClientIPText = r.ClientIP.String()
		}
		host := r.Receiver
		if host == "" {
			host = r.CommentHost()
		}
		e.Trusted = a.inRegion(i) && host != "" && (a.orgs.hasHost(host) || a.trust.hasName(host))
		a.out.ReceivedSPFAll = append(a.out.ReceivedSPFAll, e)
		if !e.Trusted {
			continue
		}
		seg := a.segment(i)
		if topSeg < 0 {
			topSeg = seg
		}
		if seg != topSeg {
			continue
		}
		// Prefer the mailfrom check when the receiver recorded both.
		if a.receiverSPF == nil || (a.receiverSPF.Identity == "helo" && r.Identity != "helo") {
			cp := e
			a.receiverSPF = &cp
		}
	}
	if s := a.receiverSPF; s != nil {
		a.out.ReceivedSPF = s
		if s.ClientIP.IsValid() {
			a.noteIP(s.ClientIP, "Received-SPF (client-ip)")
		}
		if a.receiverHELO == "" {
			a.receiverHELO = s.HELO
		}
	}
}

func (a *analyzer) readForefront() {
	for i, f := range a.m.Fields {
		if !strings.EqualFold(f.Name, "X-Forefront-Antispam-Report") {
			continue
		}
		ff := ParseForefront(f.Value)
		info := &MicrosoftInfo{Forefront: &ff, Trusted: a.inRegion(i) && a.orgs[microsoftOrg], Line: f.Line}
		if ff.CIP.IsValid() {
			info.CIP = ff.CIP.String()
			if info.Trusted {
				a.noteIP(ff.CIP, "X-Forefront-Antispam-Report (CIP)")
			}
		}
		if a.out.Microsoft == nil || (!a.out.Microsoft.Trusted && info.Trusted) {
			a.out.Microsoft = info
		}
	}
}

// buildVerdicts summarises the receiver's own results.
func (a *analyzer) buildVerdicts() {
	v := &a.out.Receiver
	for _, e := range a.verdictGroup {
		switch e.Method {
		case "spf":
			if v.SPF == "" {
				v.SPF, v.SPFSource = e.Result, "Authentication-Results"
			}
		case "dkim":
			d := e.Properties["header.d"]
			if d == "" {
				if i := e.Properties["header.i"]; strings.Contains(i, "@") {
					d = i[strings.LastIndexByte(i, '@')+1:]
				}
			}
			v.DKIMResults = append(v.DKIMResults, DKIMVerdict{Result: e.Result, Domain: d, Selector: e.Properties["header.s"]})
			if v.DKIM == "" || e.Result == authres.ResultPass {
				v.DKIM = e.Result
			}
		case "dmarc":
			if v.DMARC == "" {
				v.DMARC = e.Result
			}
		case "arc":
			if v.ARC == "" {
				v.ARC = e.Result
			}
		case "compauth":
			if v.CompAuth == "" {
				v.CompAuth, v.CompReason = e.Result, e.Reason
			}
		}
	}
	if v.SPF == "" && a.receiverSPF != nil {
		v.SPF, v.SPFSource = a.receiverSPF.Result, "Received-SPF"
	}
	if v.CompAuth == authres.ResultFail || v.CompAuth == authres.ResultSoftFail {
		a.fs.add(SeverityWarning, CodeCompAuthFail, "compauth",
			"Publish SPF, DKIM and DMARC for the From domain so that they align with it; for mail the organisation wants anyway, "+
				"add an allow entry in Microsoft 365 instead of relaxing authentication.",
			"Microsoft 365's composite authentication failed (compauth=%s reason=%s): %s.", v.CompAuth, v.CompReason, compAuthMeaning(v.CompReason))
	}
}

// compAuthMeaning is Microsoft's meaning of a compauth reason code
// (authres.CompAuthReason), or why there is none.
func compAuthMeaning(code string) string {
	m, _ := authres.CompAuthReason(code)
	return m
}

// propMap turns properties into the JSON object of the contract; when a
// key repeats, the first value is kept.
func propMap(ps []authres.Property) map[string]string {
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		if _, ok := m[p.Key()]; !ok {
			m[p.Key()] = p.Value
		}
	}
	return m
}
