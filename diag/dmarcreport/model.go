package dmarcreport

// Report is the metadata of one aggregate report file, as read.
type Report struct {
	File   string   // the input file the report came from
	Member []string // the members it was inside, outermost first

	OrgName  string // report_metadata/org_name (from email's domain when missing)
	Email    string // report_metadata/email
	ReportID string // report_metadata/report_id, angle brackets removed
	Begin    int64  // date_range/begin, seconds since the epoch; 0 when missing
	End      int64  // date_range/end
	// Errors are the report_metadata/error texts: what the receiver could
	// not do with the policy record.
	Errors    []string
	Generator string // RFC 9990 report_metadata/generator
	Schema    Schema
	Namespace string // the root element's namespace as written; "" when none

	Published Published // policy_published

	Rows     int64 // record elements read
	Messages int64 // sum of the counts that were trusted
	// Duplicate is set when a report with the same org_name, report_id and
	// domain was read before; its rows were not counted again.
	Duplicate bool
	// Problems are what the report got wrong (lies, missing fields), each
	// with the line it was found at.
	Problems []Problem
}

// Problem is something wrong inside a report that did not stop reading it.
type Problem struct {
	Code    string // dotted, stable: "report.negative_count"
	Line    int    // where in the XML; 0 when it concerns the whole report
	Message string // what is wrong, raw text from the report included
}

// Published is the DMARC policy the receiver saw (policy_published).
type Published struct {
	Domain          string // the DMARC Policy Domain
	P               Policy // p
	SP              Policy // sp; "" when not reported
	NP              Policy // np (RFC 9990); "" when not reported
	ADKIM           string // adkim: "r" or "s"; "" when not reported
	ASPF            string // aspf
	Pct             int    // pct (RFC 7489); -1 when not reported
	FO              string // fo
	Testing         string // testing (RFC 9990, the t tag): "y" or "n"; "" when not reported
	DiscoveryMethod string // discovery_method (RFC 9990): "psl" or "treewalk"
}

// key names a report for duplicate detection.
func (r *Report) key() string {
	return r.OrgName + "\x00" + r.ReportID + "\x00" + r.Published.Domain
}
