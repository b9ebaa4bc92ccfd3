package filters

import (
	"strconv"
	"strings"

	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/authres"
)

// The Microsoft 365 decoder reads X-Forefront-Antispam-Report,
// X-Microsoft-Antispam, X-Microsoft-Antispam-Mailbox-Delivery, X-CustomSpam
// and, when they come with those, X-MS-Exchange-Organization-SCL/-PCL. The
// sources of its tables are named in microsoft_values.go.

var microsoftDecoder = decoder{
	filter: Microsoft365,
	decode: decodeMicrosoft,
	primary: []string{"x-forefront-antispam-report", "x-forefront-antispam-report-untrusted",
		"x-microsoft-antispam", "x-microsoft-antispam-untrusted", "x-microsoft-antispam-mailbox-delivery"},
	evidence: microsoftEvidence,
}

var exchangeDecoder = decoder{
	filter:  Exchange,
	decode:  func(fs []headers.Field) FilterVerdict { return decodeMS(fs, true) },
	primary: []string{"x-ms-exchange-organization-scl", "x-ms-exchange-organization-antispam-report"},
}

// isMicrosoftField reports whether a lower-case field name is one of
// Microsoft 365's filter fields.
func isMicrosoftField(n string) bool {
	switch n {
	case "x-forefront-antispam-report", "x-forefront-antispam-report-untrusted",
		"x-microsoft-antispam", "x-microsoft-antispam-untrusted", "x-microsoft-antispam-mailbox-delivery",
		"x-customspam", "spamdiagnosticoutput", "spamdiagnosticmetadata":
		return true
	}
	return false
}

// isExchangeFilterField reports whether a lower-case
// X-MS-Exchange-Organization-* name is an anti-spam stamp.
func isExchangeFilterField(n string) bool {
	switch strings.TrimPrefix(n, "x-ms-exchange-organization-") {
	case "scl", "pcl", "antispam-report", "senderidresult":
		return true
	}
	return false
}

// msState collects what decides a Microsoft verdict.
type msState struct {
	sfv, cat, srv, dest, rf string
	scl                     string
	sclSet                  bool
	ffSCL                   bool // SCL came from X-Forefront-Antispam-Report
	bcl                     string
	customSpam              string
	onPrem                  bool // Exchange Server, not Microsoft 365
	dir                     string
}

func decodeMicrosoft(fs []headers.Field) FilterVerdict { return decodeMS(fs, false) }

