package diag

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mxray/mxray/diag/render"
)

// Mode says where a report's DNS answers came from.
type Mode string

// The modes (JSON "mode").
const (
	// ModeResolver: the resolvers configured (--resolver, or the system's).
	ModeResolver Mode = "resolver"
	// ModeAuthoritative: each zone's own nameservers, found through the
	// resolvers and asked with RD=0 (--authoritative).
	ModeAuthoritative Mode = "authoritative"
	// ModeZone: the zones of --zone FILE from the file, the rest from the
	// resolvers.
	ModeZone Mode = "zone"
	// ModeDemo: the embedded demo zone and nothing else (--demo).
	ModeDemo Mode = "demo"
	// ModeNone: no DNS was asked (mxray headers --no-recheck).
	ModeNone Mode = "none"
)

// Provenance says which mxray made a report, when, and from which DNS.
// Every report carries it: as the JSON fields mxray_version, generated_at,
// resolvers and mode (Stamp), and as the last line of the text and
// Markdown reports (AddTo).
type Provenance struct {
	Version     string    // mxray's version: a module version, or a VCS revision with "-dirty"
	GeneratedAt time.Time // when the run began
	Resolvers   []string  // the servers asked (host:port); none under --demo
	Mode        Mode
	ZoneFile    string // --zone FILE
}

// provenanceJSON is Provenance in the contract's field names.
type provenanceJSON struct {
	Version     string   `json:"mxray_version"`
	GeneratedAt string   `json:"generated_at"`
	Resolvers   []string `json:"resolvers"`
	Mode        Mode     `json:"mode"`
	ZoneFile    string   `json:"zone_file,omitempty"`
}

// MarshalJSON writes the contract's fields; generated_at is RFC 3339 in UTC
// to the second.
func (p Provenance) MarshalJSON() ([]byte, error) {
	j := provenanceJSON{Version: p.Version, GeneratedAt: p.GeneratedAt.UTC().Format(time.RFC3339), Resolvers: p.Resolvers, Mode: p.Mode, ZoneFile: p.ZoneFile}
	if j.Resolvers == nil {
		j.Resolvers = []string{}
	}
	return json.Marshal(j)
}

// Stamp returns the JSON object obj with the provenance fields put first.
// obj must be one encoded JSON object (any indentation); the result is
// compact.
func (p Provenance) Stamp(obj []byte) ([]byte, error) {
	head, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	if err := json.Compact(&body, obj); err != nil {
		return nil, err
	}
	b := body.Bytes()
	if len(b) < 2 || b[0] != '{' {
		return nil, errors.New("provenance: the report is not a JSON object")
	}
	out := make([]byte, 0, len(head)+len(b)+1)
	out = append(out, head[:len(head)-1]...)
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

// DNS says where the answers came from, in words.
func (p Provenance) DNS() string {
	servers := strings.Join(p.Resolvers, ", ")
	switch p.Mode {
	case ModeDemo:
		return "the demo zone (--demo)"
	case ModeNone:
		return "none asked"
	case ModeZone:
		return "--zone " + p.ZoneFile + ", the rest from " + servers
	case ModeAuthoritative:
		return "each zone's own nameservers (--authoritative), found through " + servers
	}
	return servers
}

// Line is the provenance as one line: "mxray v1.2.0 · 2026-11-22T09:30:00Z ·
// DNS: the demo zone (--demo)".
func (p Provenance) Line() string {
	return fmt.Sprintf("mxray %s · %s · DNS: %s", p.Version, p.GeneratedAt.UTC().Format(time.RFC3339), p.DNS())
}

// AddTo ends a written report with the provenance line.
func (p Provenance) AddTo(d *render.Doc) { d.Para(p.Line()) }
