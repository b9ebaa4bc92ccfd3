package headers

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ARCMaxInstance is the highest instance number RFC 8617 §4.2.1 allows.
const ARCMaxInstance = 50

// CV is an ARC chain validation status, the "cv" tag of ARC-Seal
// (RFC 8617 §4.1.3).
type CV string

// The chain validation statuses of RFC 8617 §4.1.3.
const (
	CVNone CV = "none" // no chain before this instance: only at i=1
	CVPass CV = "pass" // the chain before this instance validated
	CVFail CV = "fail" // the chain before this instance did not validate
)

// ARCSet is one ARC instance: the ARC-Seal, ARC-Message-Signature and
// ARC-Authentication-Results fields that share an "i" (RFC 8617 §4.1).
type ARCSet struct {
	Instance  int      `json:"instance"`        // the "i" tag, 1 to 50
	CV        CV       `json:"cv"`              // from the ARC-Seal
	Domain    string   `json:"d"`               // the sealer's d= (ARC-Seal)
	Selector  string   `json:"s"`               // the sealer's s= (ARC-Seal)
	Alg       string   `json:"a,omitempty"`     // the ARC-Seal's a=
	AMSSigned []string `json:"ams_h,omitempty"` // the ARC-Message-Signature's h= list
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
	Instances int      `json:"instances"` // N, the highest instance
	NewestCV  CV       `json:"newest_cv"` // the cv of instance N; "" when there is no chain
	Valid     bool     `json:"valid"`     // the structure is sound (signatures are not checked here)
	Problems  []string `json:"problems"`  // what breaks the structure, in words; empty when Valid
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
		i, rest, err := arcInstance(f.Value, name == "arc-authentication-results")
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s on line %d: %v", f.Name, f.Line, err))
			continue
		}
		if i < 1 || i > ARCMaxInstance {
			problems = append(problems, fmt.Sprintf("%s on line %d has i=%d; instances run from 1 to %d", f.Name, f.Line, i, ARCMaxInstance))
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
			tags, _ := ParseTagList(f.Value)
			s.CV = CV(strings.ToLower(tagValue(tags, "cv")))
			s.Domain = tagValue(tags, "d")
			s.Selector = tagValue(tags, "s")
			s.Alg = tagValue(tags, "a")
		case "arc-message-signature":
			if s.HasAMS {
				problems = append(problems, fmt.Sprintf("instance %d has more than one ARC-Message-Signature", i))
				continue
			}
			s.HasAMS = true
			tags, _ := ParseTagList(f.Value)
			for _, h := range strings.Split(tagValue(tags, "h"), ":") {
				if h = strings.TrimSpace(h); h != "" {
					s.AMSSigned = append(s.AMSSigned, h)
				}
			}
			if s.Domain == "" {
				s.Domain = tagValue(tags, "d")
			}
		case "arc-authentication-results":
			if s.HasAAR {
				problems = append(problems, fmt.Sprintf("instance %d has more than one ARC-Authentication-Results", i))
				continue
			}
			s.HasAAR = true
			ar, _ := ParseAuthResults(rest)
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

// arcInstance reads the i= tag. For ARC-Authentication-Results it also
// returns the text after "i=N;", which is an Authentication-Results value.
func arcInstance(v string, aar bool) (int, string, error) {
	if aar {
		head, rest, ok := strings.Cut(v, ";")
		if !ok {
			return 0, "", fmt.Errorf("no “i=” instance tag")
		}
		k, val, ok := strings.Cut(head, "=")
		if !ok || strings.TrimSpace(k) != "i" {
			return 0, "", fmt.Errorf("it does not start with “i=”")
		}
		n, err := strconv.Atoi(StripFWS(val))
		if err != nil {
			return 0, "", fmt.Errorf("i=%q is not a number", strings.TrimSpace(val))
		}
		return n, rest, nil
	}
	tags, _ := ParseTagList(v)
	val, ok := Lookup(tags, "i")
	if !ok {
		return 0, "", fmt.Errorf("no “i=” instance tag")
	}
	n, err := strconv.Atoi(StripFWS(val))
	if err != nil {
		return 0, "", fmt.Errorf("i=%q is not a number", val)
	}
	return n, "", nil
}

func tagValue(tags []Tag, name string) string {
	v, _ := Lookup(tags, name)
	return StripFWS(v)
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
			case s.Instance == 1 && s.CV != CVNone:
				p := fmt.Sprintf("instance 1 has cv=%s; the first instance must have cv=none", s.CV)
				s.Problems = append(s.Problems, p)
				c.Problems = append(c.Problems, p)
			case s.Instance > 1 && s.CV == CVNone:
				p := fmt.Sprintf("instance %d has cv=none, which only instance 1 may have", s.Instance)
				s.Problems = append(s.Problems, p)
				c.Problems = append(c.Problems, p)
			case s.Instance > 1 && s.CV == CVFail:
				p := fmt.Sprintf("instance %d has cv=fail: the sealer found the chain before it broken", s.Instance)
				s.Problems = append(s.Problems, p)
				c.Problems = append(c.Problems, p)
			case s.CV != CVNone && s.CV != CVPass && s.CV != CVFail:
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
