// Package serve serves mxray's workbench over SSH (RFC 4251–4254) with
// charm.land/wish/v2, built as a bastion: public keys only, no shell, no
// forwarding, bounded sessions, an audit log.
package serve
