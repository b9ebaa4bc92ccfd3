package filters

import (
	"strconv"
	"strings"
)

// The tables in this file are Microsoft's published meanings, from:
//
//   - "Anti-spam message headers in cloud organizations",
//     https://learn.microsoft.com/defender-office-365/message-headers-eop-mdo
//     (MicrosoftDocs/defender-docs, defender-office-365/message-headers-eop-mdo.md,
//     ms.date 07/07/2025): the X-Forefront-Antispam-Report fields (ARC, CAT,
//     CIP, CTRY, DIR, H, IPV, LANG, PTR, SCL, SFTY, SFV, SRV, X-CustomSpam),
//     X-Microsoft-Antispam's BCL (the compauth reason codes are in
//     headers/authres, which both the headers analysis and this package read);
//   - the same article's 2023 version (MicrosoftDocs/microsoft-365-docs,
//     anti-spam-message-headers.md), for SFV:SKI and CAT:NONE;
//   - "Troubleshoot common anti-spam policy issues",
//     https://learn.microsoft.com/defender-office-365/anti-spam-policies-troubleshooting
//     (SFV:SKI with IPV:CAL; malware and HPHSH are always quarantined);
//   - "Spam confidence level (SCL) in cloud organizations",
//     https://learn.microsoft.com/defender-office-365/anti-spam-spam-confidence-level-scl-about;
//   - "Bulk complaint level (BCL) in EOP",
//     https://learn.microsoft.com/defender-office-365/anti-spam-bulk-complaint-level-bcl-about;
//   - "Advanced Spam Filter (ASF) settings in EOP",
//     https://learn.microsoft.com/defender-office-365/anti-spam-policies-asf-settings-about
//     (the X-CustomSpam values);
//   - "Antispam stamps" (Exchange Server 2016/2019),
//     https://learn.microsoft.com/exchange/antispam-and-antimalware/antispam-protection/antispam-stamps
//     (X-MS-Exchange-Organization-SCL, -PCL, -SenderIdResult, -Antispam-Report).
//
// X-Microsoft-Antispam-Mailbox-Delivery is not documented by Microsoft (its
// own Q&A says so: https://learn.microsoft.com/answers/questions/416100);
// its readings are guesses, as the University of Oxford's IT help
// ("Examine junk mail delivery", https://help.it.ox.ac.uk/examine-junk-mail-delivery)
// and mgeeky/decode-spam-headers report them.

// codeInfo is one documented code of a Forefront field (CAT, SFV): what
// it means and the verdict it gives.
type codeInfo struct {
	meaning string
	verdict Verdict
}

// forefrontCAT holds the documented CAT values. "*" marks the ones that
// exist only with Defender for Office 365.
var forefrontCAT = map[string]codeInfo{
	"AMP":    {"anti-malware policy", Malware},
	"BIMP":   {"brand impersonation (Defender for Office 365)", Phish},
	"BULK":   {"bulk mail", Bulk},
	"DIMP":   {"domain impersonation (Defender for Office 365)", Phish},
	"FTBP":   {"anti-malware common attachments filter (blocked file type)", Malware},
	"GIMP":   {"mailbox intelligence impersonation (Defender for Office 365)", Phish},
	"HPHSH":  {"high confidence phishing", Phish},
	"HPHISH": {"high confidence phishing", Phish},
	"HSPM":   {"high confidence spam", Spam},
	"INTOS":  {"intra-organization phishing", Phish},
	"MALW":   {"malware", Malware},
	"OSPM":   {"outbound spam", Spam},
	"PHSH":   {"phishing", Phish},
	"SAP":    {"Safe Attachments (Defender for Office 365)", Malware},
	"SPM":    {"spam", Spam},
	"SPOOF":  {"spoofing: the sender failed spoof intelligence or composite authentication", Phish},
	"UIMP":   {"user impersonation (Defender for Office 365)", Phish},
	"NONE":   {"no threat policy category applied", ""},
}

