package tui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mxray/mxray/diag/finding"
)

// TestGoldenSPFTableAndDetail compares, on the demo at 60x20, 80x24 and
// 120x40: the SPF pane's verdict table for four addresses (the third row
// chosen: its path marked), the detail view of that row, the detail of a
// DKIM key (p= whole), and the full help scrolled to its end (go test
// ./tui -update rewrites them).
func TestGoldenSPFTableAndDetail(t *testing.T) {
	srv := blocklistDemo(t)
	for _, size := range [][2]int{{60, 20}, {80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		sz := fmt.Sprintf("%dx%d", w, h)
		d := openSPFTable(t, srv, w, h)
		d.key("j", "j")
		d.idle()
		t.Run("spf-table/"+sz, func(t *testing.T) { golden.RequireEqual(t, d.screen()) })
		d.key("v")
		t.Run("spf-row-detail/"+sz, func(t *testing.T) { golden.RequireEqual(t, d.screen()) })
		d.key("esc")
		d.key("enter") // the row's deciding term in the tree
		d.key("v")
		t.Run("spf-term-detail/"+sz, func(t *testing.T) { golden.RequireEqual(t, d.screen()) })
		d.key("esc")
		d.focusPane(finding.PartDKIM)
		d.key("v")
		t.Run("dkim-detail/"+sz, func(t *testing.T) { golden.RequireEqual(t, d.screen()) })
		d.key("esc")
		d.key("?")
		d.key("G")
		t.Run("help-end/"+sz, func(t *testing.T) { golden.RequireEqual(t, d.screen()) })
	}
}
