package blocklist

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
)

// realZones serves the default lists' real zone names in-process, answering
// the way each list documents, so that the embedded code tables are tested
// as they are used.
var realZones = zone("zen.spamhaus.org", `
2.0.0.127   A 127.0.0.2
2.0.0.127   A 127.0.0.4
2.0.0.127   A 127.0.0.10
1.2.0.192   A 127.0.0.2
1.2.0.192   TXT "https://check.spamhaus.org/sbl/query/SBL1"
2.2.0.192   A 127.0.0.2
2.2.0.192   A 127.0.0.4
2.2.0.192   A 127.0.0.10
3.2.0.192   A 127.0.0.3
4.2.0.192   A 127.0.0.10
5.2.0.192   A 127.0.0.11
6.2.0.192   A 127.255.255.252
7.2.0.192   A 127.255.255.254
7.2.0.192   TXT "Error: open resolver; https://check.spamhaus.org/returnc/pub/"
8.2.0.192   A 127.255.255.255
9.2.0.192   A 127.255.255.250
10.2.0.192  A 127.0.0.99
11.2.0.192  A 192.0.2.99
12.2.0.192  A 127.0.0.2
12.2.0.192  A 127.255.255.254
14.2.0.192  TXT "a name without an A record"
15.2.0.192  A 127.0.0.9
30.2.0.192  A 127.0.0.30
1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2 A 127.0.0.2
`) + zone("bl.spamcop.net", `
2.0.0.127   A 127.0.0.2
20.2.0.192  A 127.0.0.2
20.2.0.192  TXT "Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.20"
`) + zone("dbl.spamhaus.org", `
dbltest.com  A 127.0.1.2
spammy.test  A 127.0.1.2
phish.test   A 127.0.1.4
abused.test  A 127.0.1.102
ipquery.test A 127.0.1.255
`) + zone("multi.uribl.com", `
test.uribl.com A 127.0.0.14
black.test     A 127.0.0.2
greyred.test   A 127.0.0.12
blocked.test   A 127.0.0.1
bits.test      A 127.0.0.3
zero.test      A 127.0.0.0
b16.test       A 127.0.0.16
`) + zone("multi.surbl.org", `
test.surbl.org           A 127.0.0.254
www.surbl-listed.test    A 127.0.0.64
surbl-listed.test        A 127.0.0.72
`)

type classCase struct {
	name     string
	list     string // zone of the default list asked
	subject  Subject
	status   Status
	why      ErrorKind
	codes    []string
	meanings []string // substrings, one per meaning, in order
	severity Severity
	query    string // the name asked, when it matters
	txt      bool   // a TXT record is expected
}

