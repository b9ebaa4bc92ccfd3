package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/render"
)

// maxExportTries bounds the -1, -2 ... suffixes tried for a free file name.
const maxExportTries = 1000

// ErrExportNoName is returned when every candidate file name is taken.
var ErrExportNoName = errors.New("no free file name for the report")

// exportCmd writes rep as Markdown to a new file in dir, never overwriting
// one: mxray-DOMAIN.md, else mxray-DOMAIN-1.md, -2 ... (each created with
// O_EXCL, so a file made between two tries is not replaced either).
func exportCmd(dir string, rep *diag.Report, opts render.Options) tea.Cmd {
	return func() tea.Msg {
		path, err := exportReport(dir, rep, opts)
		return exportMsg{path: path, err: err}
	}
}

func exportReport(dir string, rep *diag.Report, opts render.Options) (string, error) {
	base := "mxray-" + fileSafe(rep.Domain)
	for i := range maxExportTries {
		name := base + ".md"
		if i > 0 {
			name = fmt.Sprintf("%s-%d.md", base, i)
		}
		path := filepath.Join(dir, name)
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		werr := render.Markdown(f, rep.Doc(), opts)
		cerr := f.Close()
		if err := errors.Join(werr, cerr); err != nil {
			return path, fmt.Errorf("writing %s: %w", path, err)
		}
		return path, nil
	}
	return "", fmt.Errorf("%w: %s.md to %s-%d.md all exist", ErrExportNoName, base, base, maxExportTries-1)
}

// fileSafe keeps the characters of a host name that are safe in a file
// name on every system, replacing the rest with "_".
func fileSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
	s = strings.Trim(s, ".")
	if s == "" {
		return "report"
	}
	return s
}
