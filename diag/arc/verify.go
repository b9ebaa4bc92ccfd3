package arc

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/mxray/mxray/diag/dkim"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/authres"
	"github.com/mxray/mxray/headers/rfc5322"
	"github.com/mxray/mxray/headers/taglist"
)

// The ARC header fields (RFC 8617 §4.1), lower case.
const (
	FieldSeal    = "arc-seal"
	FieldAMS     = "arc-message-signature"
	FieldResults = "arc-authentication-results"
)

// Verdict is the result of verifying one signature, in the words of
// RFC 8601 §2.7.1 that the DKIM re-check uses.
type Verdict = dkim.Verdict

// Check is the verification of one ARC-Seal or ARC-Message-Signature.
type Check struct {
	Result Verdict `json:"result"` // pass, fail, permerror, temperror; "" when not checked
	Reason string  `json:"reason"` // why, in words
	// KeyName, KeyServer and Observed say where the key was looked up and
	// what DNS answered (dkim.KeyLookup).
	KeyName   string `json:"key_name,omitempty"`
	KeyServer string `json:"key_server,omitempty"`
	Observed  string `json:"observed,omitempty"`
}

// Set is one ARC instance as verified.
type Set struct {
	Instance int        `json:"instance"` // i=
	Domain   string     `json:"d"`        // the sealer's d= (ARC-Seal)
	Selector string     `json:"s"`        // the sealer's s= (ARC-Seal)
	CV       authres.CV `json:"cv"`       // cv= as the sealer wrote it
	Seal     Check      `json:"seal"`     // the ARC-Seal's signature
	// AMS is the ARC-Message-Signature's signature; only the newest one
	// decides the chain (RFC 8617 §5.2 step 4), older ones are reported.
	AMS      Check    `json:"ams"`
	Problems []string `json:"problems,omitempty"` // what is wrong with its fields' tags
}

// Chain is the verified chain.
type Chain struct {
	// Instances is N, the newest instance; 0 when the message has no ARC
	// fields at all.
	Instances int `json:"instances"`
	// Result is the chain validation status computed today (RFC 8617
	// §5.2): none, pass or fail.
	Result authres.CV `json:"result"`
	// NewestCV is the cv= the newest ARC-Seal carries: what the last
	// sealer found. Agrees says whether it matches Result under RFC 8617's
	// rules (the newest sealer saw the chain before its own set).
	NewestCV authres.CV `json:"newest_cv,omitempty"`
	// Reason says why the chain fails, or that it passes.
	Reason string `json:"reason"`
	// Sets are the instances found, newest first.
	Sets []Set `json:"sets"`
}

// TempError is the chain status when a key lookup failed for a reason
// that may go away (SERVFAIL, REFUSED, a timeout) before any signature
// failed: the chain can be neither passed nor failed (RFC 8601 §2.7.1's
// temperror; RFC 8617 §5.2 has no word for it).
const TempError authres.CV = "temperror"

// MaxInstances is the highest instance RFC 8617 §4.2.1 allows.
const MaxInstances = authres.ARCMaxInstance

// field is one ARC header field with its instance and tags.
type field struct {
	idx  int // index in the message's fields
	name string
	inst int
	tags []taglist.Tag
	err  string // why its tags or instance cannot be read
}

