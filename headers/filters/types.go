package filters

import (
	"encoding/json"
	"strconv"
)

// Filter names the spam filter that wrote a verdict: the "filter" field of
// the filter_verdicts contract in DESIGN.md. More may be added; none is
// ever renamed.
type Filter string

// The filters this package reads.
const (
	// Microsoft365 is Exchange Online Protection / Microsoft Defender for
	// Office 365: X-Forefront-Antispam-Report, X-Microsoft-Antispam,
	// X-Microsoft-Antispam-Mailbox-Delivery, X-CustomSpam.
	Microsoft365 Filter = "microsoft365"
	// Exchange is an on-premises Exchange Server's Content Filter agent:
	// X-MS-Exchange-Organization-SCL, -PCL, -Antispam-Report, -SenderIdResult.
	Exchange Filter = "exchange"
	// SpamAssassin is Apache SpamAssassin (also behind amavisd-new, spamd,
	// Exim's spam ACL and Fastmail): X-Spam-Status, X-Spam-Flag, X-Spam-Level,
	// X-Spam-Score, X-Spam-Report, X-Spam-Checker-Version.
	SpamAssassin Filter = "spamassassin"
	// Rspamd is rspamd: X-Spamd-Result, X-Rspamd-*, X-Spamd-Bar, X-Spam.
	Rspamd Filter = "rspamd"
	// Proofpoint is Proofpoint Email Protection: X-Proofpoint-Spam-Details.
	Proofpoint Filter = "proofpoint"
	// Mimecast is Mimecast's gateway: X-Mimecast-*.
	Mimecast Filter = "mimecast"
	// IronPort is Cisco Secure Email Gateway (IronPort): X-IronPort-*, X-Amp-*.
	IronPort Filter = "ironport"
	// Barracuda is the Barracuda Email Security Gateway: X-Barracuda-*.
	Barracuda Filter = "barracuda"
	// Google is Gmail / Google Workspace: X-Gm-*.
	Google Filter = "google"
	// MailScanner is MailScanner: X-<org>-MailScanner-SpamCheck and friends.
	MailScanner Filter = "mailscanner"
)

// Name is the filter's name in prose: "Microsoft 365", "SpamAssassin".
func (f Filter) Name() string {
	switch f {
	case Microsoft365:
		return "Microsoft 365"
	case Exchange:
		return "Exchange Server"
	case SpamAssassin:
		return "SpamAssassin"
	case Rspamd:
		return "rspamd"
	case Proofpoint:
		return "Proofpoint"
	case Mimecast:
		return "Mimecast"
	case IronPort:
		return "Cisco Secure Email (IronPort)"
	case Barracuda:
		return "Barracuda"
	case Google:
		return "Google"
	case MailScanner:
		return "MailScanner"
	}
	return string(f)
}

// Verdict is what a filter concluded: the "verdict" field.
type Verdict string

// The verdicts of the contract.
const (
	Spam    Verdict = "spam"     // marked as spam (any confidence)
	NotSpam Verdict = "not_spam" // judged clean, or allowed past filtering
	Bulk    Verdict = "bulk"     // bulk ("grey") mail
	Phish   Verdict = "phish"    // phishing, spoofing or impersonation
	Malware Verdict = "malware"  // malware or a blocked attachment
	Unknown Verdict = "unknown"  // the fields do not say
)

// Folder is where the filter put the message: the "folder" field, null in
// JSON when the fields do not say.
type Folder string

// The folders of the contract; NoFolder marshals as null.
const (
	NoFolder   Folder = ""
	Inbox      Folder = "inbox"
	Junk       Folder = "junk"
	Quarantine Folder = "quarantine"
)

// MarshalJSON writes NoFolder as null.
func (f Folder) MarshalJSON() ([]byte, error) {
	if f == NoFolder {
		return []byte("null"), nil
	}
	return json.Marshal(string(f))
}

// UnmarshalJSON reads null as NoFolder.
func (f *Folder) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = NoFolder
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*f = Folder(s)
	return nil
}

