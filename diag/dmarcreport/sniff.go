package dmarcreport

import "regexp"

// SniffLen is how many leading bytes LooksLikeReport wants to see: enough
// for a message's header and the header of its first attachment.
const SniffLen = 64 << 10

// LooksLikeReport reports whether content that starts with head holds
// DMARC aggregate reports rather than something else a user may open (a
// message whose header is to be read): XML, gzip, zip and mbox are
// reports; an email message is one when a part is an XML, gzip or zip
// attachment and the message says it is a report (the subject RFC 7489
// §7.2.1.1 prescribes, "Report Domain: ...", or a filename of the
// receiver!domain!begin!end form). The decision is by content, never by
// name.
func LooksLikeReport(head []byte) bool {
	switch detect(head[:min(len(head), sniffLen)]) {
	case kindXML, kindGzip, kindZip, kindMbox:
		return true
	case kindMessage:
		return reportType.Match(head) && (reportSubject.Match(head) || reportFilename.Match(head))
	}
	return false
}

// The marks of a report message (RFC 7489 §7.2.1.1).
var (
	reportType     = regexp.MustCompile(`(?i)content-type:[ \t]*(application/(x-)?(gzip|zip|xml|x-zip-compressed)|text/xml)`)
	reportSubject  = regexp.MustCompile(`(?im)^subject:[ \t]*(\S+[ \t]+)*report[ \t]+domain:`)
	reportFilename = regexp.MustCompile(`(?i)(file)?name\*?=[ \t]*"?[^"\r\n!]+![^"\r\n!]+![0-9]+![0-9]+`)
)
