package filters

import (
	"strings"

	"github.com/mxray/mxray/headers"
)

// The Cisco Secure Email (IronPort) decoder reads the fields AsyncOS adds:
// X-IronPort-Anti-Spam-Filtered and X-IronPort-Anti-Spam-Result ("encoded
// proprietary information and is not customer-decodable", AsyncOS for
// Email User Guide, "Headers Added During Anti-Spam Scanning"), X-IronPort-AV
// (encoded anti-virus details), X-Amp-Result, X-Amp-Original-Verdict,
// X-Amp-File-Uploaded, X-IronPort-Outbreak-Status and -Description (Cisco
// technote 118900, https://www.cisco.com/c/en/us/support/docs/security/email-security-appliance/118900-technote-esa-00.html),
// and the fields administrators commonly add from message variables: the
// SenderBase reputation score (X-IronPort-Reputation, X-SBRS: -10.0 most
// likely spam to +10.0, "None" without data), the sender group and the
// mail flow policy (the predefined policies $ACCEPTED, $BLOCKED,
// $THROTTLED, $TRUSTED and $RELAYED of the AsyncOS User Guide, "Mail Flow
// Policies").

var ironPortDecoder = decoder{
	filter:  IronPort,
	decode:  decodeIronPort,
	primary: []string{"x-ironport-anti-spam-filtered", "x-ironport-anti-spam-result", "x-amp-result", "x-ironport-av"},
}

// isIronPortField reports whether a lower-case name is Cisco's.
func isIronPortField(n string) bool {
	return strings.HasPrefix(n, "x-ironport-") || strings.HasPrefix(n, "x-amp-") || n == "x-sbrs"
}

var mailFlowPolicies = map[string]string{
	"$ACCEPTED":  "the predefined accepted policy: the message was accepted and scanned",
	"$BLOCKED":   "the predefined blocked policy: mail from this sender is refused",
	"$THROTTLED": "the predefined throttled policy: the sender is suspect, mail is slowed and scanned",
	"$TRUSTED":   "the predefined trusted policy: anti-spam scanning is skipped for this sender",
	"$RELAYED":   "the predefined relayed policy: an internal host allowed to relay",
}

var senderGroups = map[string]string{
	"WHITELIST":    "the allowed (trusted) sender group",
	"ALLOWED_LIST": "the allowed (trusted) sender group",
	"BLACKLIST":    "the blocked sender group",
	"BLOCKED_LIST": "the blocked sender group",
	"SUSPECTLIST":  "the suspect sender group (throttled)",
	"SUSPECT_LIST": "the suspect sender group (throttled)",
	"UNKNOWNLIST":  "the unknown sender group (accepted and scanned)",
	"UNKNOWN_LIST": "the unknown sender group (accepted and scanned)",
	"RELAYLIST":    "the relay sender group (internal hosts)",
	"RELAY_LIST":   "the relay sender group (internal hosts)",
}

func decodeIronPort(fs []headers.Field) FilterVerdict {
	var v FilterVerdict
	scanned, malicious, outbreak := false, false, ""
	for _, f := range fs {
		s := fieldSignal(f, f.Name, f.Value, "")
		val := strings.TrimSpace(f.Value)
		switch strings.ToLower(f.Name) {
		case "x-ironport-anti-spam-filtered":
			scanned = strings.EqualFold(val, "true")
			s.Meaning = "anti-spam scanning ran on the message"
			if !scanned {
				s.Meaning = "anti-spam scanning did not run"
			}
		case "x-ironport-anti-spam-result", "x-ironport-anti-spam":
			s.Meaning = "the anti-spam result, encoded: Cisco says it is proprietary and not customer-decodable (Cisco support can read it)"
		case "x-ironport-av":
			s.Meaning = "the anti-virus scan details, encoded"
		case "x-amp-result":
			switch strings.ToUpper(firstWord(val)) {
			case "CLEAN":
				s.Meaning = "Advanced Malware Protection found the attachments clean"
			case "MALICIOUS":
				s.Meaning = "Advanced Malware Protection found a malicious attachment"
				malicious = true
			case "UNSCANNABLE":
				s.Meaning = "Advanced Malware Protection could not scan an attachment"
			default:
				s = undocumented(s, "")
			}
		case "x-amp-original-verdict":
			s.Meaning = "Advanced Malware Protection's first verdict (before a file analysis finished)"
		case "x-amp-file-uploaded":
			s.Meaning = "whether an attachment was uploaded for file analysis"
		case "x-ironport-outbreak-status":
			outbreak = val
			s.Meaning = "Outbreak Filters' threat verdict"
		case "x-ironport-outbreak-description":
			s.Meaning = "Outbreak Filters' description of the threat"
		case "x-ironport-reputation", "x-sbrs":
			if x, ok := parseNum(firstWord(val)); ok {
				s.Meaning = "the sender's SenderBase reputation score, from -10 (most likely spam) to +10: " + fmtNum(x)
			} else if strings.EqualFold(val, "None") {
				s.Meaning = "no SenderBase reputation data for the sender"
			} else {
				s = undocumented(s, "")
			}
		case "x-ironport-mailflowpolicy":
			if m, ok := mailFlowPolicies[strings.ToUpper(val)]; ok {
				s.Meaning = "mail flow policy: " + m
			} else {
				s.Meaning = "mail flow policy: one the administrator defined"
			}
		case "x-ironport-sendergroup":
			if m, ok := senderGroups[strings.ToUpper(val)]; ok {
				s.Meaning = "sender group: " + m
			} else {
				s.Meaning = "sender group: one the administrator defined"
			}
		case "x-ironport-remoteip":
			s.Meaning = "the connecting IP address"
		case "x-ironport-mid":
			s.Meaning = "the appliance's message id (find it in the message tracking)"
		default:
			s = undocumented(s, "an IronPort field mxray does not decode (administrators can add their own)")
		}
		v.Signals = append(v.Signals, s)
	}
	switch {
	case malicious:
		v.Verdict, v.Summary = Malware, "Advanced Malware Protection found a malicious attachment (X-Amp-Result)"
	case outbreak != "":
		v.Verdict, v.Summary = Unknown, "Outbreak Filters flagged the message: "+outbreak
	case scanned:
		v.Verdict = Unknown
		v.Summary = "scanned for spam, but the verdict is encoded in X-IronPort-Anti-Spam-Result, which only Cisco can read"
	default:
		v.Verdict = Unknown
	}
	return v
}
