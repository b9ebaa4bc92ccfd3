package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/propagate"
)

// runDNS runs "mxray dns NAME [TYPE]": "did my change propagate?". It
// asks every authoritative server of NAME's zone directly and each
// configured resolver, and prints their answers side by side with TTLs and
// the zone's SOA serials (diag/propagate). Without TYPE it asks TXT for an
// underscored name (_dmarc, _domainkey, _mta-sts) and A, AAAA, MX and TXT
// for any other. Exit status 1 when the nameservers disagree or one is lame;
// a resolver's cached old answer is a warning.
func runDNS(ctx context.Context, o *options, env *environment) (int, error) {
	if len(o.args) < 1 || len(o.args) > 2 {
		return exitCannot, fmt.Errorf("%w: dns takes a NAME and optionally a record TYPE (mxray dns _dmarc.example.com TXT)", errUsage)
	}
	name := strings.TrimSpace(o.args[0])
	var types []uint16
	if len(o.args) == 2 {
		t, err := propagate.ParseType(o.args[1])
		if err != nil {
			return exitCannot, fmt.Errorf("%w: %w", errUsage, err)
		}
		types = []uint16{t}
	}
	dnsSet, err := setupDNS(o)
	if err != nil {
		return exitCannot, err
	}
	defer dnsSet.close()
	ctx, cancel := context.WithTimeout(ctx, o.deadline)
	defer cancel()
	res, err := propagate.Compare(ctx, dnsSet.newClient(), name, types)
	switch {
	case errors.Is(err, dnsclient.ErrBadName):
		return exitCannot, fmt.Errorf("%w: %w", errUsage, err)
	case err != nil:
		return exitCannot, err
	}
	if err := writeReport(env.stdout, o, res, res.Doc()); err != nil {
		return exitCannot, err
	}
	return exitFor(res.Findings), nil
}
