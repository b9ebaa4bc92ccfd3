package blocklist

import (
	"fmt"
	"strings"

	"github.com/mxray/mxray/diag/finding"
)

// The finding codes.
const (
	// CodeListed: a subject is on a list; severity from the list's meaning.
	CodeListed = "blocklist.listed"
	// CodeNoAnswer: a list gave no usable answer about a subject.
	CodeNoAnswer = "blocklist.no_answer"
	// CodeUnusable: a list failed its health test; its answers are not
	// counted.
	CodeUnusable = "blocklist.unusable"
)

// Context is what the rest of the investigation knows that changes what a
// listing means.
type Context struct {
	// SendingIPPassedSPF: the message's sending IP passed SPF for the
	// domain, so it sends through a server (a provider's) the domain
	// authorises. A policy listing (Spamhaus PBL) of it is then a note: the
	// address is meant to hand mail to its provider, and does.
	SendingIPPassedSPF bool
}

// newFinding builds every blocklist finding, so that the finding type's
// part and subject are set in one place.
func newFinding(sev finding.Severity, code string, subject finding.Subject, message, fix string) finding.Finding {
	return finding.Finding{Severity: sev, Code: code, Part: finding.PartBlocklists, Subject: subject, Message: message, Fix: fix}
}

// subjectOf is a result's subject as a finding names it: its address, or
// its domain.
func subjectOf(r Result) finding.Subject {
	if r.Kind == KindIP && r.IP.IsValid() {
		return finding.IP(r.IP)
	}
	return finding.Domain(r.Subject)
}

// Findings turns results into findings: one per listing (its severity from
// the list's meaning and the subject's role), one per list and error for
// answers that could not be had, and one per list that failed its health
// test.
func Findings(results []Result, c Context) []finding.Finding {
	var out []finding.Finding
	type group struct {
		first    Result
		subjects []string
	}
	var errKeys []string
	errs := map[string]*group{}
	for _, r := range results {
		switch r.Status {
		case StatusListed:
			out = append(out, listedFinding(r, c))
		case StatusError:
			key := r.List + "\x00" + r.Error
			if r.Why == ErrUnhealthy {
				key = r.List + "\x00unhealthy"
			}
			g, ok := errs[key]
			if !ok {
				g = &group{first: r}
				errs[key] = g
				errKeys = append(errKeys, key)
			}
			g.subjects = append(g.subjects, r.Subject)
		}
	}
	for _, k := range errKeys {
		g := errs[k]
		r := g.first
		if r.Why == ErrUnhealthy {
			out = append(out, newFinding(finding.Warning, CodeUnusable, finding.Text(r.Zone),
				fmt.Sprintf("%s (%s) is not usable: %s. Its answers about %s are not counted.",
					r.List, r.Zone, strings.TrimPrefix(r.Error, "the list is not usable, so its answer is not counted: "), strings.Join(g.subjects, ", ")),
				r.Fix))
			continue
		}
		out = append(out, newFinding(finding.Warning, CodeNoAnswer, subjectOf(r),
			fmt.Sprintf("%s (%s) gave no usable answer about %s: %s. This is counted neither as listed nor as not listed.",
				r.List, r.Zone, strings.Join(g.subjects, ", "), r.Error),
			r.Fix))
	}
	return out
}

// listedFinding is the finding for one listing.
func listedFinding(r Result, c Context) finding.Finding {
	sev := finding.Warning
	switch r.Severity {
	case SeverityError:
		sev = finding.Error
	case SeverityInfo:
		sev = finding.Info
	case SeverityPolicy:
		if r.Role&RoleSendingIP != 0 && c.SendingIPPassedSPF {
			sev = finding.Info
		}
	}
	what := r.Subject
	switch {
	case len(r.Hosts) > 0:
		what += " (" + r.Role.String() + " " + strings.Join(r.Hosts, ", ") + ")"
	case r.Role != 0:
		what += " (" + r.Role.String() + ")"
	}
	msg := fmt.Sprintf("%s is listed on %s (%s): %s.", what, r.List, r.Zone, strings.Join(r.Meanings, "; "))
	where := r.DelistURL
	if where == "" {
		where = "the list's site"
	}
	var fix string
	switch {
	case r.Severity == SeverityPolicy:
		fix = "This is a policy listing, not a spam listing: it says the address should not hand mail straight to other mail servers. " +
			"If it is a mail server, ask the network's owner to have it removed (or request it at " + where + "); " +
			"otherwise send through the provider's submission server."
		if sev == finding.Info {
			fix = "Nothing to do while mail from this address goes through the provider the domain's SPF authorises; " +
				"this policy listing only says the address should not hand mail straight to other mail servers (details at " + where + ")."
		}
	case r.Kind == KindDomain:
		fix = "Find what put the domain there (a compromised site or account, spam sent or linked in its name) and stop it, then request removal at " + where + "."
	default:
		fix = "Find what caused the listing (a compromised account or host, an open relay, mail to addresses that bounce or are traps) and stop it, then request removal at " + where + "."
	}
	return newFinding(sev, CodeListed, subjectOf(r), msg, fix)
}
