package trace

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mxray/mxray/headers/rfc5322"
)

// ErrDate is wrapped by every error ParseDate returns.
var ErrDate = errors.New("invalid date")

// DateError says why a date could not be read.
type DateError struct {
	Text   string // the text, shortened
	Reason string // what is wrong, in words
}

// Error says why the date cannot be read.
func (e *DateError) Error() string { return fmt.Sprintf("%v %q: %s", ErrDate, e.Text, e.Reason) }

// Unwrap returns ErrDate.
func (e *DateError) Unwrap() error { return ErrDate }

// ParseDate reads a date-time as mail carries it, in a Received field or
// the Date field: RFC 5322 §3.3, the
// obsolete forms of §4.3 (two- and three-digit years, named zones such as
// EST or GMT, comments and folding anywhere), and what mail software
// writes in practice: no day of the week, no seconds, fractional seconds,
// asctime ("Fri Sep 14 14:36:56 EDT 2018"), ISO 8601 ("2023-10-23T21:23:08Z"),
// POSIX zone names ("EST5EDT"), a zone name after the numeric zone
// ("-0800 PST"). Military and unknown zone names mean "-0000" (RFC 5322
// §4.3): the time is read as UTC. The result keeps the zone offset written.
//
// A line break not followed by white space ends a header field, so text
// after one is not part of the date and makes it invalid.
func ParseDate(s string) (time.Time, error) {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '\n' && s[i+1] != ' ' && s[i+1] != '\t' {
			return time.Time{}, &DateError{Text: short(s), Reason: "a line break without white space after it is not a fold"}
		}
	}
	t, end, err := parseDatePrefix(s)
	if err != nil {
		return time.Time{}, err
	}
	if rest := strings.TrimSpace(s[end:]); rest != "" && !onlyComments(rest) {
		return time.Time{}, &DateError{Text: short(s), Reason: fmt.Sprintf("unexpected text after the date: %q", short(rest))}
	}
	return t, nil
}

func short(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// dtok is one token of a date: a number, a word or one punctuation byte.
type dtok struct {
	kind byte // 'n' number, 'a' word, 'p' punctuation
	s    string
	end  int // offset just after the token
}

// lexDate reads at most max tokens of s, skipping white space and
// comments. It is bounded so that trying dates at many places of a long
// Received field stays linear.
func lexDate(s string, max int) []dtok {
	var toks []dtok
	i := 0
	for i < len(s) && len(toks) < max {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '(':
			i, _ = rfc5322.CommentEnd(s, i)
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			toks = append(toks, dtok{'n', s[i:j], j})
			i = j
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
				j++
			}
			toks = append(toks, dtok{'a', s[i:j], j})
			i = j
		default:
			toks = append(toks, dtok{'p', s[i : i+1], i + 1})
			i++
		}
	}
	return toks
}

// dateParser walks date tokens.
type dateParser struct {
	toks []dtok
	k    int
}

func (p *dateParser) peek() dtok {
	if p.k < len(p.toks) {
		return p.toks[p.k]
	}
	return dtok{}
}

func (p *dateParser) punct(c string) bool {
	if t := p.peek(); t.kind == 'p' && t.s == c {
		p.k++
		return true
	}
	return false
}

func (p *dateParser) number(minLen, maxLen int) (int, bool) {
	t := p.peek()
	if t.kind != 'n' || len(t.s) < minLen || len(t.s) > maxLen {
		return 0, false
	}
	n, err := strconv.Atoi(t.s)
	if err != nil {
		return 0, false
	}
	p.k++
	return n, true
}

// parseDatePrefix reads a date at the start of s and returns it with the
// offset where it ends.
func parseDatePrefix(s string) (time.Time, int, error) {
	toks := lexDate(s, 24)
	if len(toks) == 0 {
		return time.Time{}, 0, &DateError{Text: short(s), Reason: "there is no date"}
	}
	var firstErr error
	for _, form := range []func(*dateParser) (dateParts, error){parseRFCDate, parseAsctime, parseISODate} {
		p := &dateParser{toks: toks}
		d, err := form(p)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if err == nil {
			end := toks[p.k-1].end
			t, verr := d.time()
			if verr != nil {
				return time.Time{}, 0, &DateError{Text: short(s), Reason: verr.Error()}
			}
			return t, end, nil
		}
	}
	return time.Time{}, 0, &DateError{Text: short(s), Reason: firstErr.Error()}
}

