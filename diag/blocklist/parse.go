package blocklist

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/miekg/dns"
)

// FormatVersion is the list file format this package reads
// ("mxray-blocklists 1").
const FormatVersion = 1

// Limits on a list file.
const (
	MaxFileSize   = 1 << 20 // bytes
	MaxLists      = 64      // lists in a set
	MaxCodes      = 256     // code and bit lines in one list
	MaxLineLength = 4096    // bytes in one line
)

// Why a list file is refused; a *ParseError wraps one.
var (
	// ErrSyntax: a line that breaks the format.
	ErrSyntax = errors.New("syntax error")
	// ErrTooLarge: a file over MaxFileSize or a line over MaxLineLength.
	ErrTooLarge = errors.New("too large")
	// ErrTooMany: more than MaxLists lists or MaxCodes codes in one list.
	ErrTooMany = errors.New("too many entries")
)

// ParseError says where a list file is wrong.
type ParseError struct {
	File string // the file's name as given
	Line int    // 1-based; 0 for the whole file
	Msg  string // what is wrong
	Err  error  // ErrSyntax, ErrTooLarge or ErrTooMany
}

// Error reads "FILE:LINE: MSG".
func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Unwrap returns the sentinel.
func (e *ParseError) Unwrap() error { return e.Err }

// LoadFile reads and parses a list file (--blocklist-file): at most
// MaxFileSize bytes.
func LoadFile(path string) (Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return Set{}, fmt.Errorf("--blocklist-file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return Set{}, fmt.Errorf("--blocklist-file: %w", err)
	}
	return Parse(path, data)
}

// Parse reads a list file; name is used in errors. It is strict: an unknown
// keyword, a repeated one, a list without a name, kind or listing code,
// overlapping codes and values out of range are all errors naming the
// line.
func Parse(name string, data []byte) (Set, error) {
	p := parser{file: name}
	if len(data) > MaxFileSize {
		return Set{}, p.errAt(0, ErrTooLarge, "over %d bytes", MaxFileSize)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), MaxLineLength+1)
	for sc.Scan() {
		p.line++
		if err := p.parseLine(sc.Text()); err != nil {
			return Set{}, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Set{}, p.errAt(p.line+1, ErrTooLarge, "line over %d bytes", MaxLineLength)
		}
		return Set{}, p.errAt(0, ErrSyntax, "%v", err)
	}
	if p.cur != nil {
		return Set{}, p.errAt(p.cur.Line, ErrSyntax, "list %s has no end line", p.cur.Zone)
	}
	if p.set.Format == 0 {
		return Set{}, p.errAt(0, ErrSyntax, "empty: no \"mxray-blocklists %d\" line", FormatVersion)
	}
	return p.set, nil
}

type parser struct {
	file string
	line int
	set  Set
	cur  *List
	seen map[string]int // keywords of the current list → line
	rev  bool
}

