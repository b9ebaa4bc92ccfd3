package diag

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/render"
)

func TestProvenanceStamp(t *testing.T) {
	p := Provenance{Version: "v1.2.0", GeneratedAt: time.Date(2026, 11, 22, 10, 30, 0, 5, time.FixedZone("CET", 3600)), Mode: ModeDemo}
	const head = `{"mxray_version":"v1.2.0","generated_at":"2026-11-22T09:30:00Z","resolvers":[],"mode":"demo"`
	tests := []struct{ in, want string }{
		{`{"domain": "a.example", "n": [1, 2]}`, head + `,"domain":"a.example","n":[1,2]}`},
		{`{}`, head + `}`},
		{" {\n} \n", head + `}`},
	}
	for _, tt := range tests {
		got, err := p.Stamp([]byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("Stamp(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{`[1]`, `"x"`, `{`, ``} {
		if _, err := p.Stamp([]byte(bad)); err == nil {
			t.Errorf("Stamp(%q) accepted", bad)
		}
	}
}

func TestProvenanceLine(t *testing.T) {
	at := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		p    Provenance
		want string
	}{
		{Provenance{Mode: ModeDemo}, "DNS: the demo zone (--demo)"},
		{Provenance{Mode: ModeNone}, "DNS: none asked"},
		{Provenance{Mode: ModeResolver, Resolvers: []string{"192.0.2.53:53", "[2001:db8::53]:53"}}, "DNS: 192.0.2.53:53, [2001:db8::53]:53"},
		{Provenance{Mode: ModeAuthoritative, Resolvers: []string{"192.0.2.53:53"}}, "DNS: each zone's own nameservers (--authoritative), found through 192.0.2.53:53"},
		{Provenance{Mode: ModeZone, ZoneFile: "draft.zone", Resolvers: []string{"192.0.2.53:53"}}, "DNS: --zone draft.zone, the rest from 192.0.2.53:53"},
	}
	for _, tt := range tests {
		tt.p.Version, tt.p.GeneratedAt = "v1", at
		want := "mxray v1 · 2026-11-22T09:30:00Z · " + tt.want
		if got := tt.p.Line(); got != want {
			t.Errorf("Line() = %q, want %q", got, want)
		}
		d := &render.Doc{}
		d.Heading(1, "x")
		tt.p.AddTo(d)
		var b bytes.Buffer
		if err := render.Text(&b, d, render.Options{}); err != nil || !strings.HasSuffix(b.String(), want+"\n") {
			t.Errorf("the written report does not end with the line: %q", b.String())
		}
	}
}