// decodeMS reads Microsoft's fields; onPrem selects Exchange Server's
// meaning of the SCL.
func decodeMS(fs []headers.Field, onPrem bool) FilterVerdict {
	var v FilterVerdict
	st := msState{onPrem: onPrem}
	for _, f := range fs {
		n := strings.ToLower(f.Name)
		switch {
		case strings.HasPrefix(n, "x-forefront-antispam-report"):
			for _, p := range headers.SplitItems(f.Value, ':') {
				v.Signals = append(v.Signals, forefrontSignal(f, p, &st))
			}
		case n == "x-microsoft-antispam-mailbox-delivery":
			for _, p := range headers.SplitItems(f.Value, ':') {
				v.Signals = append(v.Signals, mailboxSignal(f, p, &st))
			}
		case strings.HasPrefix(n, "x-microsoft-antispam"):
			for _, p := range headers.SplitItems(f.Value, ':') {
				v.Signals = append(v.Signals, antispamSignal(f, p, &st))
			}
		case n == "x-customspam":
			s := fieldSignal(f, "X-CustomSpam", f.Value, "")
			if m, ok := customSpam[strings.ToLower(strings.TrimSpace(f.Value))]; ok {
				s.Meaning = m
			} else {
				s = undocumented(s, "an Advanced Spam Filter setting matched; this text is not one Microsoft lists")
			}
			st.customSpam = f.Value
			v.Signals = append(v.Signals, s)
		case n == "x-ms-exchange-organization-scl":
			s := fieldSignal(f, "SCL", f.Value, "")
			if m, _, ok := sclMeaning(f.Value, st.onPrem); ok {
				s.Meaning = m
			} else {
				s = undocumented(s, "not a documented spam confidence level (-1 to 9)")
			}
			if !st.ffSCL {
				st.scl, st.sclSet = strings.TrimSpace(f.Value), true
			}
			v.Signals = append(v.Signals, s)
		case n == "x-ms-exchange-organization-pcl":
			s := fieldSignal(f, "PCL", f.Value, "")
			if m, ok := pclMeaning(f.Value); ok {
				s.Meaning = m
			} else {
				s = undocumented(s, "")
			}
			v.Signals = append(v.Signals, s)
		case n == "x-ms-exchange-organization-senderidresult":
			s := fieldSignal(f, "SenderIdResult", f.Value, "")
			if m, ok := senderID[strings.ToLower(strings.TrimSpace(f.Value))]; ok {
				s.Meaning = "Sender ID " + strings.ToLower(strings.TrimSpace(f.Value)) + ": " + m
			} else {
				s = undocumented(s, "")
			}
			v.Signals = append(v.Signals, s)
		case n == "x-ms-exchange-organization-antispam-report":
			for _, p := range headers.SplitItems(f.Value, ':') {
				s := fieldSignal(f, p.Name, p.Value, "")
				if m, ok := exchangeStamps[strings.ToUpper(p.Name)]; ok {
					s.Meaning = m
				} else {
					s = undocumented(s, "")
				}
				v.Signals = append(v.Signals, s)
			}
		default: // SpamDiagnosticOutput, SpamDiagnosticMetadata
			v.Signals = append(v.Signals, undocumented(fieldSignal(f, f.Name, f.Value, ""),
				"undocumented diagnostic field of Microsoft's anti-spam team"))
		}
	}
	microsoftVerdict(&v, &st)
	return v
}

// forefrontSignal decodes one X-Forefront-Antispam-Report item.
func forefrontSignal(f headers.Field, p authres.Property, st *msState) Signal {
	k := strings.ToUpper(p.Name)
	s := fieldSignal(f, p.Name, p.Value, "")
	val := strings.ToUpper(p.Value)
	switch k {
	case "SFV":
		st.sfv = val
		if i, ok := forefrontSFV[val]; ok {
			s.Meaning = i.meaning
			return s
		}
		return undocumented(s, "undocumented spam filtering verdict")
	case "CAT":
		st.cat = val
		if i, ok := forefrontCAT[val]; ok {
			s.Meaning = "threat policy category: " + i.meaning
			return s
		}
		return undocumented(s, "undocumented threat policy category")
	case "SCL":
		st.scl, st.sclSet, st.ffSCL = p.Value, true, true
		if m, _, ok := sclMeaning(p.Value, st.onPrem); ok {
			s.Meaning = m
			return s
		}
		return undocumented(s, "not a documented spam confidence level (-1 to 9)")
	case "SFTY":
		if p.Value == "" {
			s.Meaning = "no safety tip"
			return s
		}
		if m, ok := sftyMeaning[p.Value]; ok {
			s.Meaning = "identified as phishing: " + m
			return s
		}
		return undocumented(s, "identified as phishing, with a safety-tip code Microsoft does not document")
	case "IPV":
		switch val {
		case "CAL":
			s.Meaning = "the source IP is on the IP Allow List: spam filtering was skipped"
		case "NLI":
			s.Meaning = "the IP address is not on any IP reputation list"
		case "":
			s.Meaning = "no IP filtering verdict"
		default:
			return undocumented(s, "undocumented IP filtering verdict")
		}
		return s
	case "DIR":
		st.dir = val
		switch val {
		case "INB":
			s.Meaning = "inbound message"
		case "OUT":
			s.Meaning = "outbound message: scanned as mail the tenant sent"
		case "INT":
			s.Meaning = "internal message"
		default:
			return undocumented(s, "undocumented direction")
		}
		return s
	case "SRV":
		st.srv = val
		switch val {
		case "BULK":
			s.Meaning = "identified as bulk mail by spam filtering and the BCL threshold (marked as spam, SCL 6, when MarkAsSpamBulkMail is on, the default)"
		case "":
			s.Meaning = "not identified as bulk"
		default:
			return undocumented(s, "")
		}
		return s
	case "PCL":
		return pclSignal(s, p.Value)
	case "SFS":
		n := strings.Count(p.Value, "(")
		return undocumented(s, strconv.Itoa(n)+" spam filter rule ids; Microsoft does not publish what they mean")
	}
	if m, ok := forefrontKeys[k]; ok {
		s.Meaning = m
		if p.Value == "" {
			s.Meaning += ": not recorded"
		}
		if k == "PTR" && strings.EqualFold(p.Value, "InfoNoRecords") {
			return guess(s, "the connecting IP address has no reverse-DNS (PTR) name")
		}
		return s
	}
	return undocumented(s, "undocumented: Microsoft says the fields it does not describe are diagnostic data for its anti-spam team")
}

