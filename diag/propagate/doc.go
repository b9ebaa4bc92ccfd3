package propagate

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/render"
)

// Doc lays the comparison out for text and Markdown: the zone and its
// nameservers, the verdict, then per type a table of every server (kind,
// SOA serial, answer number, TTL, round trip) and the distinct answers in
// full, then the findings.
func (r *Result) Doc() *render.Doc {
	d := &render.Doc{}
	name := strings.TrimSuffix(r.Name, ".")
	d.Heading(1, "DNS propagation: "+name+" "+strings.Join(r.Types, " "))
	var ns []string
	for _, n := range r.Nameservers {
		s := strings.TrimSuffix(n.Host, ".")
		switch {
		case len(n.Addresses) > 0:
			s += " (" + strings.Join(n.Addresses, ", ") + ")"
		case n.Error != "":
			s += " (" + n.Error + ")"
		}
		ns = append(ns, s)
	}
	d.Fields(
		[2]string{"Zone", strings.TrimSuffix(r.Zone, ".")},
		[2]string{"Nameservers", strings.Join(ns, ", ")},
		[2]string{"Verdict", r.Verdict()},
		[2]string{"Serials", r.serialWords()},
	)
	for j, t := range r.Types {
		d.Heading(2, t+" "+name)
		rows := make([][]string, 0, len(r.Servers))
		for _, s := range r.Servers {
			a := s.Answers[j]
			rows = append(rows, []string{s.Label(), kindWords(s), serialText(s), answerCell(a), ttlCell(a), rttCell(a)})
		}
		d.Table([]string{"Server", "Kind", "Serial", "Answer", "TTL", "RTT"}, rows)
		d.List(r.answerList(j)...)
	}
	render.FindingsDoc(d, r.Findings)
	return d
}

// Verdict says in one sentence whether the change has propagated.
func (r *Result) Verdict() string {
	switch {
	case !r.Agree:
		return "the nameservers disagree: not every resolver gets the same answer yet"
	case !r.ResolversAgree:
		return "the nameservers agree; a resolver still gives another answer (its cache)"
	case !r.SerialsAgree:
		return "the nameservers agree on these records, but serve different zone serials"
	case !r.anyAnswered():
		return "no server answered"
	}
	return "every server that answered gives the same answer"
}

func (r *Result) anyAnswered() bool {
	for _, s := range r.Servers {
		for _, a := range s.Answers {
			if answered(a) {
				return true
			}
		}
	}
	return false
}

// serialWords lists the serials the nameservers gave, when they differ.
func (r *Result) serialWords() string {
	if r.SerialsAgree {
		for _, s := range r.Servers {
			if s.Kind == KindAuthoritative && s.Serial != nil {
				return strconv.FormatUint(uint64(*s.Serial), 10) + " at every nameserver that answered"
			}
		}
		return ""
	}
	return "differ between the nameservers (see the Serial column)"
}

// answerList writes each distinct answer once, with the servers that gave
// it.
func (r *Result) answerList(j int) []string {
	byGroup := map[int][]string{}
	records := map[int]Answer{}
	last := 0
	for _, s := range r.Servers {
		a := s.Answers[j]
		if a.Group == 0 {
			continue
		}
		byGroup[a.Group] = append(byGroup[a.Group], s.Label())
		records[a.Group] = a
		last = max(last, a.Group)
	}
	var out []string
	for g := 1; g <= last; g++ {
		out = append(out, fmt.Sprintf("answer #%d from %s: %s", g, strings.Join(byGroup[g], ", "), records[g].Text()))
	}
	return out
}

// Text is the answer in words: its records joined with " | ", or what a
// negative answer means.
func (a Answer) Text() string {
	switch {
	case len(a.Records) > 0:
		return strings.Join(a.Records, " | ")
	case a.Status == string(dnsclient.StatusNoData):
		return "no records of this type (NODATA)"
	case a.Status == string(dnsclient.StatusNXDomain):
		return "the name does not exist (NXDOMAIN)"
	}
	return a.Status
}

func kindWords(s Server) string {
	switch s.Kind {
	case KindAuthoritative:
		if s.Lame {
			return "authoritative, LAME"
		}
		return "authoritative"
	case KindZoneFile:
		return "zone file"
	}
	return "resolver"
}

func serialText(s Server) string {
	if s.Serial == nil {
		return "-"
	}
	return strconv.FormatUint(uint64(*s.Serial), 10)
}

func answerCell(a Answer) string {
	switch {
	case a.Group == 0 && a.Error != "":
		return a.Status
	case a.Group == 0:
		return "-"
	case a.Differs:
		return "#" + strconv.Itoa(a.Group) + " DIFFERS"
	}
	return "#" + strconv.Itoa(a.Group)
}

func ttlCell(a Answer) string {
	if a.Group == 0 {
		return "-"
	}
	return strconv.FormatUint(uint64(a.TTL), 10)
}

func rttCell(a Answer) string {
	switch {
	case a.RTTMs <= 0:
		return "-"
	case a.RTTMs < 1:
		return "<1ms"
	case a.RTTMs < 1000:
		return strconv.Itoa(int(a.RTTMs)) + "ms"
	}
	return strconv.FormatFloat(a.RTTMs/1000, 'f', 1, 64) + "s"
}