// alwaysQuarantined lists the CAT values whose messages Microsoft 365
// always quarantines (malware; high confidence phishing).
var alwaysQuarantined = map[string]bool{"MALW": true, "AMP": true, "FTBP": true, "SAP": true, "HPHSH": true, "HPHISH": true}

// forefrontSFV holds the documented SFV values.
var forefrontSFV = map[string]codeInfo{
	"BLK":  {"filtering was skipped and the message was blocked: the sender is on the recipient's Blocked Senders list", Spam},
	"NSPM": {"spam filtering marked the message as not spam", NotSpam},
	"SFE":  {"filtering was skipped and the message allowed: the sender is on the recipient's Safe Senders list", NotSpam},
	"SKA":  {"spam filtering was skipped and the message delivered to the Inbox: the sender is on an anti-spam policy's allowed senders or domains list", NotSpam},
	"SKB":  {"marked as spam: the sender is on an anti-spam policy's blocked senders or domains list", Spam},
	"SKI":  {"spam filtering was skipped for another reason: the source IP is on the IP Allow List (with IPV:CAL), or intra-organization mail", NotSpam},
	"SKN":  {"marked as not spam before spam filtering, for example SCL -1 (bypass spam filtering) set by a mail flow rule", NotSpam},
	"SKQ":  {"released from quarantine and sent to the intended recipients", NotSpam},
	"SKS":  {"marked as spam before spam filtering: SCL 5-9 set by a mail flow rule, or a spam decision from on-premises Exchange (hybrid)", Spam},
	"SPM":  {"spam filtering marked the message as spam", Spam},
}

// forefrontKeys explains the documented X-Forefront-Antispam-Report keys
// whose value is data, not a code.
var forefrontKeys = map[string]string{
	"ARC":  "ARC data Microsoft recorded (AAR, AMS, AS with cv=)",
	"CIP":  "the connecting IP address (the one connection filtering and SPF judged)",
	"CTRY": "the source country/region of the connecting IP address",
	"H":    "the HELO or EHLO name the connecting server gave",
	"LANG": "the language the message is written in",
	"PTR":  "the reverse-DNS (PTR) name of the connecting IP address",
}

// sclMeaning explains a spam confidence level: Microsoft 365's meaning, or
// with onPrem Exchange Server's ("Antispam stamps" and "Exchange spam
// confidence level (SCL) thresholds",
// https://learn.microsoft.com/exchange/antispam-and-antimalware/antispam-protection/scl).
func sclMeaning(v string, onPrem bool) (string, Verdict, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return "", Unknown, false
	}
	if onPrem {
		const defaults = " (by default Exchange Server moves SCL 5 and above to the Junk Email folder and rejects 7 and above)"
		switch {
		case n == -1:
			return "spam confidence -1: the message bypassed anti-spam scanning (for example an internal sender)", NotSpam, true
		case n >= 0 && n <= 4:
			return "spam confidence " + v + " of 0-9: a low probability of spam" + defaults, NotSpam, true
		case n >= 5 && n <= 9:
			return "spam confidence " + v + " of 0-9: a high probability of spam" + defaults, Spam, true
		}
		return "", Unknown, false
	}
	switch {
	case n == -1:
		return "spam confidence -1: the message skipped spam filtering (safe sender, safe recipient, IP Allow List, or a rule); the default action delivers it to the Inbox", NotSpam, true
	case n == 0 || n == 1:
		return "spam confidence " + v + ": spam filtering found it not spam; the default action delivers it to the Inbox", NotSpam, true
	case n >= 2 && n <= 4:
		return "spam confidence " + v + ": spam filtering never stamps 2-4 itself, so a mail flow rule or another system set it; below the spam level 5", NotSpam, true
	case n == 5 || n == 6:
		return "spam confidence " + v + ": spam; the default action delivers it to the Junk Email folder (the Strict preset policy quarantines it)", Spam, true
	case n == 7:
		return "spam confidence 7: high confidence spam, usually set by something other than spam filtering itself (analyst grading, a DMARC failure, a mail flow rule); " +
			"Junk Email folder by default, quarantine under the Standard and Strict preset policies", Spam, true
	case n == 8 || n == 9:
		return "spam confidence " + v + ": high confidence spam; Junk Email folder by default, quarantine under the Standard and Strict preset policies", Spam, true
	}
	return "", Unknown, false
}

