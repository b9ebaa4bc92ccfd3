package headers

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mxray/mxray/headers/authres"
)

var update = flag.Bool("update", false, "rewrite the golden JSON files under testdata/golden")

// sample is what a technician reads off one header by hand: the hop count,
// the sending IP and the HELO of that hop, the envelope sender, the From
// domain, the DKIM signatures (d/s), and the receiver's own spf, dkim and
// dmarc verdicts ("" where it recorded none). Each row was written by
// reading the file, not by running the program; the reasoning for the
// rows that need some is in the comments.
type sample struct {
	hops                int
	ip, helo, env, from string
	dkim                []string // "d/s"
	spf, dkimRes, dmarc string
	// codes are finding codes that must be present.
	codes []Code
	// arc is "instances/newest cv" when the message carries ARC.
	arc string
}

var samples = map[string]sample{
	// Exim at test.it took it from smtp11.ggg.com ([66.202.209.213]:59716):
	// no helo= means the HELO equalled the verified name. The receiver's
	// A-R (mxs.test.it) has spf and dkim, no dmarc.
	"dkim-ar-received-spf-list.headers.eml": {2, "66.202.209.213", "smtp11.ggg.com", "noreply@ggg.com", "ggg.com",
		[]string{"ggg.com/profi"}, "pass", "pass", "", nil, ""},
	// One submission hop inside example.com (client1.football.example.com
	// to submitserver.example.com): the message never entered the
	// organisation from outside, so the sending IP is the submitting
	// client. No Return-Path. From's local part "joe]" is ill-formed but
	// the domain is plain.
	"dkimverifier-ill-formed-from.eml": {1, "192.0.2.1", "client1.football.example.com", "", "football.example.com",
		nil, "", "", "", []Code{CodeSendingIPOrigin, CodeFromIllFormed}, ""},
	"eudora-raw-latin1-to-subject.eml": {0, "", "", "", "example.com", nil, "", "", "", []Code{CodeNoReceived}, ""},
	// A Microsoft 365 NDR received by mailgun: the only hop is from
	// protection.outlook.com into mxa.mailgun.org. The A-R and Received-SPF
	// in the header are Microsoft's, written before it left: not the
	// receiver's. The attached original message is body.
	"exchange-online-ndr-forefront.eml": {1, "104.47.0.223", "EUR01-HE1-obe.outbound.protection.outlook.com", "", "example.no",
		[]string{"examplenorge.onmicrosoft.com/selector1-example-no"}, "", "", "", []Code{CodeNoReceiverResults}, ""},
	// Fastmail: four internal hops (private, loopback, LMTPA) above the
	// Postfix MX hop from amazonses.
	"fastmail-amazon-arc-bimi.eml": {5, "54.240.13.167", "a13-167.smtp-out.amazonses.com",
		"20231023212308106721a263944afcb2dcb3ebed50p0na-C39VIEGRHNUE4S@bounces.amazon.com", "amazon.com",
		[]string{"amazon.com/yg4mwqurec7fkhzutopddd3ytuaqrvuz", "amazonses.com/224i4yxa5dv7c2xz3womw6peuasteono"},
		"pass", "pass", "pass", nil, "1/none"},
	"fastmail-cnn-arc.eml": {5, "96.47.27.93", "cnn2news-86-2.bm16.maas.zetaglobal.net",
		"bounce-cn1-ZH_CNN_i_News_NDBAN10232023c194254b0-h-793fd129af=2@newsletters.cnn.com", "newsletters.cnn.com",
		[]string{"newsletters.cnn.com/v2"}, "pass", "pass", "pass", nil, "1/none"},
	// Fastmail to Fastmail: every hop is on 10.x or loopback; the
	// receiver's A-R (iprev smtp.remote-ip) and Received-SPF name
	// 66.111.4.25 (out1-smtp.messagingengine.com).
	"fastmail-fastmail-private-arc.eml": {8, "66.111.4.25", "out1-smtp.messagingengine.com", "bounce@messagingengine.com", "fastmail.com",
		[]string{"fastmail.com/fm3", "messagingengine.com/fm3"}, "pass", "pass", "pass", []Code{CodeSendingIPRecorded}, "1/none"},
	// qmail at smtp.didi.net: "from mx0b… (HELO mx0a…) (148.163.158.5)".
	// Hop 6 is stamped 8 s before hop 5: within ClockSkewTolerance, so no
	// clock skew finding (a few seconds of disorder say nothing).
	"fifteen-received-hops.headers.eml": {15, "148.163.158.5", "mx0a-001b2d01.pphosted.com", "nicoletta_bernasconi@it.ibm.com", "it.ibm.com",
		nil, "", "", "", nil, ""},
	"gmail-arc-i1-authtest.eml": {3, "217.146.67.33", "uvn-67-33.tll01.zonevs.eu", "andris@ekiri.ee", "ekiri.ee",
		[]string{"ekiri.ee/default"}, "pass", "pass", "", nil, "1/none"},
	"gmail-bimi-selector-arc.eml": {3, "141.193.32.19", "m32-19.eu.mailgun.net", "bounce+2fa2ae.181d-andris.reinman=gmail.com@out.srv.dev", "srv.dev",
		[]string{"out.srv.dev/smtp", "eu.mailgun.org/krs"}, "pass", "pass", "pass", nil, "1/none"},
	// Two Return-Path fields; the topmost counts (both are the same).
	"gmail-dkim-dk-ctype-bug.eml": {4, "198.2.135.10", "mail135-10.atl141.mandrillapp.com",
		"bounce-md_30112948.55a02731.v1-163e4a0faf244a2da6b0121cc7af1fe9@mandrill.papertrailapp.com", "papertrailapp.com",
		[]string{"papertrailapp.com/mandrill", "mandrillapp.com/mandrill"}, "pass", "pass", "", nil, ""},
	"gmail-encoding-madness.eml": {5, "174.1.8.2", "aquila.el-example.org", "production@aquila.el-example.org", "crm.el-example.org",
		nil, "neutral", "", "", nil, ""},
	// tr.ee (Google Workspace) forwards to gmail.com: the hop
	// mail-sor-f41.google.com -> mx.google.com is inside Google, so the
	// message entered at srs3.zonevs.eu (217.146.68.193). The receiver's SPF
	// verdict (neutral) is about 209.85.220.41: flagged. The envelope is
	// the forwarder's (topmost Return-Path).
	"gmail-forwarded-arc-i2-pass2.eml": {5, "217.146.68.193", "srs3.zonevs.eu", "andris+caf_=andris.reinman=gmail.com@tr.ee", "zone.ee",
		[]string{"zonevs.eu/oct2016", "srs3.zonevs.eu/oct2016"}, "neutral", "pass", "fail", []Code{CodeSendingIPMismatch}, "2/pass"},
	"gmail-forwarded-spf-neutral-arc-i2-pass.eml": {5, "217.146.67.33", "uvn-67-33.tll01.zonevs.eu", "andris+caf_=andris.reinman=gmail.com@tr.ee", "ekiri.ee",
		[]string{"ekiri.ee/default"}, "neutral", "pass", "", []Code{CodeSendingIPMismatch}, "2/pass"},
	"gmail-mailcoach-list-unsubscribe-2dkim.eml": {3, "161.38.206.141", "m206-141.mailgun.net",
		"bounce+474217.804f2-andris.reinman=gmail.com@cronweekly.ma.ttias.be", "ttias.be",
		[]string{"cronweekly.ma.ttias.be/pic", "eu.mailgun.org/krs"}, "pass", "pass", "", nil, "1/none"},
	// The To field has a line holding only a tab: a fold, not the end of
	// the header.
	"gmail-newline-in-to-header.eml": {4, "72.21.1.1", "services.travidiabamboo.com", "l@gcn-example.com", "gcn-example.com",
		nil, "pass", "", "", []Code{CodeClockSkew}, ""},
	"gmail-to-haraka-received-spf.eml": {2, "209.85.167.179", "mail-oi1-f179.google.com", "andris.reinman@gmail.com", "gmail.com",
		[]string{"gmail.com/20161025"}, "pass", "pass", "", nil, ""},
	"haraka-received-spf-mailfrom-and-helo.eml": {2, "141.193.32.12", "m32-12.eu.mailgun.net",
		"bounce+9eed13.94256-andris=ethereal.email@mail.projectpending.com", "projectpending.com",
		[]string{"mail.projectpending.com/smtp"}, "pass", "", "", nil, ""},
	// A Gmail user on an iPhone: submitted from 70.36.142.124 to
	// mx.google.com, relayed inside Google (mail-pv0-f176.google.com ->
	// mx.google.com) to a Google-hosted recipient. Inside Google every hop
	// is internal, so the message entered at the submission hop; the
	// receiver's SPF is about 74.125.83.176: flagged.
	"iphone-gmail-dkim-dk.eml": {6, "70.36.142.124", "[192.168.10.102]", "someone@somewhere.com", "somewhere.com",
		[]string{"gmail.com/gamma"}, "pass", "pass", "", []Code{CodeSendingIPMismatch}, ""},
	// No Return-Path; the receiver's A-R gives smtp.mailfrom=gmail.com only,
	// and the origin hop's Exim "(envelope-from <fntoth@gmail.com>)" gives
	// the full address. No DKIM-Signature at all (only ARC).
	"kernel-org-arc-i3-gmail-via-webhosting-spf-dmarc-fail.eml": {3, "141.138.168.70", "mailfilter02-out21.webhostingserver.nl", "fntoth@gmail.com", "gmail.com",
		nil, "fail", "", "fail", nil, "3/pass"},
	// The top hop is sendmail's local "(from majordom@localhost)".
	"latin1-raw-byte-in-from-1997.eml": {3, "194.77.23.26", "linteuto.teuto.de", "", "blank.pages.de", nil, "", "", "", nil, ""},
	"leading-space-first-header.eml":   {0, "", "", "", "makita.skynet", nil, "", "", "", []Code{CodePasteRepaired}, ""},
	// "Fro :" is not From: there is no From field.
	"malformed-fro-space-colon-truncated-date.eml": {0, "", "", "", "", nil, "", "", "", []Code{CodeFromMissing, CodeDateInvalid}, ""},
	// Every hop is Google-internal on 10.x; the receiver (mr.google.com)
	// recorded client-ip 10.231.10.138, which is private: no sending IP.
	"multi-received-dk-dkim.eml": {4, "", "", "rtkachen@gmail.com", "example.com", []string{"gmail.com/gamma"}, "pass", "pass", "",
		[]Code{CodeNoSendingIP}, ""},
	"outlook-express-7-hops-raw-utf8.eml": {7, "106.186.124.194", "hwmail1.mailset.cn", "bob@example.com", "example.com", nil, "", "", "", nil, ""},
	// Every hop is on 10.x or loopback.
	"postfix-garbage-date-pn-pax.eml": {4, "", "", "me@xxx.xxxxxxxx.xxx.xx", "vodtravel.com", nil, "", "", "", []Code{CodeNoSendingIP, CodeDateInvalid}, ""},
	// qmail: "from unknown (HELO ) (185.137.84.106)": the client sent an
	// empty HELO.
	"qmail-empty-helo-fake-postfix.headers.eml": {4, "185.137.84.106", "", "captivatedm41@tin.it", "tin.it", nil, "", "", "", nil, ""},
	"qp-utf8-encoded-words.eml":                 {0, "", "", "", "jamehi03lx.noa.com", nil, "", "", "", []Code{CodeFromMailboxes}, ""},
	"raw-latin1-subject.eml":                    {0, "", "", "", "formacaofrenetik.info", nil, "", "", "", nil, ""},
	"raw-utf8-address-gb2312-encoded-words.eml": {1, "96.202.181.20", "hotmail.com", "baoguan@hotmail.com", "hotmail.com", nil, "", "", "", nil, ""},
	// No Return-Path; mailgun's X-Envelope-From.
	"spam-0x85-byte-subject-domainkey.eml": {2, "111.224.250.131", "advertise-bz.cn", "admin@advertise-bz.cn", "advertise-bz.cn", nil, "", "", "", nil, ""},
	// An ARF report: the reported message is an attachment in the body.
	"yahoo-arf-complaint.eml": {0, "", "", "", "arf.mail.yahoo.com", nil, "", "", "", nil, ""},
	// aaa.net's hops are on 10.x; prolexic received from Yahoo.
	"yahoo-dkim-dk-empty-group-lists.eml": {6, "209.191.84.220", "web82107.mail.mud.yahoo.com", "ceciledwards@sbcglobal.net", "sbcglobal.net",
		[]string{"sbcglobal.net/s1024"}, "", "", "", nil, ""},
	// Yahoo: "from 127.0.0.1 (EHLO reactive-outpost.com) (74.206.28.55)":
	// the 127.0.0.1 is the name part, the client is 74.206.28.55. SPF
	// comes from Yahoo's Received-SPF; its A-R has dkim=neutral.
	"yahoo-received-spf-domainkeys-bad-date.eml": {2, "74.206.28.55", "reactive-outpost.com", "return@reactive-outpost.com", "reactive-outpost.com",
		nil, "pass", "neutral", "", []Code{CodeDateInvalid}, ""},
	"yahoo-to-gmail-8-hops.headers.eml": {8, "98.139.91.73", "nm3.bullet.mail.sp2.yahoo.com", "mailboxaddr1234567@yahoo.com", "yahoo.com",
		[]string{"yahoo.com/s1024"}, "pass", "pass", "", nil, ""},
	// "from localhost (unknown [92.47.238.91])": a public client calling
	// itself localhost is not a local hand-off.
	"year-3609-out-of-order-received.eml": {3, "92.47.238.91", "localhost", "yusuf75thu@auracom.net", "auracom.net", nil, "", "", "",
		[]Code{CodeDateFuture}, ""},
}

