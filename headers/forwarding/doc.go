// Package forwarding explains what forwarding, mailing lists and address
// rewriting do to a message's authentication: it parses Sender Rewriting
// Scheme return paths (Mail::SRS's SRS0/SRS1 and Microsoft 365's
// "+SRS=" forms), notices a Sender that differs from From (RFC 5322
// §3.6.2), mailing-list fields (List-Id, RFC 2919; List-Post, RFC 2369;
// X-BeenThere), a From a list rewrote (X-Original-From), Resent-* (RFC 5322
// §3.6.6) and Gmail's forwarding fields, hops through known forwarding
// services, and ARC seals (RFC 8617), and says why SPF (RFC 7208) fails at
// the final receiver and how DKIM (RFC 6376) and DMARC (RFC 7489) fare.
//
// Auth carries the authentication results it reasons about: the
// receiver's own (AuthFromAnalysis) or mxray's re-check, filled in by the
// caller. Package filters uses it for its why sentence.
//
// The package is pure: no network, no terminal. Every string it returns
// may carry what a sender wrote; callers sanitise before display.
package forwarding