// bclMeaning explains a bulk complaint level.
func bclMeaning(v string) (string, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return "", false
	}
	const thr = "; the default policy treats BCL 7 and above as bulk spam (Standard preset 6, Strict 5)"
	switch {
	case n == 0:
		return "bulk complaint level 0: not from a bulk sender", true
	case n >= 1 && n <= 3:
		return "bulk complaint level " + v + ": a bulk sender that generates few complaints" + thr, true
	case n >= 4 && n <= 7:
		return "bulk complaint level " + v + ": a bulk sender that generates a mixed number of complaints" + thr, true
	case n == 8 || n == 9:
		return "bulk complaint level " + v + ": a bulk sender that generates many complaints" + thr, true
	}
	return "", false
}

// pclMeaning explains a phishing confidence level on Exchange Server's
// documented scale (1-3 neutral, 4-8 suspicious).
func pclMeaning(v string) (string, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return "", false
	}
	switch {
	case n >= 1 && n <= 3:
		return "phishing confidence " + v + ": neutral, the content is not likely phishing", true
	case n >= 4 && n <= 8:
		return "phishing confidence " + v + ": suspicious, the content is likely phishing", true
	}
	return "", false
}

// sftyMeaning explains the documented SFTY values.
var sftyMeaning = map[string]string{
	"9.19": "domain impersonation: the sending domain imitates a protected domain (safety tip added)",
	"9.20": "user impersonation: the sender imitates a user of the organisation or a protected user (safety tip added)",
	"9.25": "first contact safety tip: the recipient does not usually get mail from this sender (may indicate phishing)",
}

// customSpam explains the X-CustomSpam values of the Advanced Spam Filter
// settings, keyed in lower case.
var customSpam = map[string]string{
	"image links to remote sites":         "ASF \"Image links to remote websites\" (IncreaseScoreWithImageLinks): raises the spam score (SCL 5 or 6)",
	"numeric ip in url":                   "ASF \"Numeric IP address in URL\" (IncreaseScoreWithNumericIps): raises the spam score (SCL 5 or 6)",
	"url redirect to other port":          "ASF \"URL redirect to other port\" (IncreaseScoreWithRedirectToOtherPort): raises the spam score (SCL 5 or 6)",
	"url to .biz or .info websites":       "ASF \"Links to .biz or .info websites\" (IncreaseScoreWithBizOrInfoUrls): raises the spam score (SCL 5 or 6)",
	"empty message":                       "ASF \"Empty messages\" (MarkAsSpamEmptyMessages): high confidence spam (SCL 9)",
	"embed tag in html":                   "ASF \"Embedded tags in HTML\" (MarkAsSpamEmbedTagsInHtml): high confidence spam (SCL 9)",
	"javascript or vbscript tags in html": "ASF \"JavaScript or VBScript in HTML\" (MarkAsSpamJavaScriptInHtml): high confidence spam (SCL 9)",
	"form tag in html":                    "ASF \"Form tags in HTML\" (MarkAsSpamFormTagsInHtml): high confidence spam (SCL 9)",
	"iframe or frame in html":             "ASF \"Frame or iframe tags in HTML\" (MarkAsSpamFramesInHtml): high confidence spam (SCL 9)",
	"web bug":                             "ASF \"Web bugs in HTML\" (MarkAsSpamWebBugsInHtml): high confidence spam (SCL 9); a tracking pixel matched",
	"object tag in html":                  "ASF \"Object tags in HTML\" (MarkAsSpamObjectTagsInHtml): high confidence spam (SCL 9)",
	"sensitive word in subject/body":      "ASF \"Sensitive words\" (MarkAsSpamSensitiveWordList): high confidence spam (SCL 9)",
	"spf record fail":                     "ASF \"SPF record: hard fail\" (MarkAsSpamSpfRecordHardFail): high confidence spam (SCL 9)",
	"spf from record fail":                "ASF \"Sender ID filtering hard fail\" (MarkAsSpamFromAddressAuthFail): spam (SCL 6)",
	"backscatter ndr":                     "ASF \"Backscatter\" (MarkAsSpamNdrBackscatter): spam (SCL 6)",
	"this message was filtered by the custom spam filter option": "an ASF setting in test mode matched (test mode action: add the X-header); delivery was not changed by it",
}

