package tui

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag/render"
)

// maxExportTries bounds the -1, -2 ... suffixes tried for a free file name.
const maxExportTries = 1000

// ErrExportNoName is returned when every candidate file name is taken.
var ErrExportNoName = errors.New("no free file name for the report")

// exportDocCmd writes doc as Markdown to a new file in dir named after
// base, never overwriting one: base.md, else base-1.md, -2 ... (each
// created with O_EXCL, so a file made between two tries is not replaced
// either). A domain's report is mxray-DOMAIN.md; the readiness answer of a
// run on DMARC aggregate reports is mxray-reports-DOMAIN.md.
func exportDocCmd(dir, base string, doc *render.Doc, opts render.Options) tea.Cmd {
	return func() tea.Msg {
		path, err := exportDoc(dir, base, doc, opts)
		return exportMsg{path: path, err: err}
	}
}

// exportDoc writes doc as Markdown to a new file in dir.
func exportDoc(dir, base string, doc *render.Doc, opts render.Options) (string, error) {
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
		werr := render.Markdown(f, doc, opts)
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

// exportHeadersCmd writes a headers run to two new files in dir, never
// overwriting one: the Markdown report (the message's report, then the
// From domain's) as mxray-DOMAIN-headers.md, and the message exactly as
// given as mxray-DOMAIN-headers.eml (the same -1, -2 ... suffix on both).
// stamp ends the last report (with the run's provenance).
func exportHeadersCmd(dir string, run *runInfo, opts render.Options, stamp func(*render.Doc)) tea.Cmd {
	docs := reportDocs(run)
	stamp(docs[len(docs)-1])
	name := run.target.Domain
	if name == "" {
		name = "message"
	}
	raw := run.hdr.msg.Raw
	return func() tea.Msg {
		md, eml, err := exportHeaders(dir, "mxray-"+fileSafe(name)+"-headers", docs, raw, opts)
		return exportMsg{path: md, message: eml, err: err}
	}
}

// exportHeaders writes docs (Markdown, one after the other) and raw to
// base.md and base.eml in dir, or base-1.md and base-1.eml, ..., the first
// pair of names both free. Each file is created with O_EXCL.
func exportHeaders(dir, base string, docs []*render.Doc, raw []byte, opts render.Options) (string, string, error) {
	for i := range maxExportTries {
		name := base
		if i > 0 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		mdPath, emlPath := absPath(filepath.Join(dir, name+".md")), absPath(filepath.Join(dir, name+".eml"))
		md, err := os.OpenFile(mdPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", "", err
		}
		eml, err := os.OpenFile(emlPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			// Ours, and empty: take it back and try the next pair.
			md.Close()
			os.Remove(mdPath)
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			return "", "", err
		}
		text, werr := markdownOf(docs, opts)
		if werr == nil {
			_, werr = md.Write(text)
		}
		_, err = eml.Write(raw)
		werr = errors.Join(werr, err, md.Close(), eml.Close())
		if werr != nil {
			return mdPath, emlPath, fmt.Errorf("writing %s and %s: %w", mdPath, emlPath, werr)
		}
		return mdPath, emlPath, nil
	}
	return "", "", fmt.Errorf("%w: %s.md to %s-%d.md all exist", ErrExportNoName, base, base, maxExportTries-1)
}

// reportDocs are the documents of a run's report: the domain's, or for a
// message the message's and then its From domain's.
func reportDocs(run *runInfo) []*render.Doc {
	if run.hdr == nil {
		return []*render.Doc{run.domainReport().Doc()}
	}
	docs := []*render.Doc{run.hdr.report.Doc()}
	if run.noDomain == "" && run.report != nil {
		docs = append(docs, run.domainReport().Doc())
	}
	return docs
}

// markdownOf renders docs as Markdown, one after the other.
func markdownOf(docs []*render.Doc, opts render.Options) ([]byte, error) {
	var b bytes.Buffer
	for i, d := range docs {
		if i > 0 {
			b.WriteString("\n")
		}
		if err := render.Markdown(&b, d, opts); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// absPath is path made absolute when it can be, for the notice.
func absPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}
