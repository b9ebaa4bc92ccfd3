package blocklist

import (
	_ "embed"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"sync"

	"github.com/mxray/mxray/diag/demo"
)

// Kind says what a list lists and what a subject is.
type Kind string

// The kinds (the contract's "kind" field).
const (
	KindIP     Kind = "ip"     // IP addresses, RFC 5782 §2
	KindDomain Kind = "domain" // domain names, RFC 5782 §3
)

// Severity is what a listing code means for the listed subject, as the list
// file says: a finding's severity, or Policy for listings that only say an
// address should not send mail directly (Spamhaus PBL), whose severity
// depends on the subject's role.
type Severity string

// The severities a listing code may carry.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
	SeverityPolicy  Severity = "policy"
)

// ErrorKind says why a result is an error. The first five come from list
// files (a return code the list documents as an error); the others from
// what mxray saw.
type ErrorKind string

// The kinds of error.
const (
	// ErrRefused: the list refuses this resolver (public or open resolver,
	// unregistered resolver).
	ErrRefused ErrorKind = "refused"
	// ErrLimited: the resolver is over the list's free-use volume.
	ErrLimited ErrorKind = "limited"
	// ErrTypo: no such list (Spamhaus 127.255.255.252).
	ErrTypo ErrorKind = "typo"
	// ErrKey: the access key (Spamhaus DQS) was not accepted.
	ErrKey ErrorKind = "key"
	// ErrQuery: the list was asked the wrong kind of name.
	ErrQuery ErrorKind = "query"
	// ErrUndocumented: a return code in 127.0.0.0/8 the list does not
	// document.
	ErrUndocumented ErrorKind = "undocumented"
	// ErrNotLoopback: an A record outside 127.0.0.0/8, which no blocklist
	// answers (RFC 5782 §2.3): typically a resolver that rewrites NXDOMAIN.
	ErrNotLoopback ErrorKind = "not_127"
	// ErrDNS: the question failed: timeout, SERVFAIL, REFUSED or another
	// DNS error.
	ErrDNS ErrorKind = "dns"
	// ErrUnhealthy: the list failed its health test; its answer is not
	// counted.
	ErrUnhealthy ErrorKind = "unhealthy"
)

// fileKinds are the error kinds a list file may name.
var fileKinds = []ErrorKind{ErrRefused, ErrLimited, ErrTypo, ErrKey, ErrQuery}

// DomainForm says which name of a domain a domain list is asked about.
type DomainForm string

// The forms.
const (
	// FormFull asks the name as given (lists that are wildcarded or list
	// host names).
	FormFull DomainForm = "full"
	// FormRegistered asks the registered domain: the public suffix plus one
	// label (Public Suffix List).
	FormRegistered DomainForm = "registered"
)

// Code is one line of a list's code table: a return code, a range of them,
// or (bitmask lists) one bit of the last octet.
type Code struct {
	From, To netip.Addr // the range, From == To for one code; unset for a bit
	Bit      uint8      // bitmask lists: the bit (1, 2, 4, … 128)
	Listed   bool       // a listing (else an error)
	Severity Severity   // listings: what it means for the subject
	Kind     ErrorKind  // errors: which kind
	Meaning  string     // what the list says it means
	Line     int        // where it was defined
}

// List is one blocklist.
type List struct {
	Zone                   string     // the zone asked, without the final dot: "zen.spamhaus.org"
	Name                   string     // "Spamhaus ZEN"
	Kind                   Kind       // what it lists
	IPv6                   bool       // IP lists: IPv6 addresses are listed too
	Form                   DomainForm // domain lists: which name is asked
	Lookup                 string     // URL template, {subject} replaced
	Delist                 string     // URL template for removal
	RefusesPublicResolvers bool       // refuses queries through public resolvers
	DQS                    string     // Spamhaus DQS zone template with {key}, or ""
	Note                   string     // shown with the list's errors
	Sources                []string   // where the code table comes from
	TestListed             string     // health test: must be listed
	TestUnlisted           string     // health test: must not be listed
	Codes                  []Code     // exact codes and ranges
	Bits                   []Code     // bitmask lists: bits of the last octet
	// Generic is a list added by zone alone (--blocklist): it documents no
	// meanings, so any answer in 127.0.0.0/8 is a listing.
	Generic bool
	// keyed is set when Zone holds a DQS key, which reports hide.
	keyed bool
	// shownZone is the zone as reports show it (the key hidden).
	shownZone string
	Line      int // where the list was defined; 0 when added in code
}

// ShownZone is the zone as reports show it: with a DQS key, the key is
// replaced by "[key]".
func (l *List) ShownZone() string {
	if l.keyed {
		return l.shownZone
	}
	return l.Zone
}

// URL fills a URL template with the subject, escaped for a query string.
func fillURL(template, subject string) string {
	return strings.ReplaceAll(template, "{subject}", url.QueryEscape(subject))
}

// Set is the lists one run asks, in order.
type Set struct {
	Format   int    // the list file's format version
	Revision string // the data's revision
	Lists    []List
	// dqsKey is the key WithDQSKey put in the zones asked, "" for none.
	dqsKey string
}

// Secrets are the strings the names this set asks hold and no log may
// show: the DQS key, when a list is asked with one
// (dnsclient.Config.Secrets).
func (s Set) Secrets() []string {
	if s.dqsKey == "" {
		return nil
	}
	return []string{s.dqsKey}
}

