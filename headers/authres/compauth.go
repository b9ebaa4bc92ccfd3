package authres

import "strings"

// Microsoft 365 adds a method of its own to its Authentication-Results:
// composite authentication, "compauth=fail reason=601". It is not an RFC
// 8601 method registered with IANA; its result words and reason codes are
// documented by Microsoft in "Anti-spam message headers in cloud
// organizations", the Authentication-results table, fields "compauth" and
// "reason"
// (https://learn.microsoft.com/defender-office-365/message-headers-eop-mdo;
// MicrosoftDocs/defender-docs, defender-office-365/message-headers-eop-mdo.md,
// ms.date 07/07/2025). This file is the one table of those meanings: the
// headers analysis and the filter verdicts both read it.

// ResultSoftPass is Microsoft 365's compauth "softpass": the message
// soft-passed implicit authentication (reason 2xx). Not an RFC 8601 word.
const ResultSoftPass Result = "softpass"

// CompAuthResult words a compauth result as Microsoft documents it:
// "failed composite authentication".
func CompAuthResult(r Result) string {
	switch Result(strings.ToLower(string(r))) {
	case ResultPass:
		return "passed composite authentication"
	case ResultFail:
		return "failed composite authentication"
	case ResultSoftPass:
		return "soft-passed composite authentication"
	case ResultNone:
		return "was not checked for composite authentication, or bypassed it"
	}
	return "got a composite authentication result Microsoft does not document"
}

// CompAuthReason explains the reason code of a compauth result ("reason=601")
// in Microsoft's documented words; documented is false when Microsoft
// publishes no meaning for the code (5xx, 8xx, 0xx other than 000, 001,
// 002 and 010, or anything that is not three digits). The last two digits
// of the families (1xx, 2xx, …) are, Microsoft says, internal codes.
func CompAuthReason(code string) (meaning string, documented bool) {
	r, ok := compAuthReason(code)
	if r.detail == "" {
		return r.outcome, ok
	}
	return r.outcome + ": " + r.detail, ok
}

// CompAuthReasonDetail is the part of a reason code's meaning that says
// why, for a sentence that has already said the result ("the From domain
// failed composite authentication (compauth=fail reason=001: …)"): the
// whole meaning when the code has no separate why.
func CompAuthReasonDetail(code string) (detail string, documented bool) {
	r, ok := compAuthReason(code)
	if r.detail == "" {
		return r.outcome, ok
	}
	return r.detail, ok
}

// reasonText is a reason code's meaning: what happened, and why when
// Microsoft says.
type reasonText struct{ outcome, detail string }

func compAuthReason(code string) (reasonText, bool) {
	code = strings.TrimSpace(code)
	switch {
	case code == "":
		return reasonText{outcome: "no reason code was recorded"}, false
	case len(code) != 3 || strings.Trim(code, "0123456789") != "":
		return reasonText{outcome: "not a three-digit reason code: Microsoft documents none like it"}, false
	}
	const internal = "the last two digits are internal codes of Microsoft 365"
	switch code {
	case "000":
		return reasonText{"the message failed explicit authentication (compauth=fail)",
			"for example it failed DMARC and the From domain's policy is p=quarantine or p=reject"}, true
	case "001":
		return reasonText{"the message failed implicit authentication (compauth=fail)",
			"the sending domain publishes no email authentication records, or ones with a weaker failure policy (SPF ~all or ?all, or DMARC p=none)"}, true
	case "002":
		return reasonText{"the organisation has a policy, set by an admin, that explicitly prohibits this sender/domain pair from sending spoofed email", ""}, true
	case "010":
		return reasonText{"the message failed DMARC, the policy is p=reject or p=quarantine, and the sending domain is one of the organisation's " +
			"accepted domains (self-to-self or intra-org spoofing)", ""}, true
	case "130":
		return reasonText{"the message passed authentication (compauth=pass)", "the ARC result was used to override a DMARC failure"}, true
	}
	switch code[0] {
	case '1', '7':
		return reasonText{"the message passed authentication (compauth=pass)", internal}, true
	case '2':
		return reasonText{"the message soft-passed implicit authentication (compauth=softpass)", internal}, true
	case '3':
		return reasonText{"the message was not checked for composite authentication (compauth=none)", ""}, true
	case '4', '9':
		return reasonText{"the message bypassed composite authentication (compauth=none)", internal}, true
	case '6':
		return reasonText{"the message failed implicit email authentication, and the sending domain is one of the organisation's accepted domains " +
			"(self-to-self or intra-org spoofing)", ""}, true
	}
	return reasonText{outcome: "Microsoft documents no meaning for reason " + code}, false
}
