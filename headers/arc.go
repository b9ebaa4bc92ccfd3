package headers

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mxray/mxray/headers/authres"
)

// ARCSet is one ARC instance: the ARC-Seal, ARC-Message-Signature and
// ARC-Authentication-Results fields that share an "i" (RFC 8617 §4.1).
type ARCSet struct {
	Instance  int        `json:"instance"`        // the "i" tag, 1 to 50
	CV        authres.CV `json:"cv"`              // from the ARC-Seal
	Domain    string     `json:"d"`               // the sealer's d= (ARC-Seal)
	Selector  string     `json:"s"`               // the sealer's s= (ARC-Seal)
	Alg       string     `json:"a,omitempty"`     // the ARC-Seal's a=
	AMSSigned []string   `json:"ams_h,omitempty"` // the ARC-Message-Signature's h= list
	// AuthServID and Results are the ARC-Authentication-Results: what the
	// sealer recorded when it received the message.
	AuthServID string         `json:"authserv_id"`
	Results    []MethodResult `json:"results"` // in order
	// Has* say which of the three fields are present (exactly one each).
	HasSeal, HasAMS, HasAAR bool     `json:"-"`
	Lines                   []int    `json:"lines"`              // the input lines of the fields
	Problems                []string `json:"problems,omitempty"` // what is wrong with this instance
}

// ARCChain is the structure of the ARC chain (RFC 8617 §5.1.1 step 2 and
// §4.1.3): instances 1..N with no gap and no duplicate, each instance
// complete, cv=none only at i=1 and cv=pass after it.
type ARCChain struct {
	Instances int        `json:"instances"` // N, the highest instance
	NewestCV  authres.CV `json:"newest_cv"` // the cv of instance N; "" when there is no chain
	Valid     bool       `json:"valid"`     // the structure is sound (signatures are not checked here)
	Problems  []string   `json:"problems"`  // what breaks the structure, in words; empty when Valid
}

// readARC gathers the ARC fields of a message into instances and checks
// the structure of the chain.
func readARC(fields []Field) ([]ARCSet, ARCChain) {
	byI := map[int]*ARCSet{}
	var problems []string
	get := func(i int) *ARCSet {
		if s, ok := byI[i]; ok {
			return s
		}
		s := &ARCSet{Instance: i, Results: []MethodResult{}}
		byI[i] = s
		return s
	}
	for _, f := range fields {
		name := strings.ToLower(f.Name)
		if name != "arc-seal" && name != "arc-message-signature" && name != "arc-authentication-results" {
			continue
		}
		var i int
		var err error
		var seal authres.ARCSeal
		var ams authres.ARCMessageSignature
		var aar string
		switch name {
		case "arc-seal":
			seal, err = authres.ParseARCSeal(f.Value)
			i = seal.Instance
		case "arc-message-signature":
			ams, err = authres.ParseARCMessageSignature(f.Value)
			i = ams.Instance
		default:
			i, aar, err = authres.SplitARCAuthResults(f.Value)
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s on line %d: %v", f.Name, f.Line, err))
			continue
		}
		if i < 1 || i > authres.ARCMaxInstance {
			problems = append(problems, fmt.Sprintf("%s on line %d has i=%d; instances run from 1 to %d", f.Name, f.Line, i, authres.ARCMaxInstance))
			continue
		}
		s := get(i)
		s.Lines = append(s.Lines, f.Line)
		switch name {
		case "arc-seal":
			if s.HasSeal {
				problems = append(problems, fmt.Sprintf("instance %d has more than one ARC-Seal", i))
				continue
			}
			s.HasSeal = true
			s.CV, s.Domain, s.Selector, s.Alg = seal.CV, seal.Domain, seal.Selector, seal.Alg
		case "arc-message-signature":
			if s.HasAMS {
				problems = append(problems, fmt.Sprintf("instance %d has more than one ARC-Message-Signature", i))
				continue
			}
			s.HasAMS = true
			s.AMSSigned = append(s.AMSSigned, ams.SignedHeaders...)
			if s.Domain == "" {
				s.Domain = ams.Domain
			}
		case "arc-authentication-results":
			if s.HasAAR {
				problems = append(problems, fmt.Sprintf("instance %d has more than one ARC-Authentication-Results", i))
				continue
			}
			s.HasAAR = true
			ar, _ := authres.ParseAuthResults(aar)
			s.AuthServID = ar.AuthServID
			for _, r := range ar.Results {
				s.Results = append(s.Results, methodResult(r))
			}
		}
	}
	sets := make([]ARCSet, 0, len(byI))
	for _, s := range byI {
		sets = append(sets, *s)
	}
	sort.Slice(sets, func(a, b int) bool { return sets[a].Instance > sets[b].Instance })
	chain := checkARC(sets, problems)
	return sets, chain
}

// checkARC checks the structure of the chain; sets are sorted newest
// first.
func checkARC(sets []ARCSet, problems []string) ARCChain {
	c := ARCChain{Problems: append([]string{}, problems...)}
	if len(sets) == 0 && len(problems) == 0 {
		return c
	}
	if len(sets) > 0 {
		c.Instances = sets[0].Instance
		c.NewestCV = sets[0].CV
	}
	present := map[int]bool{}
	for i := range sets {
		s := &sets[i]
		present[s.Instance] = true
		var missing []string
		if !s.HasSeal {
			missing = append(missing, "ARC-Seal")
		}
		if !s.HasAMS {
			missing = append(missing, "ARC-Message-Signature")
		}
		if !s.HasAAR {
			missing = append(missing, "ARC-Authentication-Results")
		}
		if len(missing) > 0 {
			p := fmt.Sprintf("instance %d lacks %s", s.Instance, strings.Join(missing, " and "))
			s.Problems = append(s.Problems, p)
			c.Problems = append(c.Problems, p)
		}
		if s.HasSeal {
			switch {
			case s.Instance == 1 && s.CV != authres.CVNone:
				p := fmt.Sprintf("instance 1 has cv=%s; the first instance must have cv=none", s.CV)
				s.Problems = append(s.Problems, p)
				c.Problems = append(c.Problems, p)
			case s.Instance > 1 && s.CV == authres.CVNone:
				p := fmt.Sprintf("instance %d has cv=none, which only instance 1 may have", s.Instance)
				s.Problems = append(s.Problems, p)
				c.Problems = append(c.Problems, p)
			case s.Instance > 1 && s.CV == authres.CVFail:
				p := fmt.Sprintf("instance %d has cv=fail: the sealer found the chain before it broken", s.Instance)
				s.Problems = append(s.Problems, p)
				c.Problems = append(c.Problems, p)
			case s.CV != authres.CVNone && s.CV != authres.CVPass && s.CV != authres.CVFail:
				p := fmt.Sprintf("instance %d has cv=%q, which is not none, pass or fail", s.Instance, s.CV)
				s.Problems = append(s.Problems, p)
				c.Problems = append(c.Problems, p)
			}
		}
	}
	for i := 1; i <= c.Instances; i++ {
		if !present[i] {
			c.Problems = append(c.Problems, fmt.Sprintf("instance %d is missing: the chain has a gap", i))
		}
	}
	c.Valid = len(c.Problems) == 0
	return c
}