// Verify validates the ARC chain of a message: fields are the header
// fields in order, body the body as received (its hash is checked only
// when hasBody). Keys are looked up through r, every one at once.
func Verify(ctx context.Context, r dnsclient.Resolver, fields []headers.Field, body []byte, hasBody bool) (c Chain) {
	byInst, probs := collect(fields)
	c = Chain{Result: authres.CVNone, Sets: []Set{}}
	if len(byInst) == 0 && len(probs) == 0 {
		c.Reason = "the message carries no ARC header fields"
		return c
	}
	for i := range byInst {
		c.Instances = max(c.Instances, i)
	}
	sets := make(map[int]*Set, len(byInst))
	for i, fs := range byInst {
		s := &Set{Instance: i}
		sets[i] = s
		if as := fs[FieldSeal]; len(as) == 1 {
			s.Domain = tagValue(as[0].tags, "d")
			s.Selector = tagValue(as[0].tags, "s")
			s.CV = authres.CV(tagValue(as[0].tags, "cv"))
		}
	}
	defer func() {
		for _, s := range sets {
			c.Sets = append(c.Sets, *s)
		}
		sort.Slice(c.Sets, func(a, b int) bool { return c.Sets[a].Instance > c.Sets[b].Instance })
	}()
	if top := sets[c.Instances]; top != nil {
		c.NewestCV = top.CV
	}
	fail := func(format string, args ...any) Chain {
		c.Result = authres.CVFail
		c.Reason = fmt.Sprintf(format, args...)
		return c
	}
	// Step 1: the structure, and every field's tags.
	if len(probs) > 0 {
		return fail("%s", strings.Join(probs, "; "))
	}
	if p := structure(byInst, c.Instances, sets); len(p) > 0 {
		return fail("%s", strings.Join(p, "; "))
	}
	// Every AMS and every seal, their keys looked up at once; checked
	// whatever the newest cv= says, so the report shows each set's verdict.
	v := &verifier{ctx: ctx, r: r, fields: fields, byInst: byInst, body: body, hasBody: hasBody}
	var wg sync.WaitGroup
	for i := 1; i <= c.Instances; i++ {
		s := sets[i]
		wg.Go(func() { s.AMS = v.ams(i) })
		wg.Go(func() { s.Seal = v.seal(i) })
	}
	wg.Wait()
	// Step 2: the newest sealer already found the chain broken.
	if c.NewestCV == authres.CVFail {
		return fail("the newest ARC-Seal (i=%d) says cv=fail: its sealer found the chain broken", c.Instances)
	}
	// A key that could not be fetched leaves the chain undecided, unless a
	// signature that decides it failed outright.
	deciding := []Check{sets[c.Instances].AMS}
	for i := 1; i <= c.Instances; i++ {
		deciding = append(deciding, sets[i].Seal)
	}
	temp, failed := false, false
	for _, d := range deciding {
		temp = temp || d.Result == dkim.TempError
		failed = failed || (d.Result != dkim.Pass && d.Result != dkim.TempError)
	}
	if temp && !failed {
		c.Result = TempError
		c.Reason = "a key lookup failed (DNS trouble), so the chain can be neither passed nor failed today"
		return c
	}
	// Step 3: the newest AMS (older ones may break on the way, by design).
	if s := sets[c.Instances]; s.AMS.Result != dkim.Pass {
		return fail("the newest ARC-Message-Signature (i=%d) does not verify: %s", c.Instances, s.AMS.Reason)
	}
	// Step 4: every seal, newest first.
	for i := c.Instances; i >= 1; i-- {
		if s := sets[i]; s.Seal.Result != dkim.Pass {
			return fail("the ARC-Seal of instance %d (d=%s s=%s) does not verify: %s", i, s.Domain, s.Selector, s.Seal.Reason)
		}
	}
	c.Result = authres.CVPass
	c.Reason = fmt.Sprintf("%d ARC set(s); the newest message signature and every seal verify", c.Instances)
	return c
}

// Agrees reports whether the newest sealer's cv= is what it should have
// written given today's verdict: pass (or none for a chain of one) when
// the chain verifies. A chain that fails today says nothing about what the
// sealer saw.
func (c Chain) Agrees() bool {
	if c.Result != authres.CVPass {
		return true
	}
	want := authres.CVPass
	if c.Instances == 1 {
		want = authres.CVNone
	}
	return c.NewestCV == want
}

