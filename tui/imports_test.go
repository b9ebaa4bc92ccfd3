package tui

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// listedPackage is what go list says about one package.
type listedPackage struct {
	ImportPath string
	Imports    []string // direct, test files excluded
	Deps       []string // every package it needs, transitively
}

// modulePackages lists every package of the module with go list.
func modulePackages(t *testing.T) []listedPackage {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the import rules are read with go list: %v", err)
	}
	cmd := exec.Command(gobin, "list", "-json", "github.com/mxray/mxray/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []listedPackage
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	return pkgs
}

const module = "github.com/mxray/mxray/"

// under reports whether path is dir or a package below it.
func under(path, dir string) bool {
	return path == module+dir || strings.HasPrefix(path, module+dir+"/")
}

// pane reports whether path is a pane's package: one under tui/ that is
// neither the root nor the kit.
func pane(path string) bool {
	return under(path, "tui") && path != module+"tui" && !under(path, "tui/kit")
}

// TestImportRules holds the structure DESIGN.md draws, so that it stays
// true: no pane imports another pane (directly or through anything);
// cmd/mxray reaches spf and headers only through diag; nothing in diag,
// spf or headers needs the TUI; only the TUI imports Bubble Tea and
// Bubbles.
func TestImportRules(t *testing.T) {
	pkgs := modulePackages(t)
	panes := 0
	for _, p := range pkgs {
		if pane(p.ImportPath) {
			panes++
			for _, d := range p.Deps {
				if pane(d) {
					t.Errorf("pane %s imports pane %s", p.ImportPath, d)
				}
			}
		}
		if p.ImportPath == module+"cmd/mxray" {
			for _, leaf := range []string{module + "spf", module + "headers"} {
				if slices.Contains(p.Imports, leaf) {
					t.Errorf("cmd/mxray imports %s: it goes through diag", leaf)
				}
			}
		}
		if under(p.ImportPath, "diag") || under(p.ImportPath, "spf") || under(p.ImportPath, "headers") {
			for _, d := range p.Deps {
				if under(d, "tui") {
					t.Errorf("%s needs %s", p.ImportPath, d)
				}
			}
		}
		if !under(p.ImportPath, "tui") {
			for _, d := range p.Imports {
				if strings.HasPrefix(d, "charm.land/bubbletea/") || strings.HasPrefix(d, "charm.land/bubbles/") {
					t.Errorf("%s imports %s: only the TUI does", p.ImportPath, d)
				}
			}
		}
	}
	if panes < 9 {
		t.Errorf("found %d pane packages, want every pane in a package of its own", panes)
	}
}
