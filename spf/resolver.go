package spf

import (
	"context"
	"errors"
	"net/netip"
)

// TXTRecord is the character-strings of one TXT record, raw bytes, unjoined.
type TXTRecord []string

// Resolver is the DNS the engine needs. A nil error with no records means
// NODATA; an error for which errors.Is(err, ErrNXDomain) holds means NXDOMAIN;
// any other error is a temporary failure (temperror). Implementations follow
// CNAMEs and may cache; they must be safe for concurrent use.
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]TXTRecord, error)
	LookupA(ctx context.Context, name string) ([]netip.Addr, error)
	LookupAAAA(ctx context.Context, name string) ([]netip.Addr, error)
	LookupMX(ctx context.Context, name string) ([]string, error) // exchange host names, any order
	LookupPTR(ctx context.Context, ip netip.Addr) ([]string, error)
}

// ErrNXDomain is what a Resolver returns (wrapped or not) when the name does
// not exist.
var ErrNXDomain = errors.New("spf: no such domain (NXDOMAIN)")
