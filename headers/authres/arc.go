package authres

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mxray/mxray/headers/rfc5322"
	"github.com/mxray/mxray/headers/taglist"
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

// ARCSeal is what an ARC-Seal field (RFC 8617 §4.1.3) says about its
// instance and its sealer. Values have folding white space removed.
type ARCSeal struct {
	Instance int    // "i"
	CV       CV     // "cv", lower case
	Domain   string // "d", the sealer's domain
	Selector string // "s"
	Alg      string // "a"
}

// ParseARCSeal reads the value of an ARC-Seal field, a tag-list. The
// error says why the "i" tag cannot be read; the other tags are read as far
// as the tag-list allows, whatever is wrong with it.
func ParseARCSeal(value string) (ARCSeal, error) {
	tags, _ := taglist.Parse(value)
	i, err := arcInstance(tags)
	return ARCSeal{Instance: i, CV: CV(strings.ToLower(tagValue(tags, "cv"))), Domain: tagValue(tags, "d"),
		Selector: tagValue(tags, "s"), Alg: tagValue(tags, "a")}, err
}

// ARCMessageSignature is what mxray reads of an ARC-Message-Signature field
// (RFC 8617 §4.1.2): its instance, the signing domain and the signed header
// fields. The rest has the shape of a DKIM-Signature.
type ARCMessageSignature struct {
	Instance      int      // "i"
	Domain        string   // "d", folding white space removed
	SignedHeaders []string // "h", in order, empty names dropped
}

// ParseARCMessageSignature reads the value of an ARC-Message-Signature
// field, a tag-list. The error says why the "i" tag cannot be read; the
// other tags are read as far as the tag-list allows.
func ParseARCMessageSignature(value string) (ARCMessageSignature, error) {
	tags, _ := taglist.Parse(value)
	i, err := arcInstance(tags)
	ams := ARCMessageSignature{Instance: i, Domain: tagValue(tags, "d")}
	for _, h := range strings.Split(tagValue(tags, "h"), ":") {
		if h = strings.TrimSpace(h); h != "" {
			ams.SignedHeaders = append(ams.SignedHeaders, h)
		}
	}
	return ams, err
}

// SplitARCAuthResults splits the value of an ARC-Authentication-Results
// field (RFC 8617 §4.1.1) into its instance, "i=N;", and the
// Authentication-Results payload after it, for ParseAuthResults. The error
// says why the instance cannot be read.
func SplitARCAuthResults(value string) (int, string, error) {
	head, rest, ok := strings.Cut(value, ";")
	if !ok {
		return 0, "", fmt.Errorf("no “i=” instance tag")
	}
	k, val, ok := strings.Cut(head, "=")
	if !ok || strings.TrimSpace(k) != "i" {
		return 0, "", fmt.Errorf("it does not start with “i=”")
	}
	n, err := strconv.Atoi(rfc5322.StripFWS(val))
	if err != nil {
		return 0, "", fmt.Errorf("i=%q is not a number", strings.TrimSpace(val))
	}
	return n, rest, nil
}

// arcInstance reads the "i" tag of an ARC-Seal or ARC-Message-Signature.
func arcInstance(tags []taglist.Tag) (int, error) {
	val, ok := taglist.Lookup(tags, "i")
	if !ok {
		return 0, fmt.Errorf("no “i=” instance tag")
	}
	n, err := strconv.Atoi(rfc5322.StripFWS(val))
	if err != nil {
		return 0, fmt.Errorf("i=%q is not a number", val)
	}
	return n, nil
}

// tagValue returns the named tag's value with folding white space removed.
func tagValue(tags []taglist.Tag, name string) string {
	v, _ := taglist.Lookup(tags, name)
	return rfc5322.StripFWS(v)
}