// dateParts is a date as read, before validation.
type dateParts struct {
	year, month, day     int
	hour, minute, second int
	nsec                 int
	offset               int // seconds east of UTC
}

func (d dateParts) time() (time.Time, error) {
	if d.month < 1 || d.month > 12 {
		return time.Time{}, fmt.Errorf("month %d does not exist", d.month)
	}
	if d.day < 1 || d.day > daysIn(time.Month(d.month), d.year) {
		return time.Time{}, fmt.Errorf("day %d does not exist in %s %d", d.day, time.Month(d.month), d.year)
	}
	if d.hour > 23 || d.minute > 59 || d.second > 60 {
		return time.Time{}, fmt.Errorf("time %02d:%02d:%02d does not exist", d.hour, d.minute, d.second)
	}
	return time.Date(d.year, time.Month(d.month), d.day, d.hour, d.minute, d.second, d.nsec, time.FixedZone("", d.offset)), nil
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// parseRFCDate reads [day-of-week [","]] day month year time [zone].
func parseRFCDate(p *dateParser) (dateParts, error) {
	var d dateParts
	p.weekday()
	var ok bool
	if d.day, ok = p.number(1, 2); !ok {
		return d, errors.New("expected the day of the month")
	}
	p.punct("-")
	if d.month, ok = p.month(); !ok {
		return d, errors.New("expected a month name")
	}
	p.punct("-")
	if d.year, ok = p.year(); !ok {
		return d, errors.New("expected a year")
	}
	if err := p.clock(&d); err != nil {
		return d, err
	}
	p.zone(&d)
	return d, nil
}

// parseAsctime reads [day-of-week [","]] month day time [zone] year [zone],
// the C asctime form some mailers write.
func parseAsctime(p *dateParser) (dateParts, error) {
	var d dateParts
	p.weekday()
	var ok bool
	if d.month, ok = p.month(); !ok {
		return d, errors.New("expected a day and a month name")
	}
	if d.day, ok = p.number(1, 2); !ok {
		return d, errors.New("expected the day of the month")
	}
	if err := p.clock(&d); err != nil {
		return d, err
	}
	zoned := p.zone(&d)
	if d.year, ok = p.number(4, 4); !ok {
		return d, errors.New("expected a year")
	}
	if !zoned {
		p.zone(&d)
	}
	return d, nil
}

// parseISODate reads yyyy-mm-dd["T"| " "]hh:mm[:ss[.frac]][zone].
func parseISODate(p *dateParser) (dateParts, error) {
	var d dateParts
	var ok bool
	if d.year, ok = p.number(4, 4); !ok || !p.punct("-") {
		return d, errors.New("not a date")
	}
	if d.month, ok = p.number(1, 2); !ok || !p.punct("-") {
		return d, errors.New("expected the month number")
	}
	if d.day, ok = p.number(1, 2); !ok {
		return d, errors.New("expected the day of the month")
	}
	if t := p.peek(); t.kind == 'a' && (t.s == "T" || t.s == "t") {
		p.k++
	}
	if err := p.clock(&d); err != nil {
		return d, err
	}
	p.zone(&d)
	return d, nil
}

var weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// weekday skips an optional day of the week and its comma. RFC 5322 wants
// it to match the date; mail often gets it wrong, and it changes nothing.
func (p *dateParser) weekday() {
	t := p.peek()
	if t.kind != 'a' || len(t.s) < 3 {
		return
	}
	low := strings.ToLower(t.s)
	for _, w := range weekdays {
		if strings.HasPrefix(low, w) {
			p.k++
			p.punct(",")
			return
		}
	}
}

var monthNames = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func (p *dateParser) month() (int, bool) {
	t := p.peek()
	if t.kind != 'a' || len(t.s) < 3 {
		return 0, false
	}
	low := strings.ToLower(t.s)
	for i, m := range monthNames {
		if low[:3] == m && (len(low) == 3 || strings.HasPrefix(fullMonth(i), low)) {
			p.k++
			return i + 1, true
		}
	}
	return 0, false
}

func fullMonth(i int) string { return strings.ToLower(time.Month(i + 1).String()) }

// year reads a year; two digits are 1950–2049 and three digits are added
// to 1900 (RFC 5322 §4.3).
func (p *dateParser) year() (int, bool) {
	t := p.peek()
	y, ok := p.number(2, 4)
	if !ok {
		return 0, false
	}
	switch len(t.s) {
	case 2:
		if y < 50 {
			return 2000 + y, true
		}
		return 1900 + y, true
	case 3:
		return 1900 + y, true
	}
	return y, true
}

// clock reads hh:mm[:ss[.fraction]].
func (p *dateParser) clock(d *dateParts) error {
	var ok bool
	if d.hour, ok = p.number(1, 2); !ok || !p.punct(":") {
		return errors.New("expected a time of day")
	}
	if d.minute, ok = p.number(2, 2); !ok {
		return errors.New("expected the minutes")
	}
	save := p.k
	if p.punct(":") {
		if d.second, ok = p.number(2, 2); !ok {
			p.k = save
			return errors.New("expected the seconds")
		}
		save = p.k
		if p.punct(".") {
			t := p.peek()
			if t.kind == 'n' && len(t.s) <= 9 {
				n, _ := strconv.Atoi(t.s)
				for range 9 - len(t.s) {
					n *= 10
				}
				d.nsec = n
				p.k++
			} else {
				p.k = save
			}
		}
	}
	return nil
}

// usZones are the zone names RFC 5322 §4.3 defines, plus UTC and Z.
var usZones = map[string]int{
	"UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}

// otherZones are common zone names mail software writes whose offset is
// not in doubt. Ambiguous names (IST, BST) are not listed: they read as
// "-0000", like any unknown name.
var otherZones = map[string]int{
	"CET": 60, "CEST": 120, "MET": 60, "MEST": 120, "MEZ": 60, "MESZ": 120,
	"EET": 120, "EEST": 180, "WET": 0, "WEST": 60, "MSK": 180,
	"JST": 540, "KST": 540, "HKT": 480, "SGT": 480,
	"AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
	"HST": -600, "AKST": -540, "AKDT": -480,
}

// notZones are words that follow a date in Received fields and must not be
// taken for a zone name.
var notZones = map[string]bool{"for": true, "from": true, "by": true, "with": true, "id": true, "via": true}

// zone reads a zone: ("+" / "-") hhmm or hh:mm, optionally followed by a
// zone name, or a zone name alone. It reports whether it read one.
func (p *dateParser) zone(d *dateParts) bool {
	save := p.k
	if t := p.peek(); t.kind == 'p' && (t.s == "+" || t.s == "-") {
		p.k++
		sign := 1
		if t.s == "-" {
			sign = -1
		}
		n := p.peek()
		var h, m int
		switch {
		case n.kind == 'n' && len(n.s) == 4:
			h, _ = strconv.Atoi(n.s[:2])
			m, _ = strconv.Atoi(n.s[2:])
			p.k++
		case n.kind == 'n' && len(n.s) <= 2:
			h, _ = strconv.Atoi(n.s)
			p.k++
			if p.punct(":") {
				mm, ok := p.number(2, 2)
				if !ok {
					p.k = save
					return false
				}
				m = mm
			}
		default:
			p.k = save
			return false
		}
		if m > 59 {
			p.k = save
			return false
		}
		d.offset = sign * (h*3600 + m*60)
		// A zone name may follow the numeric zone: "-0800 PST". It adds
		// nothing; skip it when it is a known name.
		if a := p.peek(); a.kind == 'a' && knownZone(a.s) {
			p.k++
		}
		return true
	}
	t := p.peek()
	if t.kind != 'a' || len(t.s) > 5 || notZones[strings.ToLower(t.s)] {
		return false
	}
	p.k++
	up := strings.ToUpper(t.s)
	switch off, ok := usZones[up]; {
	case ok:
		d.offset = off * 3600
		// POSIX names such as EST5EDT: the standard offset is the first part.
		if n := p.peek(); n.kind == 'n' && len(n.s) <= 2 {
			save := p.k
			p.k++
			if a := p.peek(); a.kind == 'a' && knownZone(a.s) {
				p.k++
			} else {
				p.k = save
			}
		}
	case otherZones[up] != 0 || up == "WET":
		d.offset = otherZones[up] * 60
	default:
		// Military letters and unknown names: "-0000" (RFC 5322 §4.3).
		d.offset = 0
	}
	return true
}

func knownZone(s string) bool {
	up := strings.ToUpper(s)
	_, us := usZones[up]
	_, other := otherZones[up]
	return us || other
}
