package propagate

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
)

// Finding codes of the comparison.
const (
	CodeDiffers       = "propagation.differs"        // nameservers give different answers
	CodeSerial        = "propagation.serial"         // nameservers give different SOA serials
	CodeLame          = "propagation.lame"           // a nameserver does not answer for the zone authoritatively
	CodeNoAnswer      = "propagation.no_answer"      // a nameserver gave no answer at all
	CodeResolverStale = "propagation.resolver_stale" // a resolver still gives another answer
	CodeDraftDiffers  = "propagation.draft_differs"  // the --zone file differs from what is published
	CodeNotAsked      = "propagation.not_asked"      // an address the guard refused
	CodeCut           = "propagation.cut"            // more servers than MaxServers
)

// answered reports whether an answer is one the servers can be compared
// on: records, NXDOMAIN or NODATA.
func answered(a Answer) bool {
	switch dnsclient.Status(a.Status) {
	case dnsclient.StatusRecords, dnsclient.StatusNXDomain, dnsclient.StatusNoData:
		return true
	}
	return false
}

// key is what servers are compared on: the status and the records, TTLs
// aside.
func key(a Answer) string { return a.Status + "\n" + strings.Join(a.Records, "\n") }

// judge groups the answers, sets the verdicts and writes the findings.
func judge(res *Result) {
	res.Agree, res.ResolversAgree = true, true
	for j := range res.Types {
		groupType(res, j)
	}
	serials := map[uint32]bool{}
	for _, s := range res.Servers {
		if s.Kind == KindAuthoritative && s.Serial != nil {
			serials[*s.Serial] = true
		}
	}
	res.SerialsAgree = len(serials) <= 1
	res.Findings = findings(res)
	finding.Sort(res.Findings)
}

// groupType numbers the distinct answers for type j: 1 for the one most
// authoritative servers gave (the first of them on a tie; among the
// resolvers when no nameserver answered), then in server order.
func groupType(res *Result, j int) {
	count := map[string]int{}
	var order []string
	for _, s := range res.Servers {
		a := s.Answers[j]
		if !answered(a) {
			continue
		}
		k := key(a)
		if _, ok := count[k]; !ok {
			order = append(order, k)
			count[k] = 0
		}
		if s.Kind == KindAuthoritative {
			count[k]++
		}
	}
	if len(order) == 0 {
		return
	}
	best := order[0]
	for _, k := range order {
		if count[k] > count[best] {
			best = k
		}
	}
	if count[best] == 0 { // no nameserver answered: the resolvers' most common
		for _, s := range res.Servers {
			if a := s.Answers[j]; answered(a) {
				count[key(a)]++
			}
		}
		for _, k := range order {
			if count[k] > count[best] {
				best = k
			}
		}
	}
	group := map[string]int{best: 1}
	for _, k := range order {
		if _, ok := group[k]; !ok {
			group[k] = len(group) + 1
		}
	}
	for i := range res.Servers {
		s := &res.Servers[i]
		a := &s.Answers[j]
		if !answered(*a) {
			continue
		}
		a.Group = group[key(*a)]
		a.Differs = a.Group != 1
		if a.Differs && s.Kind == KindAuthoritative {
			res.Agree = false
		}
		if a.Differs && s.Kind != KindAuthoritative {
			res.ResolversAgree = false
		}
	}
}

// Label names a server for people: "ns1.example.com (192.0.2.53)" or the
// resolver's name.
func (s Server) Label() string {
	if s.IP != "" {
		return strings.TrimSuffix(s.Name, ".") + " (" + s.IP + ")"
	}
	return s.Name
}

// subject is the finding subject of a server.
func (s Server) subject() finding.Subject {
	if ip, err := netip.ParseAddr(s.IP); err == nil {
		return finding.Server(s.Name, ip)
	}
	return finding.Text(s.Name)
}

