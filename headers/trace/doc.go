// Package trace reads the Received trace fields of a mail header (RFC 5321
// §4.4, "Trace Information") the many ways MTAs write them: the from, by,
// via, with, id and for clauses, the client's IP and HELO name from the
// TCP information in comments, the envelope sender some MTAs record, and
// the date after the ";". The WITH protocol types are those of RFC 3848.
//
// It also reads the forms these fields need on their own: dates as mail
// carries them (RFC 5322 §3.3 and the obsolete syntax of §4.3, plus what
// software writes in practice; ParseDate serves the Date field too), and
// IP addresses as Received fields and receivers write them (ParseIP;
// IPv6 in RFC 5952 text once parsed). It is pure: no network, no terminal.
package trace