var classCases = []classCase{
	{name: "SBL", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.1", RoleMX), status: StatusListed,
		codes: []string{"127.0.0.2"}, meanings: []string{"SBL"}, severity: SeverityError, query: "1.2.0.192.zen.spamhaus.org.", txt: true},
	{name: "SBL XBL PBL together", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.2", RoleMX), status: StatusListed,
		codes: []string{"127.0.0.2", "127.0.0.4", "127.0.0.10"}, meanings: []string{"SBL", "XBL", "PBL"}, severity: SeverityError},
	{name: "CSS", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.3", RoleMX), status: StatusListed,
		codes: []string{"127.0.0.3"}, meanings: []string{"CSS"}, severity: SeverityError},
	{name: "PBL by the ISP is policy", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.4", RoleSendingIP), status: StatusListed,
		codes: []string{"127.0.0.10"}, meanings: []string{"PBL (Policy Block List, set by the network's ISP)"}, severity: SeverityPolicy},
	{name: "PBL by Spamhaus is policy", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.5", RoleSendingIP), status: StatusListed,
		codes: []string{"127.0.0.11"}, meanings: []string{"not a spam listing"}, severity: SeverityPolicy},
	{name: "DROP", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.15", RoleMX), status: StatusListed,
		codes: []string{"127.0.0.9"}, meanings: []string{"DROP"}, severity: SeverityError},
	{name: "BCL", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.30", RoleMX), status: StatusListed,
		codes: []string{"127.0.0.30"}, meanings: []string{"BCL"}, severity: SeverityError},
	{name: "typo 127.255.255.252", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.6", RoleMX), status: StatusError,
		why: ErrTypo, codes: []string{"127.255.255.252"}},
	{name: "public resolver 127.255.255.254", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.7", RoleMX), status: StatusError,
		why: ErrRefused, codes: []string{"127.255.255.254"}, txt: true},
	{name: "rate limited 127.255.255.255", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.8", RoleMX), status: StatusError,
		why: ErrLimited, codes: []string{"127.255.255.255"}},
	{name: "DQS key 127.255.255.250", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.9", RoleMX), status: StatusError,
		why: ErrKey, codes: []string{"127.255.255.250"}},
	{name: "undocumented code", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.10", RoleMX), status: StatusError,
		why: ErrUndocumented, codes: []string{"127.0.0.99"}},
	{name: "outside 127/8", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.11", RoleMX), status: StatusError,
		why: ErrNotLoopback, codes: []string{"192.0.2.99"}},
	{name: "a listing beside a refusal is a refusal", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.12", RoleMX), status: StatusError,
		why: ErrRefused, codes: []string{"127.0.0.2", "127.255.255.254"}},
	{name: "NXDOMAIN", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.13", RoleMX), status: StatusNotListed},
	{name: "NODATA", list: "zen.spamhaus.org", subject: ipSubject("192.0.2.14", RoleMX), status: StatusNotListed},
	{name: "IPv6 compressed", list: "zen.spamhaus.org", subject: ipSubject("2001:db8::1", RoleMX), status: StatusListed,
		codes: []string{"127.0.0.2"}, meanings: []string{"SBL"}, query: "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org."},
	{name: "IPv6 written in full", list: "zen.spamhaus.org", subject: ipSubject("2001:0db8:0000:0000:0000:0000:0000:0001", RoleMX), status: StatusListed,
		codes: []string{"127.0.0.2"}, query: "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org."},
	{name: "IPv4-mapped IPv6 is IPv4", list: "zen.spamhaus.org", subject: ipSubject("::ffff:192.0.2.1", RoleMX), status: StatusListed,
		codes: []string{"127.0.0.2"}, query: "1.2.0.192.zen.spamhaus.org.", txt: true},
	{name: "SpamCop", list: "bl.spamcop.net", subject: ipSubject("192.0.2.20", RoleSendingIP), status: StatusListed,
		codes: []string{"127.0.0.2"}, meanings: []string{"SpamCop"}, severity: SeverityError, txt: true},
	{name: "DBL asks the registered domain", list: "dbl.spamhaus.org", subject: domainSubject("news.spammy.test", RoleFrom), status: StatusListed,
		codes: []string{"127.0.1.2"}, meanings: []string{"low-reputation"}, severity: SeverityError, query: "spammy.test.dbl.spamhaus.org."},
	{name: "DBL phish", list: "dbl.spamhaus.org", subject: domainSubject("phish.test", RoleFrom), status: StatusListed,
		codes: []string{"127.0.1.4"}, meanings: []string{"phishing"}, severity: SeverityError},
	{name: "DBL abused legit", list: "dbl.spamhaus.org", subject: domainSubject("abused.test", RoleDKIM), status: StatusListed,
		codes: []string{"127.0.1.102"}, meanings: []string{"abused"}, severity: SeverityWarning},
	{name: "DBL IP query code", list: "dbl.spamhaus.org", subject: domainSubject("ipquery.test", RoleDomain), status: StatusError,
		why: ErrQuery, codes: []string{"127.0.1.255"}},
	{name: "DBL not listed", list: "dbl.spamhaus.org", subject: domainSubject("clean.test", RoleDomain), status: StatusNotListed},
	{name: "URIBL black", list: "multi.uribl.com", subject: domainSubject("black.test", RoleFrom), status: StatusListed,
		codes: []string{"127.0.0.2"}, meanings: []string{"black"}, severity: SeverityError},
	{name: "URIBL grey and red bits", list: "multi.uribl.com", subject: domainSubject("greyred.test", RoleFrom), status: StatusListed,
		codes: []string{"127.0.0.12"}, meanings: []string{"grey", "red"}, severity: SeverityWarning},
	{name: "URIBL 127.0.0.1 is a refusal", list: "multi.uribl.com", subject: domainSubject("blocked.test", RoleFrom), status: StatusError,
		why: ErrRefused, codes: []string{"127.0.0.1"}},
	{name: "URIBL refusal bit beside a listing bit", list: "multi.uribl.com", subject: domainSubject("bits.test", RoleFrom), status: StatusError,
		why: ErrRefused, codes: []string{"127.0.0.3"}},
	{name: "URIBL no bit set", list: "multi.uribl.com", subject: domainSubject("zero.test", RoleFrom), status: StatusError,
		why: ErrUndocumented, codes: []string{"127.0.0.0"}},
	{name: "URIBL undocumented bit", list: "multi.uribl.com", subject: domainSubject("b16.test", RoleFrom), status: StatusError,
		why: ErrUndocumented, codes: []string{"127.0.0.16"}},
	{name: "SURBL asks the full name", list: "multi.surbl.org", subject: domainSubject("www.surbl-listed.test", RoleFrom), status: StatusListed,
		codes: []string{"127.0.0.64"}, meanings: []string{"ABUSE"}, severity: SeverityError, query: "www.surbl-listed.test.multi.surbl.org."},
	{name: "SURBL two bits", list: "multi.surbl.org", subject: domainSubject("surbl-listed.test", RoleFrom), status: StatusListed,
		codes: []string{"127.0.0.72"}, meanings: []string{"PH", "ABUSE"}, severity: SeverityError},
}

// TestClassification asks the default lists' real zones, served in-process,
// through the real client, and checks every verdict of the package doc.
func TestClassification(t *testing.T) {
	srv := zoneservertest.New(t, realZones)
	def := Default()
	for _, tc := range classCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := checkOne(t, client(srv), tc.subject, only(t, def, tc.list))
			if r.Status != tc.status || r.Why != tc.why {
				t.Fatalf("status %s (%s: %s), want %s (%s)", r.Status, r.Why, r.Error, tc.status, tc.why)
			}
			if !slices.Equal(r.Codes, tc.codes) && !(len(r.Codes) == 0 && tc.codes == nil) {
				t.Errorf("codes %q, want %q", r.Codes, tc.codes)
			}
			if tc.meanings != nil {
				if miss := containsAll(r.Meanings, tc.meanings); miss != "" {
					t.Errorf("meanings %q lack %q", r.Meanings, miss)
				}
			}
			if r.Status != StatusListed && len(r.Meanings) != 0 {
				t.Errorf("meanings %q on a result that is not a listing", r.Meanings)
			}
			if r.Severity != tc.severity && tc.severity != "" {
				t.Errorf("severity %s, want %s", r.Severity, tc.severity)
			}
			if tc.query != "" && r.Query != tc.query {
				t.Errorf("asked %s, want %s", r.Query, tc.query)
			}
			if tc.txt != (len(r.TXT) > 0) {
				t.Errorf("TXT %q, want some: %v", r.TXT, tc.txt)
			}
			if r.Status == StatusError && (r.Error == "" || r.Fix == "") {
				t.Errorf("error without a reason or a fix: %+v", r)
			}
			if r.Status != StatusError && r.Error != "" {
				t.Errorf("error text %q on a %s result", r.Error, r.Status)
			}
			if r.Zone != tc.list || r.DelistURL == "" {
				t.Errorf("zone %q, delist %q", r.Zone, r.DelistURL)
			}
		})
	}
}

