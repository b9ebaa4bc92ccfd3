package dmarcreport

import "bytes"

// elem names the report elements the reader acts on; everything else is
// eOther and skipped (extensions, unknown additions).
type elem uint8

const (
	eOther elem = iota
	eFeedback
	eReportMetadata
	eOrgName
	eEmail
	eReportID
	eDateRange
	eBegin
	eEnd
	eError
	eGenerator
	ePolicyPublished
	eDomain
	eP
	eSP
	eNP
	ePct
	eADKIM
	eASPF
	eFO
	eTesting
	eDiscoveryMethod
	eRecord
	eRow
	eSourceIP
	eCount
	ePolicyEvaluated
	eDisposition
	eDKIM
	eSPF
	eReason
	eType
	eComment
	eIdentifiers
	eHeaderFrom
	eEnvelopeFrom
	eAuthResults
	eSelector
	eResult
	eScope
)

// elemOf maps a local element name to its code, ignoring case: some
// receivers capitalise element names.
func elemOf(local []byte) elem {
	if e := elemExact(local); e != eOther || len(local) > 32 {
		return e
	}
	for _, c := range local {
		if c >= 'A' && c <= 'Z' {
			var low [32]byte
			return elemExact(bytes.ToLower(append(low[:0], local...)))
		}
	}
	return eOther
}

// elemExact maps a lower-case local name to its code.
func elemExact(local []byte) elem {
	switch string(local) {
	case "feedback":
		return eFeedback
	case "report_metadata":
		return eReportMetadata
	case "org_name":
		return eOrgName
	case "email":
		return eEmail
	case "report_id":
		return eReportID
	case "date_range":
		return eDateRange
	case "begin":
		return eBegin
	case "end":
		return eEnd
	case "error":
		return eError
	case "generator":
		return eGenerator
	case "policy_published":
		return ePolicyPublished
	case "domain":
		return eDomain
	case "p":
		return eP
	case "sp":
		return eSP
	case "np":
		return eNP
	case "pct":
		return ePct
	case "adkim":
		return eADKIM
	case "aspf":
		return eASPF
	case "fo":
		return eFO
	case "testing":
		return eTesting
	case "discovery_method":
		return eDiscoveryMethod
	case "record":
		return eRecord
	case "row":
		return eRow
	case "source_ip":
		return eSourceIP
	case "count":
		return eCount
	case "policy_evaluated":
		return ePolicyEvaluated
	case "disposition":
		return eDisposition
	case "dkim":
		return eDKIM
	case "spf":
		return eSPF
	case "reason":
		return eReason
	case "type":
		return eType
	case "comment":
		return eComment
	case "identifiers", "identities": // "identities": an early draft's name, still sent
		return eIdentifiers
	case "header_from":
		return eHeaderFrom
	case "envelope_from":
		return eEnvelopeFrom
	case "auth_results":
		return eAuthResults
	case "selector":
		return eSelector
	case "result":
		return eResult
	case "scope":
		return eScope
	}
	return eOther
}