func TestSamples(t *testing.T) {
	files, err := filepath.Glob("../testdata/headers/*.eml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(samples) {
		t.Errorf("%d sample files, %d rows in the table", len(files), len(samples))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			want, ok := samples[name]
			if !ok {
				t.Fatalf("no hand-checked row for %s", name)
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(raw)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			a := Analyze(m, Options{})
			checkSample(t, a, want)
			checkGolden(t, strings.TrimSuffix(name, ".eml"), a)
		})
	}
}

func checkSample(t *testing.T, a *Analysis, want sample) {
	t.Helper()
	if len(a.Hops) != want.hops {
		t.Errorf("hops = %d, want %d", len(a.Hops), want.hops)
	}
	ip := ""
	if a.SendingIP != nil {
		ip = a.SendingIP.String()
	}
	if ip != want.ip {
		t.Errorf("sending IP = %q, want %q", ip, want.ip)
	}
	if a.HELO != want.helo {
		t.Errorf("HELO = %q, want %q", a.HELO, want.helo)
	}
	if a.EnvelopeFrom != want.env {
		t.Errorf("envelope sender = %q, want %q", a.EnvelopeFrom, want.env)
	}
	if a.FromDomain != want.from {
		t.Errorf("From domain = %q, want %q", a.FromDomain, want.from)
	}
	var dkim []string
	for _, d := range a.DKIMSignatures {
		dkim = append(dkim, d.D+"/"+d.S)
	}
	if !slices.Equal(dkim, want.dkim) {
		t.Errorf("DKIM = %v, want %v", dkim, want.dkim)
	}
	if a.Receiver.SPF != authres.Result(want.spf) || a.Receiver.DKIM != authres.Result(want.dkimRes) || a.Receiver.DMARC != authres.Result(want.dmarc) {
		t.Errorf("receiver spf/dkim/dmarc = %q/%q/%q, want %q/%q/%q",
			a.Receiver.SPF, a.Receiver.DKIM, a.Receiver.DMARC, want.spf, want.dkimRes, want.dmarc)
	}
	for _, code := range want.codes {
		if !hasCode(a.Findings, code) {
			t.Errorf("no finding %s; findings: %+v", code, a.Findings)
		}
	}
	if want.arc != "" {
		got := a.ARCChain
		if g := strings.Join([]string{itoa(got.Instances), string(got.NewestCV)}, "/"); g != want.arc || !got.Valid {
			t.Errorf("ARC chain = %s (valid %v, %v), want %s", g, got.Valid, got.Problems, want.arc)
		}
	} else if a.ARCChain.Instances != 0 {
		t.Errorf("ARC chain of %d instances where the sample has none", a.ARCChain.Instances)
	}
	// Index 1 is the origin: the bottom field, so indexes run up from 1.
	for i, h := range a.Hops {
		if h.Index != i+1 {
			t.Errorf("hop %d has index %d", i, h.Index)
		}
	}
}

func hasCode(fs []Finding, code Code) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// checkGolden compares the Analysis, as JSON, with
// testdata/golden/<name>.json; go test ./headers -update rewrites it.
func checkGolden(t *testing.T, name string, a *Analysis) {
	t.Helper()
	got, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./headers -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("JSON differs from %s (run go test ./headers -update and review the diff)", path)
	}
}
