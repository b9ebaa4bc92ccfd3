package main

import (
	"errors"
	"fmt"

	"github.com/mxray/mxray/diag/blocklist"
)

// checkBlocklistFlags refuses blocklist flags that contradict each other:
// lists chosen with --no-blocklists, --blocklists outside a batch, lists
// chosen for a batch that does not ask them.
func checkBlocklistFlags(o *options) error {
	chosen := ""
	switch {
	case len(o.blocklistZones) > 0:
		chosen = "--blocklist"
	case o.blocklistFile != "":
		chosen = "--blocklist-file"
	case o.dqsKey != "":
		chosen = "--spamhaus-dqs-key"
	}
	switch {
	case o.noBlocklists && o.blocklists:
		return fmt.Errorf("%w: --no-blocklists and --blocklists both given: choose one", errUsage)
	case o.noBlocklists && chosen != "":
		return fmt.Errorf("%w: %s chooses blocklists, and --no-blocklists asks none: choose one", errUsage, chosen)
	case o.blocklists && o.file == "":
		return fmt.Errorf("%w: --blocklists is for check -f (a single check asks the blocklists unless --no-blocklists)", errUsage)
	case o.file != "" && !o.blocklists && chosen != "":
		return fmt.Errorf("%w: %s chooses blocklists, and check -f asks them only with --blocklists: add it", errUsage, chosen)
	}
	return nil
}

// blocklistSet is the set of blocklists this run asks, nil for none: with
// --no-blocklists, and in a batch (check -f) without --blocklists, which
// would otherwise send a free list thousands of questions. --demo asks the
// demo's lists; --blocklist-file replaces the built-in lists, --blocklist
// adds one; the Spamhaus DQS key comes from --spamhaus-dqs-key or the
// environment.
func blocklistSet(o *options, env *environment, batch bool) (*blocklist.Set, error) {
	if o.noBlocklists || (batch && !o.blocklists) {
		return nil, nil
	}
	key, from := o.dqsKey, "--spamhaus-dqs-key"
	if key == "" && env.getenv != nil {
		key, from = env.getenv(blocklist.EnvDQSKey), blocklist.EnvDQSKey
	}
	set, err := blocklist.Load(blocklist.Config{Demo: o.demo, File: o.blocklistFile, Zones: o.blocklistZones, DQSKey: key})
	switch {
	case errors.Is(err, blocklist.ErrDQSKey):
		// The key itself is never repeated: it is a secret.
		return nil, fmt.Errorf("%w: %s: %w", errUsage, from, err)
	case errors.Is(err, blocklist.ErrZone):
		return nil, fmt.Errorf("%w: %w", errUsage, err)
	case err != nil:
		return nil, err
	}
	return &set, nil
}

// setupDNSWithLists is setupDNS for a command that asks blocklists: the
// set blocklistSet chooses (batch as there), read first so a bad list flag
// is refused before any server starts, and its secrets kept out of the log.
func setupDNSWithLists(o *options, env *environment, batch bool) (*dnsSetup, error) {
	lists, err := blocklistSet(o, env, batch)
	if err != nil {
		return nil, err
	}
	s, err := setupDNS(o)
	if err != nil {
		return nil, err
	}
	s.withBlocklists(lists)
	return s, nil
}

// withBlocklists makes set the lists the run asks (nil for none) and
// keeps their secrets (a DQS key in the names asked) out of the DNS log.
func (s *dnsSetup) withBlocklists(set *blocklist.Set) {
	s.blocklists = set
	if set != nil {
		s.config.Secrets = append(s.config.Secrets, set.Secrets()...)
	}
}