// Trust says who wrote a filter's fields, judged from where they sit in
// the header relative to the point where the message entered the receiving
// organisation (headers.Analysis's internal hops).
type Trust string

// The trust levels. Only TrustReceiver makes a verdict "trusted".
const (
	// TrustReceiver: written inside the receiving organisation.
	TrustReceiver Trust = "receiver"
	// TrustEarlier: already in the message when it arrived, written by the
	// sender's systems or a forwarder on the way, or forged.
	TrustEarlier Trust = "earlier"
	// TrustUnknown: the header cannot show who wrote it (fields below
	// every Received field, or no Received field at all).
	TrustUnknown Trust = "unknown"
)

// Signal is one decoded item of a filter's fields, in the header's order.
type Signal struct {
	// Name is the item's own name: Microsoft's field names (SCL, BCL, SFV,
	// CAT, …), a SpamAssassin rule or an rspamd symbol, or a field name.
	Name string `json:"name"`
	// Raw is the value as written (may hold anything a sender wrote: the
	// caller sanitises it before it reaches a terminal).
	Raw string `json:"raw"`
	// Meaning explains Raw in plain words; an undocumented value is named
	// as such.
	Meaning string `json:"meaning"`
	// Guess is true when Meaning is a widely reported but unofficial
	// reading: the vendor does not document it.
	Guess bool `json:"guess"`
	// Undocumented is true when the vendor documents no meaning for the
	// value (Guess may still offer one).
	Undocumented bool `json:"undocumented,omitempty"`
	// Field is the header field the item came from, when the verdict reads
	// more than one field.
	Field string `json:"field,omitempty"`
}

// FilterVerdict is one filter's verdict, read from one or more of its
// fields written at the same place: an entry of filter_verdicts.
type FilterVerdict struct {
	Filter  Filter  `json:"filter"`
	Verdict Verdict `json:"verdict"`
	// Score is the filter's own score (SCL for Microsoft, points for
	// SpamAssassin and rspamd); null when it wrote none.
	Score *float64 `json:"score"`
	// Threshold is the score at or above which the filter treats a message
	// as spam, as its fields record it (SpamAssassin's required=, rspamd's
	// reject score, Barracuda's TAG_LEVEL) or as the vendor documents it
	// (Microsoft: SCL 5); null when unknown.
	Threshold *float64 `json:"threshold"`
	Folder    Folder   `json:"folder"`
	Signals   []Signal `json:"signals"`
	// Field is the main field read (X-Forefront-Antispam-Report,
	// X-Spam-Status, X-Spamd-Result, …).
	Field string `json:"field"`
	// Trusted is true only when the fields were written inside the
	// receiving organisation (Trust == TrustReceiver).
	Trusted bool `json:"trusted"`

	Trust       Trust  `json:"trust"`
	TrustReason string `json:"trust_reason"`
	// AddedBy names who added fields that are not the receiver's: the
	// server (and hop) below which they sit, or the host they name.
	AddedBy string   `json:"added_by,omitempty"`
	Fields  []string `json:"fields"` // every field read, in header order
	Line    int      `json:"line"`   // the input line of Field
	// Summary is the verdict's reason in a few words, for the why sentence:
	// "spam confidence 5 (SFV:SPM)".
	Summary string `json:"summary"`
	// Note says what the verdict assumes, when it rests on a vendor default
	// or an unofficial reading.
	Note string `json:"note,omitempty"`
	// FolderGuess is true when Folder comes from an undocumented field.
	FolderGuess bool `json:"folder_guess,omitempty"`
}

// num returns a pointer to v, for Score and Threshold.
func num(v float64) *float64 { return &v }

// parseNum reads a decimal number ("5", "-7.107", "+3.4"); ok is false for
// anything else, including NaN and infinities.
func parseNum(s string) (float64, bool) {
	if s == "" || len(s) > 32 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+') {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// fmtNum writes a score the way filters write theirs: no trailing zeros.
func fmtNum(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// plural writes "1 point", "3 points".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
