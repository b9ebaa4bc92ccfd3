// Command gensarules writes the SpamAssassin rule table that package
// filters embeds (sarules.tsv): one line per rule that has an English
// "describe" line in the rules directory of a SpamAssassin install, with
// its default score (the last of the score sets, the one used with Bayes
// and network tests) when the rules give one.
//
// It is run by go generate in headers/filters:
//
//	go generate ./headers/filters
//
// which reads /usr/share/spamassassin (Debian's spamassassin package) and
// records the package version from dpkg-query. Give -version when the
// rules come from elsewhere. The output is sorted and depends only on the
// rule files and the version string, so a refresh from the same package
// version writes the same bytes.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func main() {
	dir := flag.String("dir", "/usr/share/spamassassin", "the SpamAssassin rules directory (*.cf)")
	out := flag.String("out", "sarules.tsv", "the file to write")
	version := flag.String("version", "", "the source package and version to record (default: Debian's spamassassin, from dpkg-query)")
	flag.Parse()
	if err := run(*dir, *out, *version); err != nil {
		fmt.Fprintln(os.Stderr, "gensarules:", err)
		os.Exit(1)
	}
}

func run(dir, out, version string) error {
	if version == "" {
		v, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "spamassassin").Output()
		if err != nil || len(bytes.TrimSpace(v)) == 0 {
			return errors.New("cannot read the spamassassin package version with dpkg-query; install Debian's spamassassin package or give -version")
		}
		version = "Debian spamassassin " + string(bytes.TrimSpace(v))
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.cf"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no *.cf files in %s", dir)
	}
	sort.Strings(files) // SpamAssassin reads its rule files in this order
	t := newTable(saVersion(version))
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		err = t.read(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	var buf bytes.Buffer
	if err := t.write(&buf, version); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// table holds the rules read so far.
type table struct {
	version float64           // SpamAssassin's version as it compares them: 4.000001
	desc    map[string]string // from blocks that apply
	other   map[string]string // from blocks that do not apply (used when desc has none)
	score   map[string]string // from blocks that apply
}

func newTable(version float64) *table {
	return &table{version: version, desc: map[string]string{}, other: map[string]string{}, score: map[string]string{}}
}

// read takes the describe and score lines of one rules file. A later line
// for the same rule replaces an earlier one, as in SpamAssassin; lines in
// an "if" block whose condition is false for a default install of this
// version (see active) do not set scores.
func (t *table) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var blocks []bool
	for sc.Scan() {
		line := stripComment(sc.Text())
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		switch fields[0] {
		case "ifplugin":
			blocks = append(blocks, true)
			continue
		case "if":
			blocks = append(blocks, t.active(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "if"))))
			continue
		case "else":
			if len(blocks) > 0 {
				blocks[len(blocks)-1] = !blocks[len(blocks)-1]
			}
			continue
		case "endif":
			if len(blocks) > 0 {
				blocks = blocks[:len(blocks)-1]
			}
			continue
		}
		if len(fields) < 2 {
			continue
		}
		on := true
		for _, b := range blocks {
			on = on && b
		}
		switch fields[0] {
		case "describe":
			name := fields[1]
			if !ruleName(name) {
				continue
			}
			rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "describe"))
			rest = strings.TrimSpace(strings.TrimPrefix(rest, name))
			rest = strings.Join(strings.Fields(rest), " ")
			switch {
			case rest == "":
			case on:
				t.desc[name] = rest
			default:
				t.other[name] = rest
			}
		case "score":
			name := fields[1]
			if !on || !ruleName(name) || len(fields) < 3 {
				continue
			}
			last := fields[len(fields)-1]
			if _, err := strconv.ParseFloat(last, 64); err == nil {
				t.score[name] = last
			}
		}
	}
	return sc.Err()
}

// active evaluates the condition of an "if" line for a default install:
// plugin(X) is loaded, can(X::feature_*) and other can() are true,
// can(X::compat_*) is false (compatibility flags are off by default),
// "version OP N" compares with t.version, and "!" negates. Anything else
// counts as true.
func (t *table) active(cond string) bool {
	cond = strings.TrimSpace(cond)
	neg := false
	for {
		switch {
		case strings.HasPrefix(cond, "!"):
			neg = !neg
			cond = strings.TrimSpace(cond[1:])
			continue
		case strings.HasPrefix(cond, "(") && strings.HasSuffix(cond, ")") && balanced(cond[1:len(cond)-1]):
			cond = strings.TrimSpace(cond[1 : len(cond)-1])
			continue
		}
		break
	}
	v := true
	switch {
	case strings.HasPrefix(cond, "can("):
		v = !strings.Contains(cond, "::compat_")
	case strings.HasPrefix(cond, "version"):
		f := strings.Fields(strings.TrimPrefix(cond, "version"))
		if len(f) == 2 {
			if n, err := strconv.ParseFloat(f[1], 64); err == nil {
				switch f[0] {
				case ">=":
					v = t.version >= n
				case ">":
					v = t.version > n
				case "<=":
					v = t.version <= n
				case "<":
					v = t.version < n
				case "==":
					v = t.version == n
				}
			}
		}
	}
	return v != neg
}

// balanced reports whether the parentheses of s pair up.
func balanced(s string) bool {
	d := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			d++
		case ')':
			d--
			if d < 0 {
				return false
			}
		}
	}
	return d == 0
}

// saVersion turns the first "N.N.N" of a package version into
// SpamAssassin's comparable form (4.0.1 is 4.000001); 0 when there is none.
func saVersion(s string) float64 {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.') }) {
		p := strings.Split(w, ".")
		if len(p) < 3 {
			continue
		}
		var n [3]float64
		ok := true
		for i := 0; i < 3; i++ {
			x, err := strconv.Atoi(p[i])
			if err != nil {
				ok = false
				break
			}
			n[i] = float64(x)
		}
		if ok {
			return n[0] + n[1]/1000 + n[2]/1000000
		}
	}
	return 0
}

// stripComment removes a "#" comment, keeping an escaped "\#", as
// SpamAssassin's configuration parser does.
func stripComment(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] != '\\') {
			s = s[:i]
			break
		}
	}
	return strings.ReplaceAll(s, `\#`, "#")
}

// ruleName reports whether name is a reportable rule: capitals, digits and
// underscores, not a "__" sub-rule (which SpamAssassin never reports).
func ruleName(name string) bool {
	if name == "" || strings.HasPrefix(name, "__") {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// write writes the table: two comment lines, then "RULE\tSCORE\tDESCRIPTION"
// lines sorted by rule name.
func (t *table) write(w io.Writer, version string) error {
	for n, d := range t.other {
		if _, ok := t.desc[n]; !ok {
			t.desc[n] = d
		}
	}
	names := make([]string, 0, len(t.desc))
	for n := range t.desc {
		names = append(names, n)
	}
	sort.Strings(names)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Generated by headers/filters/internal/gensarules (go generate) from %s, the describe and score lines of its *.cf rules. DO NOT EDIT.\n", clean(version))
	fmt.Fprintf(bw, "# SpamAssassin rules are Apache-2.0 (Apache Software Foundation); see SOURCES.md and spamassassin.LICENSE. Columns: rule, default score (last score set), description.\n")
	for _, n := range names {
		fmt.Fprintf(bw, "%s\t%s\t%s\n", n, t.score[n], clean(t.desc[n]))
	}
	return bw.Flush()
}

// clean keeps a value on one line without tabs.
func clean(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