// antispamSignal decodes one X-Microsoft-Antispam item.
func antispamSignal(f headers.Field, p authres.Property, st *msState) Signal {
	s := fieldSignal(f, p.Name, p.Value, "")
	switch strings.ToUpper(p.Name) {
	case "BCL":
		st.bcl = p.Value
		if m, ok := bclMeaning(p.Value); ok {
			s.Meaning = m
			return s
		}
		return undocumented(s, "not a documented bulk complaint level (0 to 9)")
	case "PCL":
		return pclSignal(s, p.Value)
	}
	return undocumented(s, "undocumented: Microsoft says the other fields of X-Microsoft-Antispam are diagnostic data for its anti-spam team")
}

// mailboxSignal decodes one X-Microsoft-Antispam-Mailbox-Delivery item; no
// meaning there is documented.
func mailboxSignal(f headers.Field, p authres.Property, st *msState) Signal {
	s := fieldSignal(f, p.Name, p.Value, "")
	switch strings.ToLower(p.Name) {
	case "dest":
		st.dest = strings.ToUpper(p.Value)
	case "rf":
		st.rf = p.Value
	}
	key := p.Name
	if strings.EqualFold(key, "rf") {
		key = "RF"
	} else if strings.EqualFold(key, "ofr") {
		key = "OFR"
	} else {
		key = strings.ToLower(key)
	}
	if vals, ok := mailboxDelivery[key]; ok {
		for _, part := range strings.Split(p.Value, ",") {
			if m, ok := vals[strings.TrimSpace(part)]; ok {
				return guess(s, m)
			}
			if m, ok := vals[strings.ToUpper(strings.TrimSpace(part))]; ok {
				return guess(s, m)
			}
		}
	}
	if strings.EqualFold(p.Name, "ENG") {
		return undocumented(s, "opaque engine or rule ids; undocumented")
	}
	return undocumented(s, "undocumented (X-Microsoft-Antispam-Mailbox-Delivery is not documented by Microsoft)")
}

// pclSignal reads a phishing confidence level in Microsoft 365's fields,
// where it is undocumented: Exchange Server's documented scale is a guess.
func pclSignal(s Signal, value string) Signal {
	if m, ok := pclMeaning(value); ok {
		return guess(s, m+" (Exchange Server's documented scale; Microsoft 365 does not document PCL)")
	}
	return undocumented(s, "phishing confidence level, undocumented value")
}