func (p *parser) errAt(line int, sentinel error, format string, args ...any) error {
	return &ParseError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

func (p *parser) errf(format string, args ...any) error {
	return p.errAt(p.line, ErrSyntax, format, args...)
}

func (p *parser) parseLine(raw string) error {
	if len(raw) > MaxLineLength {
		return p.errAt(p.line, ErrTooLarge, "line over %d bytes", MaxLineLength)
	}
	text := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
	if text == "" || strings.HasPrefix(text, "#") {
		return nil
	}
	for _, r := range text {
		if r < 0x20 && r != '\t' || r == 0x7f || r == 0xfffd {
			return p.errf("control character or invalid UTF-8 in the line")
		}
	}
	key, value, _ := strings.Cut(text, " ")
	if k, v, ok := strings.Cut(text, "\t"); ok && len(k) < len(key) {
		key, value = k, v
	}
	value = strings.TrimSpace(value)
	if p.set.Format == 0 {
		if key != "mxray-blocklists" {
			return p.errf("the first line must be \"mxray-blocklists %d\", not %q", FormatVersion, key)
		}
		v, err := strconv.Atoi(value)
		if err != nil || v != FormatVersion {
			return p.errf("format version %q is not supported (this mxray reads version %d)", value, FormatVersion)
		}
		p.set.Format = v
		return nil
	}
	if p.cur == nil {
		return p.topLevel(key, value)
	}
	return p.inList(key, value)
}

func (p *parser) topLevel(key, value string) error {
	switch key {
	case "revision":
		if p.rev {
			return p.errf("revision given twice")
		}
		if value == "" {
			return p.errf("revision needs a value")
		}
		p.rev, p.set.Revision = true, value
	case "list":
		if len(p.set.Lists) >= MaxLists {
			return p.errAt(p.line, ErrTooMany, "more than %d lists", MaxLists)
		}
		zone := strings.ToLower(strings.TrimSuffix(value, "."))
		if err := checkZone(zone); err != nil {
			return p.errf("list %q: %v", value, err)
		}
		for _, l := range p.set.Lists {
			if l.Zone == zone {
				return p.errf("list %s is defined twice (first at line %d)", zone, l.Line)
			}
		}
		p.cur = &List{Zone: zone, Line: p.line}
		p.seen = map[string]int{}
	case "end":
		return p.errf("end without a list")
	case "mxray-blocklists":
		return p.errf("mxray-blocklists given twice")
	default:
		return p.errf("unknown keyword %q outside a list", key)
	}
	return nil
}

// repeatable keywords may appear more than once in a list.
var repeatable = map[string]bool{"source": true, "code": true, "bit": true}

func (p *parser) inList(key, value string) error {
	l := p.cur
	if first, ok := p.seen[key]; ok && !repeatable[key] {
		return p.errf("%s given twice in list %s (first at line %d)", key, l.Zone, first)
	}
	p.seen[key] = p.line
	if value == "" && key != "end" {
		return p.errf("%s needs a value", key)
	}
	var err error
	switch key {
	case "end":
		if value != "" {
			return p.errf("end takes no value")
		}
		return p.endList()
	case "list":
		return p.errf("list %s starts before list %s (line %d) ends", value, l.Zone, l.Line)
	case "name":
		l.Name = value
	case "kind":
		l.Kind, err = oneOf(p, "kind must be ip or domain", value, KindIP, KindDomain)
	case "ipv6":
		l.IPv6, err = p.yesNo(value)
	case "query":
		l.Form, err = oneOf(p, "query must be full or registered", value, FormFull, FormRegistered)
	case "lookup":
		l.Lookup, err = p.urlValue(value)
	case "delist":
		l.Delist, err = p.urlValue(value)
	case "refuses-public-resolvers":
		l.RefusesPublicResolvers, err = p.yesNo(value)
	case "dqs":
		if !strings.HasPrefix(value, "{key}.") || checkZone(strings.ToLower(strings.Replace(value, "{key}", "k", 1))) != nil {
			return p.errf("dqs must be a zone starting with {key}. (like {key}.zen.dq.spamhaus.net), not %q", value)
		}
		l.DQS = value
	case "note":
		l.Note = value
	case "source":
		l.Sources = append(l.Sources, value)
	case "test-listed":
		l.TestListed = strings.ToLower(strings.TrimSuffix(value, "."))
	case "test-unlisted":
		l.TestUnlisted = strings.ToLower(strings.TrimSuffix(value, "."))
	case "code", "bit":
		if len(l.Codes)+len(l.Bits) >= MaxCodes {
			return p.errAt(p.line, ErrTooMany, "more than %d codes in list %s", MaxCodes, l.Zone)
		}
		return p.codeLine(key, value)
	default:
		return p.errf("unknown keyword %q in list %s", key, l.Zone)
	}
	return err
}

// oneOf returns v as one of the allowed words, or an error saying what is
// allowed.
func oneOf[T ~string](p *parser, allowed string, v string, words ...T) (T, error) {
	if slices.Contains(words, T(v)) {
		return T(v), nil
	}
	return "", p.errf("%s, not %q", allowed, v)
}

func (p *parser) yesNo(v string) (bool, error) {
	switch v {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	return false, p.errf("expected yes or no, not %q", v)
}

func (p *parser) urlValue(v string) (string, error) {
	if !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") || strings.ContainsAny(v, " \t") {
		return "", p.errf("expected an http or https URL, not %q", v)
	}
	return v, nil
}

// codeLine reads "code RANGE listed SEVERITY MEANING", "code RANGE error
// KIND MEANING", or the same with "bit N" for RANGE.
func (p *parser) codeLine(key, value string) error {
	f := strings.Fields(value)
	if len(f) < 4 {
		return p.errf("%s needs a value, listed or error, a severity or kind, and a meaning", key)
	}
	c := Code{Line: p.line, Meaning: strings.Join(f[3:], " ")}
	if key == "bit" {
		n, err := strconv.Atoi(f[0])
		if err != nil || n < 1 || n > 128 || n&(n-1) != 0 {
			return p.errf("bit must be 1, 2, 4, 8, 16, 32, 64 or 128, not %q", f[0])
		}
		c.Bit = uint8(n)
	} else {
		from, to, ok := strings.Cut(f[0], "-")
		if !ok {
			to = from
		}
		var err error
		if c.From, err = loopbackCode(from); err == nil {
			c.To, err = loopbackCode(to)
		}
		if err != nil {
			return p.errf("code %q: %v", f[0], err)
		}
		if c.To.Less(c.From) {
			return p.errf("code range %q ends before it starts", f[0])
		}
	}
	var err error
	switch f[1] {
	case "listed":
		c.Listed = true
		c.Severity, err = oneOf(p, "a listing's severity is error, warning, info or policy", f[2],
			SeverityError, SeverityWarning, SeverityInfo, SeverityPolicy)
	case "error":
		c.Kind, err = oneOf(p, "an error's kind is refused, limited, typo, key or query", f[2], fileKinds...)
	default:
		return p.errf("expected listed or error after the %s, not %q", key, f[1])
	}
	if err != nil {
		return err
	}
	l := p.cur
	if key == "bit" {
		if len(l.Codes) > 0 {
			return p.errf("list %s mixes code and bit lines", l.Zone)
		}
		for _, o := range l.Bits {
			if o.Bit == c.Bit {
				return p.errf("bit %d defined twice (first at line %d)", c.Bit, o.Line)
			}
		}
		l.Bits = append(l.Bits, c)
		return nil
	}
	if len(l.Bits) > 0 {
		return p.errf("list %s mixes code and bit lines", l.Zone)
	}
	for _, o := range l.Codes {
		if !c.To.Less(o.From) && !o.To.Less(c.From) {
			return p.errf("code %s overlaps the code at line %d", f[0], o.Line)
		}
	}
	l.Codes = append(l.Codes, c)
	return nil
}

// loopbackCode parses one return code: an IPv4 address in 127.0.0.0/8.
func loopbackCode(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, errors.New("not an IPv4 address")
	}
	if !a.IsLoopback() {
		return netip.Addr{}, errors.New("return codes are in 127.0.0.0/8 (RFC 5782 §2.3)")
	}
	return a, nil
}

