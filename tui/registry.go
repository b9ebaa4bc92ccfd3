package tui

import (
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/tui/blocklists"
	"github.com/mxray/mxray/tui/dkim"
	"github.com/mxray/mxray/tui/dmarc"
	"github.com/mxray/mxray/tui/dnslog"
	"github.com/mxray/mxray/tui/findings"
	"github.com/mxray/mxray/tui/hops"
	"github.com/mxray/mxray/tui/kit"
	"github.com/mxray/mxray/tui/mx"
	"github.com/mxray/mxray/tui/overview"
	"github.com/mxray/mxray/tui/reports"
	"github.com/mxray/mxray/tui/smtp"
	"github.com/mxray/mxray/tui/spf"
	"github.com/mxray/mxray/tui/thennow"
	"github.com/mxray/mxray/tui/verdicts"
)

// paneEntry registers one pane: how to make it, and when it shows.
type paneEntry struct {
	new func(*kit.Common) kit.Pane
	// message panes show only while a message is investigated; reports
	// panes only while DMARC aggregate reports are.
	message, reports bool
}

// registry is every pane of the workbench, in focus order: the one place
// a pane is added. The overview and the findings stand in the left column
// of the wide layout; every other pane shares the right (detail) column,
// whatever their number. A message's panes join after the overview, and
// so does the Reports pane when DMARC aggregate reports are opened.
var registry = []paneEntry{
	{new: func(c *kit.Common) kit.Pane { return overview.New(c) }},
	{new: func(c *kit.Common) kit.Pane { return hops.New(c) }, message: true},
	{new: func(c *kit.Common) kit.Pane { return thennow.New(c) }, message: true},
	{new: func(c *kit.Common) kit.Pane { return verdicts.New(c) }, message: true},
	{new: func(c *kit.Common) kit.Pane { return reports.New(c) }, reports: true},
	{new: func(c *kit.Common) kit.Pane { return mx.New(c) }},
	{new: func(c *kit.Common) kit.Pane { return spf.New(c) }},
	{new: func(c *kit.Common) kit.Pane { return dkim.New(c) }},
	{new: func(c *kit.Common) kit.Pane { return dmarc.New(c) }},
	{new: func(c *kit.Common) kit.Pane { return blocklists.New(c) }},
	{new: func(c *kit.Common) kit.Pane { return smtp.New(c) }},
	{new: func(c *kit.Common) kit.Pane { return findings.New(c) }},
	{new: func(c *kit.Common) kit.Pane { return dnslog.New(c) }},
}

// summaryPane reports whether a pane stands in the left (summary) column of
// the two-column layout.
func summaryPane(id finding.Part) bool {
	return id == finding.PartOverview || id == finding.PartFindings
}