// TestRefusalFixNamesDQS: a Spamhaus refusal says what to do, DQS included.
func TestRefusalFixNamesDQS(t *testing.T) {
	srv := zoneservertest.New(t, realZones)
	r := checkOne(t, client(srv), ipSubject("192.0.2.7", RoleMX), only(t, Default(), "zen.spamhaus.org"))
	for _, want := range []string{"own recursive resolver", "--spamhaus-dqs-key", EnvDQSKey} {
		if !strings.Contains(r.Fix, want) {
			t.Errorf("fix %q lacks %q", r.Fix, want)
		}
	}
	if !strings.Contains(r.Error, "public or open resolver") {
		t.Errorf("error %q", r.Error)
	}
}

// TestDNSFailures: a timeout, SERVFAIL and REFUSED are errors, told apart
// by the lookup's error, never by time.
func TestDNSFailures(t *testing.T) {
	cases := []struct {
		name  string
		fault zoneserver.Fault
		want  error
	}{
		{"timeout", zoneserver.FaultDrop, dnsclient.ErrTimeout},
		{"SERVFAIL", zoneserver.FaultServFail, dnsclient.ErrServFail},
		{"REFUSED", zoneserver.FaultRefused, dnsclient.ErrRefused},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := zoneservertest.New(t, realZones)
			srv.SetFault("1.2.0.192.zen.spamhaus.org.", dns.TypeA, tc.fault)
			r := checkOne(t, client(srv), ipSubject("192.0.2.1", RoleMX), only(t, Default(), "zen.spamhaus.org"))
			if r.Status != StatusError || r.Why != ErrDNS || !errors.Is(r.Err, tc.want) {
				t.Fatalf("got %s/%s (%v), want an error wrapping %v", r.Status, r.Why, r.Err, tc.want)
			}
			if len(r.Codes) != 0 || r.Fix == "" {
				t.Errorf("codes %q fix %q", r.Codes, r.Fix)
			}
		})
	}
}

// TestTXTFailureKeepsListing: the A record decides; a TXT that fails only
// leaves the text out.
func TestTXTFailureKeepsListing(t *testing.T) {
	srv := zoneservertest.New(t, realZones)
	srv.SetFault("1.2.0.192.zen.spamhaus.org.", dns.TypeTXT, zoneserver.FaultServFail)
	r := checkOne(t, client(srv), ipSubject("192.0.2.1", RoleMX), only(t, Default(), "zen.spamhaus.org"))
	if r.Status != StatusListed || len(r.TXT) != 0 {
		t.Fatalf("got %s with TXT %q", r.Status, r.TXT)
	}
}
