package blocklist

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mxray/mxray/diag/render"
)

// statusWords are the statuses as the text and Markdown reports write them.
var statusWords = map[Status]string{StatusListed: "LISTED", StatusNotListed: "not listed", StatusError: "error"}

// Doc adds the blocklists section to a report document: a table of every
// listing and every answer that could not be had (subject, what it is to
// the investigation, list, status, codes), then one item each saying what
// the codes mean or why there is no answer, and where to look the subject
// up, then one line naming the subjects no list has. The render writers
// sanitise every cell (diag/termsafe) and escape Markdown, so list
// answers reach no terminal or ticket raw.
func Doc(d *render.Doc, results []Result) {
	d.Heading(2, "Blocklists")
	if len(results) == 0 {
		d.Para("No public address or domain to ask the lists about.")
		return
	}
	var rows [][]string
	var items, lists, subjects, clean []string
	dirty := map[string]bool{}
	counts := map[Status]int{}
	for _, r := range results {
		counts[r.Status]++
		if !slices.Contains(lists, r.List) {
			lists = append(lists, r.List)
		}
		if !slices.Contains(subjects, r.Subject) {
			subjects = append(subjects, r.Subject)
		}
		if r.Status == StatusNotListed {
			continue
		}
		dirty[r.Subject] = true
		role := r.Role.String()
		if len(r.Hosts) > 0 {
			role += " " + strings.Join(r.Hosts, ", ")
		}
		rows = append(rows, []string{r.Subject, role, r.List, statusWords[r.Status], strings.Join(r.Codes, ", ")})
		what := r.Error
		if r.Status == StatusListed {
			what = strings.Join(r.Meanings, "; ")
		}
		item := r.Subject + " on " + r.List + " (" + r.Zone + "): " + what + "."
		if r.DelistURL != "" {
			item += " Lookup and delisting: " + r.DelistURL
		}
		items = append(items, item)
	}
	for _, s := range subjects {
		if !dirty[s] {
			clean = append(clean, s)
		}
	}
	d.Para(fmt.Sprintf("Lists asked: %d; subjects: %d. Answers: %d listed, %d not listed, %d without a usable answer.",
		len(lists), len(subjects), counts[StatusListed], counts[StatusNotListed], counts[StatusError]))
	if len(rows) > 0 {
		d.Table([]string{"Subject", "Is", "List", "Status", "Codes"}, rows)
		d.List(items...)
	}
	if len(clean) > 0 {
		d.Para("Not listed on any list asked: " + strings.Join(clean, ", ") + ".")
	}
}
