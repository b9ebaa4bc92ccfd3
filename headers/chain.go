package headers

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/mxray/mxray/headers/trace"
)

// ClockSkewTolerance is how far a hop may be stamped before the hop below
// it without a finding: servers' clocks disagree by a few seconds all the
// time, and that says nothing.
const ClockSkewTolerance = 30 * time.Second

// Jumps in time that, where the chain does not connect, make a Received
// field look inserted: back by more than an hour, or forward by more than
// a week (no message waits in a queue that long; RFC 5321 §4.5.4.1 gives
// up after 4–5 days).
const (
	chainJumpBack    = time.Hour
	chainJumpForward = 7 * 24 * time.Hour
)

// checkChain follows the Received chain from the origin up. Each hop's
// "by" host should be the next hop's client (its from name, HELO,
// reverse-DNS name or address). Where it is not and the time jumps far
// (back by more than an hour, forward by more than a week), a Received
// field was likely inserted or forged: headers.hop_chain_break, not clock
// skew. Otherwise a hop stamped more than ClockSkewTolerance before the
// hop below it is clock skew.
func (a *analyzer) checkChain() {
	for k := len(a.hops) - 2; k >= 0; k-- {
		newer, older := &a.hops[k], &a.hops[k+1]
		if newer.err != nil || older.err != nil || newer.r.Date.IsZero() || older.r.Date.IsZero() {
			continue
		}
		d := newer.r.Date.Sub(older.r.Date)
		connected := linked(older.r.By, newer.r)
		switch {
		case !connected && (d < -chainJumpBack || d > chainJumpForward):
			older.chainBreak = true
			dir := "later"
			if d < 0 {
				dir = "earlier"
			}
			a.fs.add(SeverityWarning, CodeHopChainBreak, fmt.Sprintf("hop %d", older.index),
				"Read the hops from the break downwards as claims, not as evidence: the sending IP is taken from the hops above the break, written by servers the message really passed. If the message matters, report it as forged.",
				"The Received chain breaks between hop %d and hop %d: hop %d was received by %s, but hop %d says its client was %s; and hop %d is stamped %s %s than hop %d (%s, then %s). "+
					"Servers' clocks do not disagree by that much: hop %d (and what lies below it) was most likely inserted or forged by the sender, not written by the servers the message passed.",
				older.index, newer.index, older.index, hostOr(older.r.By), newer.index, clientWords(newer.r),
				newer.index, spanWords(absDuration(d)), dir, older.index,
				older.r.Date.UTC().Format(time.RFC3339), newer.r.Date.UTC().Format(time.RFC3339), older.index)
		case d < -ClockSkewTolerance:
			a.fs.add(SeverityWarning, CodeClockSkew, fmt.Sprintf("hop %d", newer.index),
				"Check the clocks (NTP) and time-zone settings of the two servers; wrong clocks make delays impossible to read and can break DKIM t=/x= checks.",
				"Hop %d (%s) is stamped %s before hop %d below it (%s): the clocks of these servers disagree.",
				newer.index, hostOr(newer.r.By), spanWords(-d), older.index, hostOr(older.r.By))
		}
	}
}

// linked reports whether by, the receiving host of a hop, can be the
// client of the next hop up: the same name, the same organisational
// domain, a single label that is the other's first ("mx1" and
// "mx1.example.com"), or the same address. When either side names nothing that can be compared
// (localhost, "unknown", an address against a name) it is taken as linked:
// a break needs evidence.
func linked(by string, next trace.Received) bool {
	b := hostKey(by)
	if b == "" {
		return true
	}
	if ip, err := netip.ParseAddr(strings.Trim(b, "[]")); err == nil {
		return !next.IP.IsValid() || next.IP == ip.Unmap()
	}
	compared := false
	for _, n := range []string{next.From, next.HELO, next.RDNS} {
		n = hostKey(n)
		if n == "" || strings.ContainsAny(n, "[]:") {
			continue
		}
		if _, err := netip.ParseAddr(n); err == nil {
			continue
		}
		compared = true
		first := func(s string) string { f, _, _ := strings.Cut(s, "."); return f }
		short := !strings.Contains(n, ".") || !strings.Contains(b, ".")
		if n == b || short && first(n) == first(b) || orgOf(n) != "" && orgOf(n) == orgOf(b) {
			return true
		}
	}
	return !compared
}

// hostKey is a host name as compared: lower case, no final dot; "" for
// names that say nothing (unknown, localhost).
func hostKey(s string) string {
	s = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "."))
	if s == "unknown" || isLocalhost(s) || strings.Contains(s, "@") {
		return ""
	}
	return s
}

// clientWords names a hop's client for a message.
func clientWords(r trace.Received) string {
	var parts []string
	if r.From != "" {
		parts = append(parts, r.From)
	}
	if r.HELO != "" && !strings.EqualFold(r.HELO, r.From) {
		parts = append(parts, "HELO "+r.HELO)
	}
	if r.IP.IsValid() {
		parts = append(parts, r.IP.String())
	}
	if len(parts) == 0 {
		return "unnamed"
	}
	return strings.Join(parts, ", ")
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// spanWords says a span of time in words a person reads at once: "8
// seconds", "12 minutes", "1 hour 18 minutes", "770 days".
func spanWords(d time.Duration) string {
	plural := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case d < 90*time.Second:
		return plural(int64(d.Round(time.Second)/time.Second), "second")
	case d < 90*time.Minute:
		return plural(int64(d.Round(time.Minute)/time.Minute), "minute")
	case d < 48*time.Hour:
		d = d.Round(time.Minute)
		h, m := int64(d/time.Hour), int64(d%time.Hour/time.Minute)
		if m == 0 {
			return plural(h, "hour")
		}
		return plural(h, "hour") + " " + plural(m, "minute")
	}
	days := d / (24 * time.Hour)
	if d%(24*time.Hour) >= 12*time.Hour {
		days++
	}
	return plural(int64(days), "day")
}