// endList checks the finished list and adds it to the set.
func (p *parser) endList() error {
	l := p.cur
	at := func(format string, args ...any) error { return p.errAt(l.Line, ErrSyntax, format, args...) }
	switch {
	case l.Name == "":
		return at("list %s has no name", l.Zone)
	case l.Kind == "":
		return at("list %s has no kind (ip or domain)", l.Zone)
	case l.Kind == KindDomain && l.IPv6:
		return at("list %s: ipv6 is for ip lists", l.Zone)
	case l.Kind == KindIP && l.Form != "":
		return at("list %s: query is for domain lists", l.Zone)
	}
	listed := false
	for _, c := range append(slices.Clone(l.Codes), l.Bits...) {
		listed = listed || c.Listed
	}
	if !listed {
		return at("list %s has no code or bit line that is a listing", l.Zone)
	}
	if l.Kind == KindDomain && l.Form == "" {
		l.Form = FormRegistered
	}
	if l.Delist == "" {
		l.Delist = l.Lookup
	}
	setTestDefaults(l)
	if err := checkTest(l.Kind, l.TestListed); err != nil {
		return p.errAt(p.seen["test-listed"], ErrSyntax, "test-listed %s: %v", l.TestListed, err)
	}
	if err := checkTest(l.Kind, l.TestUnlisted); err != nil {
		return p.errAt(p.seen["test-unlisted"], ErrSyntax, "test-unlisted %s: %v", l.TestUnlisted, err)
	}
	p.set.Lists = append(p.set.Lists, *l)
	p.cur, p.seen = nil, nil
	return nil
}

// setTestDefaults fills in RFC 5782 §5's test entries: 127.0.0.2 listed and
// 127.0.0.1 not for IP lists, "test" listed and "invalid" not for domain
// lists.
func setTestDefaults(l *List) {
	listed, unlisted := "127.0.0.2", "127.0.0.1"
	if l.Kind == KindDomain {
		listed, unlisted = "test", "invalid"
	}
	if l.TestListed == "" {
		l.TestListed = listed
	}
	if l.TestUnlisted == "" {
		l.TestUnlisted = unlisted
	}
}

func checkTest(k Kind, v string) error {
	if k == KindIP {
		a, err := netip.ParseAddr(v)
		if err != nil || !a.Is4() {
			return errors.New("an IP list's test entry is an IPv4 address")
		}
		return nil
	}
	if _, ok := dns.IsDomainName(v); !ok || strings.ContainsAny(v, " \\") {
		return errors.New("not a domain name")
	}
	return nil
}

// checkZone accepts a zone name of at least two labels, letters, digits,
// hyphens and underscores only, that fits in a query name.
func checkZone(zone string) error {
	if zone == "" {
		return fmt.Errorf("%w: empty", ErrZone)
	}
	if len(zone) > 200 {
		return fmt.Errorf("%w: longer than 200 characters", ErrZone)
	}
	labels := strings.Split(zone, ".")
	if len(labels) < 2 {
		return fmt.Errorf("%w: a zone has at least two labels", ErrZone)
	}
	for _, lab := range labels {
		if lab == "" || len(lab) > 63 {
			return fmt.Errorf("%w: empty or over-long label", ErrZone)
		}
		for _, r := range lab {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return fmt.Errorf("%w: only letters, digits, '-' and '_' in its labels", ErrZone)
			}
		}
	}
	return nil
}
