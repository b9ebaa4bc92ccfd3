package headers

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mxray/mxray/headers/headerstest"
)

// essentials is what a paste repair must keep of a message: the hops (each
// one's client IP, from and by), the sending IP, the From domain and the
// DKIM signatures (d=/s= and the signed fields).
func essentials(a *Analysis) string {
	s := ""
	for _, h := range a.Hops {
		ip := ""
		if h.IP != nil {
			ip = h.IP.String()
		}
		s += fmt.Sprintf("hop %d: from %q [%s] by %q\n", h.Index, h.From, ip, h.By)
	}
	if a.SendingIP != nil {
		s += "sending IP " + a.SendingIP.String() + "\n"
	}
	s += "From domain " + a.FromDomain + "\n"
	for _, d := range a.DKIMSignatures {
		s += fmt.Sprintf("DKIM d=%s s=%s h=%v\n", d.D, d.S, d.H)
	}
	return s
}

// TestRepairSamples damages every sample header as pasting does (quoted,
// de-indented, re-wrapped, and together) and checks that the repaired
// paste reads as the intact one: the same hops, sending IP, From domain
// and DKIM signatures; that every repair is reported; and that no field
// of the intact header is lost.
func TestRepairSamples(t *testing.T) {
	files, err := filepath.Glob("../testdata/headers/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	for _, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		intact, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		want := essentials(Analyze(intact, Options{}))
		for _, d := range headerstest.Damages {
			t.Run(filepath.Base(path)+"/"+d.Name, func(t *testing.T) {
				damaged := d.Apply(string(raw))
				if damaged == string(raw) {
					t.Skip("this damage leaves the sample as it is")
				}
				m, err := Parse([]byte(damaged))
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if got := essentials(Analyze(m, Options{})); got != want {
					t.Errorf("repaired paste reads\n%s\nintact reads\n%s", got, want)
				}
				if len(m.Problems) == 0 && len(intact.Problems) == 0 {
					// (A damage may undo the sample's own: de-indenting
					// leading-space-first-header.eml removes its leading
					// space.)
					t.Errorf("no repair reported")
				}
				var gotNames, wantNames []string
				for _, f := range m.Fields {
					gotNames = append(gotNames, f.Name)
				}
				for _, f := range intact.Fields {
					wantNames = append(wantNames, f.Name)
				}
				if !slices.Equal(gotNames, wantNames) {
					t.Errorf("fields %q, intact %q", gotNames, wantNames)
				}
			})
		}
	}
}