// collect reads every ARC field's instance and tags, grouped by instance
// and field name; problems are fields whose instance cannot be read.
func collect(fields []headers.Field) (map[int]map[string][]field, []string) {
	byInst := map[int]map[string][]field{}
	var probs []string
	for i, f := range fields {
		name := strings.ToLower(strings.TrimSpace(f.Name))
		if name != FieldSeal && name != FieldAMS && name != FieldResults {
			continue
		}
		fl := field{idx: i, name: name}
		value := f.Raw[strings.IndexByte(f.Raw, ':')+1:]
		if name == FieldResults {
			fl.inst, fl.err = aarInstance(value)
		} else {
			tags, err := taglist.Parse(value)
			fl.tags = tags
			if err != nil {
				fl.err = err.Error()
			}
			fl.inst, fl.err = instanceOf(tags, fl.err)
		}
		if fl.inst < 1 || fl.inst > MaxInstances {
			probs = append(probs, fmt.Sprintf("%s on line %d: %s", f.Name, f.Line, orText(fl.err, fmt.Sprintf("i=%d is outside 1 to %d", fl.inst, MaxInstances))))
			continue
		}
		if byInst[fl.inst] == nil {
			byInst[fl.inst] = map[string][]field{}
		}
		byInst[fl.inst][name] = append(byInst[fl.inst][name], fl)
	}
	return byInst, probs
}