// mailboxDelivery holds the widely reported readings of
// X-Microsoft-Antispam-Mailbox-Delivery keys; every one is a guess.
var mailboxDelivery = map[string]map[string]string{
	"dest": {"I": "delivered to the Inbox", "J": "delivered to the Junk Email folder", "C": "delivered to a custom folder (a user's rule)"},
	"RF":   {"JunkEmail": "moved to the Junk Email folder"},
	"OFR": {
		"CustomRules":     "a user's own rule (Outlook or Outlook on the web) chose the folder",
		"SpamFilterAuthJ": "server-side junk filtering chose the folder (spam verdict, or the mailbox's blocked senders)",
	},
	"ucf":  {"0": "no user's custom rule or setting applied", "1": "a user's custom rule or setting applied"},
	"jmr":  {"0": "the mailbox's junk email rule did not act", "1": "the mailbox's junk email rule acted (the message was judged junk)"},
	"auth": {"0": "the sender was not an authenticated (internal) sender", "1": "the sender was an authenticated (internal) sender"},
	"wl":   {"0": "not on an allow list", "1": "on an allow list"},
	"abwl": {"0": "not on an address-book allow list", "1": "on an address-book allow list"},
	"dwl":  {"0": "the sender's domain is not on an allow list", "1": "the sender's domain is on an allow list"},
	"iwl":  {"0": "not on an allow list", "1": "on an allow list"},
	"pcwl": {"0": "not on an allow list", "1": "on an allow list"},
	"rwl":  {"0": "not on an allow list", "1": "on an allow list"},
}

// exchangeStamps explains the documented items of Exchange Server's
// X-MS-Exchange-Organization-Antispam-Report.
var exchangeStamps = map[string]string{
	"DV":                            "version of the spam definition file used",
	"SA":                            "the message was recovered or deleted because of a signature found in it",
	"SV":                            "version of the signature file used",
	"CW":                            "a custom word or phrase matched and its weight was applied to the SCL (a block phrase sets 9, an allow phrase 0)",
	"PP":                            "the message carried a valid solved computational postmark, which lowers the SCL",
	"TIME":                          "a significant delay between sending and receipt counted towards the SCL",
	"ORIGIP":                        "the IP address of the source messaging server",
	"MIME":                          "the message is not MIME compliant",
	"P100":                          "the message contains a URL listed in a phishing definition file",
	"IPONALLOWLIST":                 "the sender's IP address is on the IP Allow list",
	"MESSAGESECURITYANTISPAMBYPASS": "the sender may bypass the anti-spam filters: content was not filtered",
	"SENDERBYPASSED":                "content filtering is bypassed for this sender",
	"ALLRECIPIENTSBYPASSED":         "content filtering was bypassed for every recipient (antispam bypass, Safe Senders, or a recipient exception)",
	"PCL":                           "the phishing verdict (PhishingLevel Neutral or Suspicious)",
	"SID":                           "the Sender ID status",
}

// senderID explains Exchange Server's Sender ID statuses.
var senderID = map[string]string{
	"pass":      "both the IP address and the purported responsible address passed Sender ID",
	"neutral":   "the published Sender ID data is explicitly inconclusive",
	"softfail":  "the IP address may be in the not-permitted set",
	"fail":      "the IP address is not permitted, no purported responsible address was found, or the domain does not exist",
	"none":      "the sender's domain publishes no SPF data",
	"temperror": "a temporary DNS failure occurred",
	"permerror": "the DNS record is invalid",
}
