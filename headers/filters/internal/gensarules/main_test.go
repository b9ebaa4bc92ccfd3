package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	files := []string{
		"# a comment\n" +
			"describe   A_RULE  First description \\# with a hash # and a comment\n" +
			"score A_RULE 1.0 2.0 3.0 4.5\n" +
			"lang de describe A_RULE Deutsch\n" +
			"describe __SUB sub-rules are not reported\n" +
			"ifplugin Mail::SpamAssassin::Plugin::DKIM\n" +
			"  describe B_RULE\tIn a plugin block\n" +
			"  score B_RULE -0.1\n" +
			"endif\n",
		"if !can(Mail::SpamAssassin::Conf::compat_welcomelist_blocklist)\n" +
			"  score A_RULE -0.01\n" +
			"endif\n" +
			"if can(Mail::SpamAssassin::Conf::feature_old_thing)\n" +
			"  describe C_RULE applies\n" +
			"else\n" +
			"  describe C_RULE does not apply\n" +
			"  score C_RULE 9\n" +
			"endif\n" +
			"if !can(Mail::SpamAssassin::Conf::feature_old_thing)\n" +
			"  describe D_RULE only in an inactive block\n" +
			"endif\n" +
			"if (version >= 4.000000)\n  score B_RULE 0.5\nendif\n" +
			"if (version < 3.004000)\n  score B_RULE 100\nendif\n" +
			"score NO_DESCRIPTION 1\n",
	}
	gen := func() []byte {
		tb := newTable(saVersion("Debian spamassassin 4.0.1-1~deb12u1"))
		for _, f := range files {
			if err := tb.read(strings.NewReader(f)); err != nil {
				t.Fatal(err)
			}
		}
		var b bytes.Buffer
		if err := tb.write(&b, "test\tversion"); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	got := gen()
	lines := strings.Split(string(got), "\n")
	want := []string{
		"A_RULE\t-0.01\tFirst description # with a hash",
		"B_RULE\t0.5\tIn a plugin block",
		"C_RULE\t\tapplies",
		"D_RULE\t\tonly in an inactive block",
		"",
	}
	if !strings.Contains(lines[0], "from test version,") || strings.Join(lines[2:], "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s", got)
	}
	if !bytes.Equal(got, gen()) {
		t.Error("the output is not deterministic")
	}
}

func TestSAVersion(t *testing.T) {
	for in, want := range map[string]float64{"Debian spamassassin 4.0.1-1~deb12u1": 4.000001, "3.4.6": 3.004006, "none": 0} {
		if got := saVersion(in); got != want {
			t.Errorf("saVersion(%q) = %v, want %v", in, got, want)
		}
	}
}

// Regenerating from the rules of the installed package gives the
// committed file, byte for byte, when the installed package is the version
// the file names. It is skipped where Debian's spamassassin package is not
// installed (it is not needed to build or test mxray).
func TestRegenerate(t *testing.T) {
	committed, err := os.ReadFile(filepath.Join("..", "..", "sarules.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "spamassassin").Output()
	if err != nil || !bytes.Contains(committed[:bytes.IndexByte(committed, '\n')], []byte("spamassassin "+string(v)+",")) {
		t.Skip("Debian's spamassassin package of the committed version is not installed")
	}
	out := filepath.Join(t.TempDir(), "sarules.tsv")
	if err := run("/usr/share/spamassassin", out, ""); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Error("regenerating sarules.tsv from the installed rules does not give the committed file")
	}
}
