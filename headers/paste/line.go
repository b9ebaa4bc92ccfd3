package paste

import (
	"strings"

	"github.com/mxray/mxray/headers/rfc5322"
)

// lineKind is what one line of a paste looks like on its own.
type lineKind int

const (
	kindBlank lineKind = iota // empty, or white space only
	kindFold                  // starts with white space: a continuation (RFC 5322 §2.2.3)
	kindField                 // "Name:" with a name real headers use
	kindWeak                  // "Name:" with a valid but unusual name: a field in an intact paste
	kindOther                 // cannot start a field: text, or a continuation that lost its indent
)

// classify says what the line s looks like. A line that has the form of a
// field (RFC 5322 §2.2: printable characters but the colon, then a colon)
// is still not taken as one when what precedes the colon cannot be a field
// name in practice: it holds "=", "<", "(", "@" or other characters no
// real field name has; or, unless it is shaped like a real name (a known
// one, "X-…", hyphenated, CamelCase), it is a piece of an IPv6 address
// ("2a01:", "fe80:"), a URL ("https://…"), a reply prefix ("Re: …",
// "AW: …"), or a run of Microsoft's "KEY:VALUE;" pairs. Such lines are
// continuations that lost their indentation.
func classify(s string) lineKind {
	switch {
	case isBlank(s):
		return kindBlank
	case startsWSP(s):
		return kindFold
	case !rfc5322.IsFieldLine(s):
		return kindOther
	}
	name, value, _ := strings.Cut(s, ":")
	name = strings.TrimRight(name, " \t")
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(rfc5322.IsAlnum(c) || c == '-' || c == '_' || c == '.') {
			return kindOther
		}
	}
	low := strings.ToLower(name)
	switch {
	case commonFields[low], strings.HasPrefix(low, "x-"), len(name) >= 4 && strings.ContainsAny(name, "-_") && !isDigit(name[0]),
		camelCase(name) && !keyValueRun(name, value):
		return kindField
	case isDigit(name[0]), hexName(name), strings.HasPrefix(value, "//"), replyPrefixes[low], urlSchemes[low], keyValueRun(name, value):
		return kindOther
	}
	return kindWeak
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// camelCase reports whether name is written in CamelCase, a capital
// after a small letter ("SpamDiagnosticOutput"), as Microsoft names some
// fields: no word of prose, and no reply prefix, looks like that.
func camelCase(name string) bool {
	humps := 0
	for i := 1; i < len(name); i++ {
		if name[i] >= 'A' && name[i] <= 'Z' && name[i-1] >= 'a' && name[i-1] <= 'z' {
			humps++
		}
	}
	return humps >= 1 && name[0] >= 'A' && name[0] <= 'Z'
}

// keyValueRun reports whether a line is part of a run of "KEY:VALUE;"
// pairs with no space after the colons, as Microsoft writes
// X-Forefront-Antispam-Report ("SFV:NSPM;H:…;CAT:NONE;") and
// X-Microsoft-Antispam-Mailbox-Delivery ("ucf:0;jmr:0;").
func keyValueRun(name, value string) bool {
	if len(name) > 8 || strings.ContainsAny(name, "-_.") || value == "" || value[0] == ' ' || value[0] == '\t' {
		return false
	}
	semi := strings.IndexByte(value, ';')
	return semi >= 0 && !strings.ContainsAny(value[:semi], " \t=")
}

// hexName reports whether name is only hexadecimal digits: a piece of an
// IPv6 address, not a field name.
func hexName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isHex(name[i]) {
			return false
		}
	}
	return true
}

// commonFields are field names real headers use that a name rule alone
// would not recognise: no hyphen, or all hexadecimal letters ("Face",
// "Bcc").
var commonFields = map[string]bool{
	"received": true, "from": true, "to": true, "cc": true, "bcc": true, "subject": true, "date": true,
	"sender": true, "precedence": true, "references": true, "importance": true, "priority": true,
	"organization": true, "organisation": true, "comments": true, "keywords": true, "status": true,
	"lines": true, "path": true, "newsgroups": true, "xref": true, "encoding": true, "sensitivity": true,
	"autocrypt": true, "openpgp": true, "face": true, "approved": true, "expires": true, "supersedes": true,
	"distribution": true, "summary": true, "control": true, "article": true, "encrypted": true,
}

// replyPrefixes are the words mail programs put before a Subject when
// replying or forwarding, in several languages: "Re: …" at the start of a
// line is the rest of a Subject, not a field named "Re".
var replyPrefixes = map[string]bool{
	"re": true, "fw": true, "fwd": true, "aw": true, "wg": true, "sv": true, "vs": true, "tr": true,
	"rif": true, "antw": true, "odp": true, "vb": true, "ynt": true, "enc": true, "res": true, "r": true,
}

// urlSchemes are URI schemes that appear at the start of a continuation
// line (List-Unsubscribe, List-Archive).
var urlSchemes = map[string]bool{
	"mailto": true, "http": true, "https": true, "ftp": true, "cid": true, "urn": true, "tel": true, "sip": true,
}

// continuesStructure reports whether s, a line that cannot start a field,
// reads as the rest of the field above it rather than as the first line of
// a body: it continues a Received field ("by …", "with …", "for <…>;", a
// date), a tag-list ("key=value;"), a base64 run of b=/bh=, a comment or
// an address, or the line above it is visibly unfinished (it ends in ";",
// ",", "=" or ":").
func continuesStructure(s, above string) bool {
	if unfinished(above) {
		return true
	}
	if s != "" && strings.IndexByte("(<[", s[0]) >= 0 {
		return true
	}
	word, _, _ := strings.Cut(s, " ")
	switch strings.ToLower(word) {
	case "by", "with", "for", "id", "via", "from":
		return true
	case "mon,", "tue,", "wed,", "thu,", "fri,", "sat,", "sun,":
		return true
	}
	return isTagStart(s) || isBase64Run(s)
}

// unfinished reports whether a line visibly continues on the next: it
// ends in ";", ",", "=", ":" or "(".
func unfinished(s string) bool {
	s = strings.TrimRight(s, " \t")
	return s != "" && strings.IndexByte(";,=:(", s[len(s)-1]) >= 0
}

// isTagStart reports whether s starts like a tag of a tag-list or a
// property of a result: a name of letters, digits, ".", "-" or "_", then
// "=" (RFC 6376 §3.2 tag=value; RFC 8601 ptype.property=value).
func isTagStart(s string) bool {
	i := 0
	for i < len(s) && (rfc5322.IsAlnum(s[i]) || s[i] == '.' || s[i] == '-' || s[i] == '_') {
		i++
	}
	return i > 0 && i < len(s) && s[i] == '='
}

// isBase64Run reports whether s is a run of base64 (RFC 4648 §4) of at
// least 16 characters: the rest of a b= or bh= value.
func isBase64Run(s string) bool {
	s = strings.TrimRight(s, " \t;")
	if len(s) < 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(rfc5322.IsAlnum(c) || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}