// clone returns a copy whose Lists can be changed.
func (s Set) clone() Set {
	c := s
	c.Lists = make([]List, len(s.Lists))
	copy(c.Lists, s.Lists)
	return c
}

//go:embed blocklists.txt
var defaultText []byte

var (
	defaultOnce sync.Once
	defaultSet  Set
	defaultErr  error
	demoOnce    sync.Once
	demoSet     Set
	demoErr     error
)

// Default returns the embedded, reviewed lists. A broken embedded file is a
// build defect that TestDefaultLists catches; Default panics on it rather
// than run with no lists.
func Default() Set {
	defaultOnce.Do(func() { defaultSet, defaultErr = Parse("blocklists.txt", defaultText) })
	if defaultErr != nil {
		panic(defaultErr)
	}
	return defaultSet.clone()
}

// Demo returns the lists "mxray --demo" asks instead of the defaults: lists
// on reserved names served by the embedded demo zone (demo.BlocklistZoneText).
func Demo() Set {
	demoOnce.Do(func() { demoSet, demoErr = Parse("demo/blocklists.txt", demo.BlocklistLists()) })
	if demoErr != nil {
		panic(demoErr)
	}
	return demoSet.clone()
}

// ErrZone: a --blocklist zone that is not a usable domain name.
var ErrZone = errors.New("not a blocklist zone")

// genericMeaning is the meaning of any code from a list that documents none.
const genericMeaning = "listed (zone gives no meanings)"

// Add returns the set with one more list, given by its zone alone
// (--blocklist ZONE). A zone of the default lists is added as the default
// file defines it (its code table and meanings). Any other is "ZONE" or
// "ip:ZONE", an IPv4 list, or "domain:ZONE", a domain list asked with full
// names; it documents no meanings, so an answer in 127.0.0.0/8 counts as
// "listed (zone gives no meanings)" except where every list's conventions
// make it an error (127.0.0.0 and 127.0.0.1, the 127.255.255.0/24 error
// range), and an answer outside 127.0.0.0/8 is an error as on every list.
// Its health test is RFC 5782 §5's. A zone already in the set is left as
// it is.
func (s Set) Add(spec string) (Set, error) {
	kind := KindIP
	zone := strings.TrimSpace(spec)
	switch {
	case strings.HasPrefix(zone, "ip:"):
		zone = zone[len("ip:"):]
	case strings.HasPrefix(zone, "domain:"):
		kind, zone = KindDomain, zone[len("domain:"):]
	}
	zone = strings.ToLower(strings.TrimSuffix(zone, "."))
	if err := checkZone(zone); err != nil {
		return s, fmt.Errorf("--blocklist %q: %w", spec, err)
	}
	for _, l := range s.Lists {
		if l.Zone == zone {
			return s, nil
		}
	}
	l := List{Zone: zone, Name: zone, Kind: kind, Generic: true, Form: FormFull}
	setTestDefaults(&l)
	for _, d := range Default().Lists {
		if d.Zone == zone {
			l = d
		}
	}
	c := s.clone()
	c.Lists = append(c.Lists, l)
	return c, nil
}

// EnvDQSKey is the environment variable that gives a Spamhaus DQS key when
// --spamhaus-dqs-key is not given.
const EnvDQSKey = "MXRAY_SPAMHAUS_DQS_KEY"

// ErrDQSKey: a DQS key that cannot be a DNS label.
var ErrDQSKey = errors.New("a Spamhaus DQS key is one DNS label of letters and digits (26 characters as Spamhaus issues them)")

// WithDQSKey returns the set with every list that has a dqs line asked at
// its Data Query Service zone with the key (KEY.zen.dq.spamhaus.net)
// instead of the public mirror. Reports show the zone with the key hidden.
// Lists without a dqs line are unchanged; an empty key changes nothing.
func (s Set) WithDQSKey(key string) (Set, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return s, nil
	}
	if len(key) > 63 || strings.IndexFunc(key, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) >= 0 {
		return s, ErrDQSKey
	}
	c := s.clone()
	for i := range c.Lists {
		l := &c.Lists[i]
		if l.DQS == "" {
			continue
		}
		l.Zone = strings.ToLower(strings.ReplaceAll(l.DQS, "{key}", key))
		l.shownZone = strings.ReplaceAll(strings.ToLower(l.DQS), "{key}", "[key]")
		l.keyed = true
		c.dqsKey = key
	}
	return c, nil
}

// Config is what the command line says about blocklists.
type Config struct {
	Demo   bool     // --demo: the demo lists replace the defaults
	File   string   // --blocklist-file: replaces the lists
	Zones  []string // --blocklist (repeatable): added
	DQSKey string   // --spamhaus-dqs-key, or the EnvDQSKey variable
}

// Load builds the set a run asks: the defaults (or the demo lists), replaced
// by File when given, plus Zones, with the DQS key applied.
func Load(c Config) (Set, error) {
	s := Default()
	if c.Demo {
		s = Demo()
	}
	if c.File != "" {
		var err error
		if s, err = LoadFile(c.File); err != nil {
			return Set{}, err
		}
	}
	for _, z := range c.Zones {
		var err error
		if s, err = s.Add(z); err != nil {
			return Set{}, err
		}
	}
	if len(s.Lists) > MaxLists {
		return Set{}, fmt.Errorf("%w: %d lists, at most %d", ErrTooMany, len(s.Lists), MaxLists)
	}
	return s.WithDQSKey(c.DQSKey)
}
