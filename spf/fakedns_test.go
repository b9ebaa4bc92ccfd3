package spf

import "github.com/mxray/mxray/spf/internal/fakedns"

// fakeDNS is the in-memory resolver these tests build zones in; the same
// one serves spf/advice's tests (package fakedns).
type fakeDNS = fakedns.Zone[TXTRecord]

func newFakeDNS() *fakeDNS { return fakedns.New[TXTRecord](ErrNXDomain) }
