package filters

import (
	_ "embed"
	"strings"
	"sync"
)

//go:generate go run ./internal/gensarules -dir /usr/share/spamassassin -out sarules.tsv

// saRulesTSV is the SpamAssassin rule table written by gensarules: two
// comment lines naming its source, then "RULE\tSCORE\tDESCRIPTION" lines.
//
//go:embed sarules.tsv
var saRulesTSV string

// SARule is a rule SpamAssassin ships, as its rules files describe it.
type SARule struct {
	Name        string
	Description string // the rule's English "describe" line
	// Score is the rule's default score (with Bayes and network tests),
	// nil when the rules files set none; a receiver may score it
	// differently.
	Score *float64
}

type saEntry struct {
	score       string
	description string
}

// saRules parses the table on first use.
var saRules = sync.OnceValue(func() map[string]saEntry {
	m := make(map[string]saEntry, 1200)
	for _, line := range strings.Split(saRulesTSV, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		name, rest, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		score, desc, _ := strings.Cut(rest, "\t")
		m[name] = saEntry{score: score, description: desc}
	}
	return m
})

// LookupSARule returns the rule SpamAssassin ships under name (as written
// in X-Spam-Status tests=), and whether there is one.
func LookupSARule(name string) (SARule, bool) {
	e, ok := saRules()[name]
	if !ok {
		return SARule{}, false
	}
	r := SARule{Name: name, Description: e.description}
	if v, ok := parseNum(e.score); ok {
		r.Score = &v
	}
	return r, true
}

// SARulesSource names the SpamAssassin release the rule table was
// generated from (the generated file's first line).
func SARulesSource() string {
	line, _, _ := strings.Cut(saRulesTSV, "\n")
	const pre = "from "
	if i := strings.Index(line, pre); i >= 0 {
		line = line[i+len(pre):]
		if j := strings.Index(line, ", the describe"); j >= 0 {
			return line[:j]
		}
	}
	return line
}
