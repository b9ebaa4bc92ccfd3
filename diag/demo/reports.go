package demo

import (
	"embed"
	"io/fs"

	"github.com/mxray/mxray/diag/dmarcreport"
)

//go:embed reports/*.xml
var reportFiles embed.FS

// ReportFile is one embedded DMARC aggregate report.
type ReportFile struct {
	Name string // "reports/healthy.example.xml"
	Data []byte
}

// Reports returns the demo's DMARC aggregate reports, one per demo domain
// (healthy.example mostly passing, broken.example with failing sources
// that its SPF and DKIM fixes explain), for "mxray --demo report". They are
// embedded bytes, read only when asked for: nothing is parsed at start-up.
func Reports() []ReportFile {
	var out []ReportFile
	entries, _ := fs.ReadDir(reportFiles, "reports")
	for _, e := range entries {
		b, err := reportFiles.ReadFile("reports/" + e.Name())
		if err == nil {
			out = append(out, ReportFile{Name: "reports/" + e.Name(), Data: b})
		}
	}
	return out
}

// ReportInputs are the demo's reports as inputs for dmarcreport.Read.
func ReportInputs() []dmarcreport.Input {
	var ins []dmarcreport.Input
	for _, f := range Reports() {
		ins = append(ins, dmarcreport.BytesInput(f.Name, f.Data))
	}
	return ins
}
