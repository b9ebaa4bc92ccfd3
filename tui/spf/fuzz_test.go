package spf

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/spfcheck"
	"github.com/mxray/mxray/spf"
	"github.com/mxray/mxray/tui/kit/kittest"
)

// fakeSPFResolver answers the SPF engine from a map, in memory.
type fakeSPFResolver map[string][]spf.TXTRecord

func (r fakeSPFResolver) LookupTXT(_ context.Context, name string) ([]spf.TXTRecord, error) {
	if txt, ok := r[strings.TrimSuffix(strings.ToLower(name), ".")]; ok {
		return txt, nil
	}
	return nil, spf.ErrNXDomain
}

func (r fakeSPFResolver) LookupA(_ context.Context, name string) ([]netip.Addr, error) {
	if strings.HasPrefix(name, "a.") {
		return []netip.Addr{netip.MustParseAddr("192.0.2.1")}, nil
	}
	return nil, spf.ErrNXDomain
}

func (r fakeSPFResolver) LookupAAAA(context.Context, string) ([]netip.Addr, error) {
	return nil, nil
}

func (r fakeSPFResolver) LookupMX(context.Context, string) ([]string, error) { return nil, nil }

func (r fakeSPFResolver) LookupPTR(context.Context, netip.Addr) ([]string, error) {
	return []string{"a.example.com\x1b[2J"}, nil
}

// FuzzSPFPaneView edits the top record (as the what-if editor does) with
// arbitrary text and draws the SPF pane at an arbitrary size: every line
// stays within the width and the height, and nothing from the record
// reaches the screen as a control character, an escape sequence (other
// than the pane's own colours), a bidi control or a zero-width character.
func FuzzSPFPaneView(f *testing.F) {
	for _, seed := range []string{
		"v=spf1 include:_spf.example.com -all",
		"v=spf1 ip4:192.0.2.0/24 a:a.example.com ~all",
		"v=spf1 \x1b]52;c;aGFja2Vk\x07 \x1b[2J include:\u202emoc.elpmaxe\u200b -all",
		"v=spf1 include:loop.example.com include:nx.example.com redirect=_spf.example.com",
		"v=spf1 exists:%{i}.%{l}._spf.example.com ptr -all",
		"v=spf1 " + strings.Repeat("include:_spf.example.com ", 12) + "-all",
		"",
		"日本語 v=spf1 ip6:2001:db8::/32 -all",
	} {
		f.Add(seed, uint8(80), uint8(24))
	}
	res := fakeSPFResolver{
		"example.com":      {{"v=spf1 include:_spf.example.com -all"}},
		"_spf.example.com": {{"v=spf1 ip4:192.0.2.0/24 -all"}},
		"loop.example.com": {{"v=spf1 include:loop.example.com -all"}},
	}
	ctx := context.Background()
	published := spf.Prefetch(ctx, res, "example.com")
	f.Fuzz(func(t *testing.T, text string, w8, h8 uint8) {
		w, h := 20+int(w8)%181, 5+int(h8)%56
		tree := published.WhatIf(ctx, text)
		verdict := tree.CheckHost(ctx, netip.MustParseAddr("192.0.2.1"), "postmaster@example.com", "")
		rep := &spfcheck.Report{Tree: tree}
		com := kittest.Common(&kittest.Run{Rep: &diag.Report{SPF: rep}})
		p := New(com)
		p.SetSize(w, h)
		p.report, p.ip, p.published = rep, verdict.IP, verdict
		p.Focused = true
		p.buildRows()
		for range 3 {
			p.list.Move(1)
		}
		view := p.View()
		lines := strings.Split(view, "\n")
		if len(lines) > h {
			t.Fatalf("%d lines in a pane %d high", len(lines), h)
		}
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Fatalf("line %q is %d wide in a pane %d wide", ansi.Strip(l), ansi.StringWidth(l), w)
			}
		}
		if seq := kittest.NonSGR(view); seq != "" {
			t.Fatalf("the pane draws the sequence %q", seq)
		}
		if plain := ansi.Strip(view); strings.ContainsAny(plain, "\x07\x1b\u202e\u200b\u2066\u00ad") {
			t.Fatalf("raw control text on screen: %q", plain)
		}
	})
}
