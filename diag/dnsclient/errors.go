package dnsclient

import (
	"errors"
	"strings"
)

// Why a lookup failed. An Answer's Err is a *LookupError wrapping one (or,
// in authoritative mode, two) of these; tell them apart with errors.Is.
var (
	// ErrTimeout: no usable reply before the deadline.
	ErrTimeout = errors.New("no reply in time")
	// ErrServFail: SERVFAIL (RFC 1035 RCODE 2) from every server tried.
	ErrServFail = errors.New("server failure (SERVFAIL)")
	// ErrRefused: REFUSED (RCODE 5) from every server tried.
	ErrRefused = errors.New("query refused (REFUSED)")
	// ErrRcode: another RCODE that is no answer (FORMERR, NOTIMP, ...).
	ErrRcode = errors.New("unexpected response code")
	// ErrQueryBudget: the client has sent Config.MaxQueries questions.
	ErrQueryBudget = errors.New("query budget of the investigation spent")
	// ErrCNAMELoop: a CNAME chain came back to a name already in it.
	ErrCNAMELoop = errors.New("CNAME loop")
	// ErrCNAMEChain: a CNAME chain longer than Config.MaxCNAMEs.
	ErrCNAMEChain = errors.New("CNAME chain too long")
	// ErrTooMuchTXT: the client has accepted Config.MaxTXTBytes of TXT data.
	ErrTooMuchTXT = errors.New("TXT byte budget of the investigation spent")
	// ErrResolverDown: the resolvers have stopped answering (Config.Health),
	// so the question was not sent.
	ErrResolverDown = errors.New("the DNS resolvers stopped answering")
	// ErrNoServers: no server to ask.
	ErrNoServers = errors.New("no DNS servers")
	// ErrBadReply: a reply that matched the question's ID but could not be
	// parsed.
	ErrBadReply = errors.New("malformed reply")
	// ErrBadName: the name cannot be asked (bad syntax, label over 63 or name
	// over 255 octets).
	ErrBadName = errors.New("not a valid domain name")
	// ErrReferral: the server neither answered nor recursed, it referred the
	// question to another zone's nameservers.
	ErrReferral = errors.New("server referred the question elsewhere instead of answering")
	// ErrZoneCut: authoritative mode could not find the zone a name is in.
	ErrZoneCut = errors.New("could not find the zone")
	// ErrNameservers: authoritative mode could not reach any nameserver of
	// the zone, or found none.
	ErrNameservers = errors.New("no nameserver of the zone could be reached")
)

// LookupError says which question failed, at which server, and why.
type LookupError struct {
	Name   string // the question name
	Type   string // the question type, e.g. "TXT"
	Server string // the last server asked, host:port; empty when none was
	Err    error  // wraps one of the sentinels above or a context error
}

// Error reads "TXT example.com at 192.0.2.53:53: no reply in time" (the
// name without its final dot, as people write it: the dot read as a full
// stop in a sentence).
func (e *LookupError) Error() string {
	var b strings.Builder
	b.WriteString(e.Type)
	b.WriteByte(' ')
	b.WriteString(strings.TrimSuffix(e.Name, "."))
	if e.Server != "" {
		b.WriteString(" at ")
		b.WriteString(e.Server)
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("unknown error")
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *LookupError) Unwrap() error { return e.Err }