func orText(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// instanceOf reads i= of a seal or message signature.
func instanceOf(tags []taglist.Tag, err string) (int, string) {
	v, ok := taglist.Lookup(tags, "i")
	if !ok {
		return 0, orText(err, "no i= tag")
	}
	n, perr := strconv.Atoi(rfc5322.StripFWS(v))
	if perr != nil || !isDigits(rfc5322.StripFWS(v)) {
		return 0, fmt.Sprintf("i=%q is not an instance number", v)
	}
	return n, err
}

// aarInstance reads the "i=N;" an ARC-Authentication-Results starts with.
func aarInstance(value string) (int, string) {
	i, _, err := authres.SplitARCAuthResults(value)
	if err != nil {
		return 0, err.Error()
	}
	head, _, _ := strings.Cut(value, ";")
	_, n, _ := strings.Cut(head, "=")
	if !isDigits(rfc5322.StripFWS(n)) {
		return 0, fmt.Sprintf("i=%q is not an instance number", strings.TrimSpace(n))
	}
	return i, ""
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// tagValue is a tag's value with folding white space removed.
func tagValue(tags []taglist.Tag, name string) string {
	v, _ := taglist.Lookup(tags, name)
	return rfc5322.StripFWS(v)
}

// structure checks RFC 8617 §5.2 step 1 (and §4.1): instances 1..N, each
// with exactly one field of each kind, cv=none only at i=1 and pass after
// it, and every seal's and message signature's tags.
func structure(byInst map[int]map[string][]field, n int, sets map[int]*Set) []string {
	var probs []string
	for i := 1; i <= n; i++ {
		fs := byInst[i]
		if fs == nil {
			probs = append(probs, fmt.Sprintf("instance %d is missing: the chain has a gap", i))
			continue
		}
		for _, name := range []string{FieldResults, FieldAMS, FieldSeal} {
			switch len(fs[name]) {
			case 0:
				probs = append(probs, fmt.Sprintf("instance %d has no %s", i, fieldTitle(name)))
			case 1:
			default:
				probs = append(probs, fmt.Sprintf("instance %d has %d %s fields", i, len(fs[name]), fieldTitle(name)))
			}
		}
		var own []string
		if as := fs[FieldSeal]; len(as) == 1 {
			own = append(own, sealTags(as[0], i, n)...)
		}
		if ams := fs[FieldAMS]; len(ams) == 1 {
			own = append(own, amsTags(ams[0])...)
		}
		sets[i].Problems = own
		probs = append(probs, own...)
	}
	return probs
}

func fieldTitle(name string) string {
	switch name {
	case FieldSeal:
		return "ARC-Seal"
	case FieldAMS:
		return "ARC-Message-Signature"
	}
	return "ARC-Authentication-Results"
}

// common checks the tags ARC-Seal and ARC-Message-Signature share: the
// tag-list itself, a=, b=, d=, s= and t=.
func common(f field, what string) []string {
	var p []string
	if f.err != "" {
		return []string{fmt.Sprintf("%s i=%d: %s", what, f.inst, f.err)}
	}
	need := func(tag string) (string, bool) {
		v, ok := taglist.Lookup(f.tags, tag)
		if !ok {
			p = append(p, fmt.Sprintf("%s i=%d has no %s= tag", what, f.inst, tag))
		} else if rfc5322.StripFWS(v) == "" {
			p = append(p, fmt.Sprintf("%s i=%d has an empty %s= tag", what, f.inst, tag))
			ok = false
		}
		return rfc5322.StripFWS(v), ok
	}
	if a, ok := need("a"); ok && a != dkim.AlgRSASHA256 && a != dkim.AlgEd25519SHA256 {
		if a == dkim.AlgRSASHA1 {
			p = append(p, fmt.Sprintf("%s i=%d has a=rsa-sha1, which RFC 8301 §3.1 forbids", what, f.inst))
		} else {
			p = append(p, fmt.Sprintf("%s i=%d has a=%q, not rsa-sha256 or ed25519-sha256", what, f.inst, a))
		}
	}
	if b, ok := need("b"); ok {
		if _, err := base64.StdEncoding.DecodeString(b); err != nil {
			p = append(p, fmt.Sprintf("%s i=%d: b= is not base64", what, f.inst))
		}
	}
	if d, ok := need("d"); ok && !domainName(d) {
		p = append(p, fmt.Sprintf("%s i=%d: d=%q is not a domain name", what, f.inst, d))
	}
	if s, ok := need("s"); ok && !domainName(s) {
		p = append(p, fmt.Sprintf("%s i=%d: s=%q is not a selector", what, f.inst, s))
	}
	if t, ok := taglist.Lookup(f.tags, "t"); ok && !isDigits(rfc5322.StripFWS(t)) {
		p = append(p, fmt.Sprintf("%s i=%d: t=%q is not a time stamp", what, f.inst, t))
	}
	return p
}

// sealTags checks an ARC-Seal's own tags: cv=, and no h= (RFC 8617
// §4.1.3). n is the newest instance: only its seal may say cv=fail.
func sealTags(f field, i, n int) []string {
	p := common(f, "ARC-Seal")
	if f.err != "" {
		return p
	}
	if _, ok := taglist.Lookup(f.tags, "h"); ok {
		p = append(p, fmt.Sprintf("ARC-Seal i=%d has an h= tag, which RFC 8617 §4.1.3 forbids", i))
	}
	cv, ok := taglist.Lookup(f.tags, "cv")
	switch authres.CV(rfc5322.StripFWS(cv)) {
	case authres.CVNone:
		if i != 1 {
			p = append(p, fmt.Sprintf("ARC-Seal i=%d has cv=none, which only instance 1 may have", i))
		}
	case authres.CVPass:
		if i == 1 {
			p = append(p, "ARC-Seal i=1 has cv=pass; the first instance must have cv=none")
		}
	case authres.CVFail:
		// In the newest set Verify's step 2 fails on it; below, a sealer
		// went on sealing a chain it found broken (RFC 8617 §5.2 step 3).
		if i != n {
			p = append(p, fmt.Sprintf("ARC-Seal i=%d has cv=fail below the newest instance: no seal may carry cv=fail", i))
		}
	default:
		if !ok {
			p = append(p, fmt.Sprintf("ARC-Seal i=%d has no cv= tag", i))
		} else {
			p = append(p, fmt.Sprintf("ARC-Seal i=%d has cv=%q, which is not none, pass or fail", i, cv))
		}
	}
	return p
}

// amsTags checks an ARC-Message-Signature's own tags: bh=, h= (which must
// not name ARC-Seal, RFC 8617 §4.1.2) and c=.
func amsTags(f field) []string {
	p := common(f, "ARC-Message-Signature")
	if f.err != "" {
		return p
	}
	if bh, ok := taglist.Lookup(f.tags, "bh"); !ok || rfc5322.StripFWS(bh) == "" {
		p = append(p, fmt.Sprintf("ARC-Message-Signature i=%d has no bh= body hash", f.inst))
	} else if _, err := base64.StdEncoding.DecodeString(rfc5322.StripFWS(bh)); err != nil {
		p = append(p, fmt.Sprintf("ARC-Message-Signature i=%d: bh= is not base64", f.inst))
	}
	h, ok := taglist.Lookup(f.tags, "h")
	if !ok {
		p = append(p, fmt.Sprintf("ARC-Message-Signature i=%d has no h= tag", f.inst))
	}
	for _, name := range strings.Split(h, ":") {
		if strings.EqualFold(strings.TrimSpace(name), FieldSeal) {
			p = append(p, fmt.Sprintf("ARC-Message-Signature i=%d signs ARC-Seal, which RFC 8617 §4.1.2 forbids", f.inst))
			break
		}
	}
	if c, ok := taglist.Lookup(f.tags, "c"); ok {
		hc, bc, _ := strings.Cut(rfc5322.StripFWS(c), "/")
		valid := []string{string(dkim.Simple), string(dkim.Relaxed)}
		if !slices.Contains(valid, hc) || (bc != "" && !slices.Contains(valid, bc)) {
			p = append(p, fmt.Sprintf("ARC-Message-Signature i=%d has c=%q, not simple or relaxed", f.inst, c))
		}
	}
	return p
}

// domainName reports whether s is a plausible DNS name (letters, digits,
// hyphens, underscores, dots; no empty label).
func domainName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > 63 {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// verifier holds what every signature of one chain shares.
type verifier struct {
	ctx     context.Context
	r       dnsclient.Resolver
	fields  []headers.Field
	byInst  map[int]map[string][]field
	body    []byte
	hasBody bool
}

// keyFor looks up the key of a signature and checks it can verify alg.
func (v *verifier) keyFor(f field, chk *Check) (*dkim.Key, dkim.KeyType, bool) {
	s, d := tagValue(f.tags, "s"), strings.ToLower(tagValue(f.tags, "d"))
	kt := dkim.KeyRSA
	if tagValue(f.tags, "a") == dkim.AlgEd25519SHA256 {
		kt = dkim.KeyEd25519
	}
	l := dkim.LookupKey(v.ctx, v.r, s, d)
	chk.KeyName, chk.KeyServer, chk.Observed = l.Name, l.Server, l.Observed()
	switch {
	case l.Status.Temporary():
		chk.Result, chk.Reason = dkim.TempError, fmt.Sprintf("the key lookup at %s failed (%s)", l.Name, l.Status)
	case l.Key == nil:
		chk.Result, chk.Reason = dkim.PermError, l.Observed()+": no key"
	case l.Err != nil:
		chk.Result, chk.Reason = dkim.PermError, fmt.Sprintf("the key record at %s is broken: %v", l.Name, l.Err)
	default:
		if err := l.Key.Usable(); err != nil {
			chk.Result, chk.Reason = dkim.PermError, fmt.Sprintf("the key at %s cannot be used: %v", l.Name, err)
		} else if l.Key.Type != kt {
			chk.Result, chk.Reason = dkim.PermError, fmt.Sprintf("a=%s needs a k=%s key, but the key at %s is k=%s", tagValue(f.tags, "a"), kt, l.Name, l.Key.Type)
		} else {
			return l.Key, kt, true
		}
	}
	return nil, kt, false
}

// ams verifies the ARC-Message-Signature of instance i like a DKIM
// signature: h= selected bottom up, the field itself with b= empty, and
// bh= against the body when there is one.
func (v *verifier) ams(i int) Check {
	f := v.byInst[i][FieldAMS][0]
	var chk Check
	key, kt, ok := v.keyFor(f, &chk)
	if !ok {
		return chk
	}
	// An AMS without c= is read as relaxed/relaxed: the suite's reference
	// implementation (dkimpy) signs and verifies it so, and the ValiMail
	// suite expects it (ams_fields_c_na). RFC 8617 §4.1.2 borrows DKIM's
	// c=, whose default is simple/simple; every sealer met in the wild
	// writes c= anyway.
	hc, bc := dkim.Relaxed, dkim.Relaxed
	if c, ok := taglist.Lookup(f.tags, "c"); ok {
		hc, bc = dkim.Simple, dkim.Simple
		h, b, _ := strings.Cut(rfc5322.StripFWS(c), "/")
		hc = dkim.Canonicalization(h)
		if b != "" {
			bc = dkim.Canonicalization(b)
		}
	}
	var names []string
	for _, n := range strings.Split(tagValue(f.tags, "h"), ":") {
		if n != "" {
			names = append(names, n)
		}
	}
	h := sha256.New()
	for _, idx := range dkim.SelectHeaders(v.fields, names) {
		if idx >= 0 {
			h.Write([]byte(dkim.CanonicalizeHeader(hc, v.fields[idx].Raw)))
		}
	}
	self := dkim.CanonicalizeHeader(hc, dkim.WithoutSignature(v.fields[f.idx].Raw))
	h.Write([]byte(strings.TrimSuffix(self, "\r\n")))
	sig, _ := base64.StdEncoding.DecodeString(tagValue(f.tags, "b"))
	if !dkim.VerifyHash(key, kt, h.Sum(nil), sig) {
		chk.Result, chk.Reason = dkim.Fail, fmt.Sprintf("the signature (b=) does not verify with the key at %s: a signed header field was changed after this hop signed it", chk.KeyName)
		return chk
	}
	if v.hasBody {
		want, _ := base64.StdEncoding.DecodeString(tagValue(f.tags, "bh"))
		sum := sha256.New()
		if _, err := dkim.CanonicalizeBody(sum, bc, v.body, -1); err == nil && !equal(sum.Sum(nil), want) {
			chk.Result, chk.Reason = dkim.Fail, "the body hash (bh=) does not match the body: it changed after this hop signed it, or was not pasted whole"
			return chk
		}
		chk.Result, chk.Reason = dkim.Pass, fmt.Sprintf("the signature and the body hash verify with the key at %s", chk.KeyName)
		return chk
	}
	chk.Result, chk.Reason = dkim.Pass, fmt.Sprintf("the signature verifies with the key at %s; body hash not checked: no body", chk.KeyName)
	return chk
}

// seal verifies the ARC-Seal of instance i (RFC 8617 §5.1.1): the ARC sets
// 1 to i in order (only set i for a seal with cv=fail), each AAR, AMS and
// AS relaxed, the seal's own b= empty and without its final CRLF.
func (v *verifier) seal(i int) Check {
	f := v.byInst[i][FieldSeal][0]
	var chk Check
	key, kt, ok := v.keyFor(f, &chk)
	if !ok {
		return chk
	}
	h := sha256.New()
	first := 1
	if authres.CV(tagValue(f.tags, "cv")) == authres.CVFail {
		// A sealer that found the chain broken seals only its own set:
		// the sets below it carry nothing it vouches for (what the
		// reference sealer, dkimpy, does; the signing suite's
		// i1_base_fail and i2_base_fail).
		first = i
	}
	for j := first; j <= i; j++ {
		set := v.byInst[j]
		for _, name := range []string{FieldResults, FieldAMS, FieldSeal} {
			raw := v.fields[set[name][0].idx].Raw
			if j == i && name == FieldSeal {
				c := dkim.CanonicalizeHeader(dkim.Relaxed, dkim.WithoutSignature(raw))
				h.Write([]byte(strings.TrimSuffix(c, "\r\n")))
				continue
			}
			h.Write([]byte(dkim.CanonicalizeHeader(dkim.Relaxed, raw)))
		}
	}
	sig, _ := base64.StdEncoding.DecodeString(tagValue(f.tags, "b"))
	if !dkim.VerifyHash(key, kt, h.Sum(nil), sig) {
		chk.Result, chk.Reason = dkim.Fail, fmt.Sprintf("the seal (b=) does not verify with the key at %s: an ARC field of instance 1 to %d was changed after it was sealed", chk.KeyName, i)
		return chk
	}
	chk.Result, chk.Reason = dkim.Pass, fmt.Sprintf("the seal verifies with the key at %s", chk.KeyName)
	return chk
}

func equal(a, b []byte) bool { return len(a) == len(b) && string(a) == string(b) }