// microsoftVerdict settles verdict, score, threshold, folder and summary.
func microsoftVerdict(v *FilterVerdict, st *msState) {
	var why []string
	if st.sclSet {
		if n, err := strconv.Atoi(strings.TrimSpace(st.scl)); err == nil && n >= -1 && n <= 9 {
			v.Score = num(float64(n))
			v.Threshold = num(5)
		}
	}
	cat, catKnown := forefrontCAT[st.cat]
	sfv, sfvKnown := forefrontSFV[st.sfv]
	_, sclVerdict, sclKnown := sclMeaning(st.scl, st.onPrem)
	switch {
	case catKnown && cat.verdict != "":
		v.Verdict = cat.verdict
		why = append(why, "CAT:"+st.cat)
		if st.cat == "SPM" || st.cat == "HSPM" {
			if st.srv == "BULK" {
				v.Verdict = Bulk
			}
		}
	case st.srv == "BULK":
		v.Verdict = Bulk
		why = append(why, "SRV:BULK")
	case sfvKnown:
		v.Verdict = sfv.verdict
	case sclKnown:
		v.Verdict = sclVerdict
	default:
		v.Verdict = Unknown
	}
	if sfvKnown {
		why = append([]string{"SFV:" + st.sfv}, why...)
	}
	if st.bcl != "" && (v.Verdict == Bulk) {
		why = append(why, "BCL "+st.bcl)
	}
	if st.customSpam != "" {
		why = append(why, "X-CustomSpam: "+st.customSpam)
	}
	switch {
	case st.dir == "OUT":
		// An outbound scan says nothing about the recipient's folder.
	case st.dest == "I":
		v.Folder, v.FolderGuess = Inbox, true
	case st.dest == "J" || strings.EqualFold(st.rf, "JunkEmail"):
		v.Folder, v.FolderGuess = Junk, true
	case alwaysQuarantined[st.cat]:
		v.Folder = Quarantine
	case st.sfv == "SKQ", st.sfv == "SKA":
		// Released from quarantine; or, Microsoft says, skipped spam
		// filtering and delivered to the Inbox (allowed senders).
		v.Folder = Inbox
	case v.Verdict == NotSpam && sclKnown && sclVerdict == NotSpam:
		v.Folder = Inbox
	}
	if v.Verdict == Spam && v.Folder == NoFolder && v.Score != nil && *v.Score >= 5 {
		v.Note = "the folder is not recorded: Microsoft 365's default anti-spam policy delivers SCL 5-9 to the Junk Email folder; preset security policies quarantine some of them"
	}
	v.Summary = msSummary(v, st, why)
}

// msSummary words the reasons for the verdict: "spam confidence 5
// (SFV:SPM)", "high confidence phishing, spam confidence 9 (SFV:SPM,
// CAT:HPHSH)".
func msSummary(v *FilterVerdict, st *msState, why []string) string {
	var parts []string
	if c, ok := forefrontCAT[st.cat]; ok && (v.Verdict == Phish || v.Verdict == Malware || v.Verdict == Bulk) && c.verdict != "" {
		parts = append(parts, c.meaning)
	}
	if v.Score != nil {
		parts = append(parts, "spam confidence "+fmtNum(*v.Score))
	}
	s := strings.Join(parts, ", ")
	if len(why) > 0 {
		if s != "" {
			s += " "
		}
		s += "(" + strings.Join(why, ", ") + ")"
	}
	return s
}

// microsoftEvidence reads what Microsoft's fields say about their author.
func microsoftEvidence(fs []headers.Field) evidence {
	for _, f := range fs {
		n := strings.ToLower(f.Name)
		if strings.HasSuffix(n, "-untrusted") {
			return evidence{outside: "Microsoft 365 renamed these fields with \"-Untrusted\" on receipt: another Microsoft 365 tenant " +
				"(usually the sender's) wrote them before the message arrived"}
		}
		if n == "x-forefront-antispam-report" {
			for _, p := range headers.SplitItems(f.Value, ':') {
				if strings.EqualFold(p.Name, "DIR") && strings.EqualFold(p.Value, "OUT") {
					return evidence{outside: "DIR:OUT: Microsoft 365 scanned the message as outbound mail of the sending tenant, " +
						"so this is the sender's filter, not the receiver's"}
				}
			}
		}
	}
	return evidence{service: microsoftService,
		serviceWhy: "the receiving organisation is Microsoft 365, whose Exchange Online writes its anti-spam stamps (and its " +
			"Authentication-Results) below the message's own fields, where these stand"}
}

// microsoftService is the organisational domain of Microsoft 365's
// servers (*.outlook.com, *.office365.com), as headers.Analysis names it
// in ReceivingOrg.
const microsoftService = "outlook.com"