func findings(res *Result) []finding.Finding {
	var fs []finding.Finding
	add := func(sev finding.Severity, code string, subj finding.Subject, msg, fix string) {
		fs = append(fs, finding.Finding{Severity: sev, Code: code, Part: finding.PartPropagation, Subject: subj,
			Message: msg, Fix: fix, Home: finding.PartDNSLog})
	}
	name, zone := strings.TrimSuffix(res.Name, "."), strings.TrimSuffix(res.Zone, ".")
	for j, t := range res.Types {
		var differ, same []string
		for _, s := range res.Servers {
			a := s.Answers[j]
			if s.Kind != KindAuthoritative || !answered(a) {
				continue
			}
			if a.Differs {
				differ = append(differ, s.Label())
			} else {
				same = append(same, s.Label())
			}
		}
		if len(differ) > 0 {
			add(finding.Error, CodeDiffers, finding.Domain(res.Name),
				fmt.Sprintf("The nameservers of %s disagree on the %s records of %s: %s %s another answer than %s.",
					zone, t, name, strings.Join(differ, ", "), verb(len(differ)), strings.Join(same, ", ")),
				"A nameserver that disagrees has not loaded the zone's latest version: check that it receives the zone from the primary (NOTIFY, IXFR/AXFR) or update it; until then each resolver gets one answer or the other, depending on the nameserver it asks.")
		}
	}
	if !res.SerialsAgree {
		var parts []string
		for _, s := range res.Servers {
			if s.Kind == KindAuthoritative && s.Serial != nil {
				parts = append(parts, strconv.FormatUint(uint64(*s.Serial), 10)+" at "+s.Label())
			}
		}
		add(finding.Warning, CodeSerial, finding.Domain(res.Zone),
			fmt.Sprintf("The nameservers of %s serve different versions of the zone (SOA serials %s).", zone, strings.Join(parts, ", ")),
			"The nameserver with the lower serial is behind: check the zone transfer from the primary (its logs, NOTIFY, the SOA refresh and retry timers), and raise the serial with every change.")
	}
	for _, s := range res.Servers {
		switch {
		case s.Error != "":
			add(finding.Info, CodeNotAsked, s.subject(),
				fmt.Sprintf("%s was not asked: %s.", s.Label(), strings.TrimSuffix(s.Error, ".")),
				"Nothing to fix in the zone; this server refuses questions to such addresses.")
		case s.Kind == KindAuthoritative && s.Lame:
			add(finding.Error, CodeLame, s.subject(),
				fmt.Sprintf("%s is a nameserver of %s but does not answer for it authoritatively (%s): a lame delegation.", s.Label(), zone, lameWhy(s)),
				"Serve the zone on that server, or remove it from the zone's NS records and from the delegation at the parent.")
		case s.Kind == KindAuthoritative && noAnswer(s):
			add(finding.Warning, CodeNoAnswer, s.subject(),
				fmt.Sprintf("%s, a nameserver of %s, gave no answer: %s.", s.Label(), zone, firstError(s)),
				"Check that the server is up and that UDP and TCP port 53 reach it; resolvers fall back to another nameserver, which slows every lookup.")
		}
	}
	for _, s := range res.Servers {
		if s.Kind == KindAuthoritative {
			continue
		}
		for _, a := range s.Answers {
			if !a.Differs {
				continue
			}
			if s.Kind == KindZoneFile {
				add(finding.Info, CodeDraftDiffers, s.subject(),
					fmt.Sprintf("The zone file (%s) gives other %s records for %s than the nameservers: it is not published yet.", s.Name, a.Type, name),
					"Publish the zone file's records when they are right, then compare again.")
				continue
			}
			add(finding.Warning, CodeResolverStale, s.subject(),
				fmt.Sprintf("The resolver %s gives other %s records for %s than the nameservers%s; it may keep them up to %s more.", s.Name, a.Type, name, agreeNote(res), ttlWords(a.TTL)),
				"Wait for the TTL to run out, or flush the resolver's cache; lower the TTL a day before the next change so it propagates faster.")
		}
	}
	if res.Cut != "" {
		add(finding.Info, CodeCut, finding.Domain(res.Zone),
			fmt.Sprintf("The zone %s has %s.", zone, res.Cut), "Nothing to fix; ask the others with --resolver if they matter.")
	}
	return fs
}

func verb(n int) string {
	if n == 1 {
		return "serves"
	}
	return "serve"
}

func agreeNote(res *Result) string {
	if res.Agree {
		return ""
	}
	return " (which disagree among themselves)"
}

// noAnswer reports that a server answered none of the questions.
func noAnswer(s Server) bool {
	return !slices.ContainsFunc(s.Answers, answered)
}

func firstError(s Server) string {
	for _, a := range s.Answers {
		if a.Error != "" {
			return a.Error
		}
	}
	return "no answer"
}

func lameWhy(s Server) string {
	for _, a := range s.Answers {
		if a.Status == string(dnsclient.StatusRefused) {
			return "it REFUSED the question"
		}
	}
	return "its answers lack the AA bit"
}

// ttlWords says a TTL in seconds, with a larger unit when it helps.
func ttlWords(ttl uint32) string {
	s := strconv.FormatUint(uint64(ttl), 10) + " s"
	switch {
	case ttl >= 86400 && ttl%3600 == 0:
		s += fmt.Sprintf(" (%d h)", ttl/3600)
	case ttl >= 120:
		s += fmt.Sprintf(" (%d min)", ttl/60)
	}
	return s
}
