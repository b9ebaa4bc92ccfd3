package filters

import (
	"strings"
	"testing"

	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/forwarding"
	"github.com/mxray/mxray/headers/internal/headerstest"
)

// ff decodes one X-Forefront-Antispam-Report value.
func ff(value string) FilterVerdict {
	return decodeMicrosoft([]headers.Field{{Name: "X-Forefront-Antispam-Report", Value: value}})
}

// Every documented SFV value, from "Anti-spam message headers" and the
// troubleshooting article (SKI).
func TestForefrontSFV(t *testing.T) {
	tests := []struct {
		sfv     string
		verdict Verdict
		word    string // a word the meaning must contain
	}{
		{"BLK", Spam, "Blocked Senders"},
		{"NSPM", NotSpam, "not spam"},
		{"SFE", NotSpam, "Safe Senders"},
		{"SKA", NotSpam, "allowed senders"},
		{"SKB", Spam, "blocked senders"},
		{"SKI", NotSpam, "IP Allow List"},
		{"SKN", NotSpam, "mail flow rule"},
		{"SKQ", NotSpam, "released from quarantine"},
		{"SKS", Spam, "mail flow rule"},
		{"SPM", Spam, "as spam"},
	}
	for _, tt := range tests {
		t.Run(tt.sfv, func(t *testing.T) {
			v := ff("CIP:192.0.2.1;CTRY:US;SFV:" + tt.sfv + ";")
			s := signal(t, v, "SFV")
			if s.Undocumented || s.Guess || !strings.Contains(s.Meaning, tt.word) {
				t.Errorf("SFV:%s meaning %q (undocumented %v)", tt.sfv, s.Meaning, s.Undocumented)
			}
			if v.Verdict != tt.verdict {
				t.Errorf("SFV:%s verdict %s, want %s", tt.sfv, v.Verdict, tt.verdict)
			}
		})
	}
	s := signal(t, ff("SFV:XYZ"), "SFV")
	if !s.Undocumented || s.Raw != "XYZ" {
		t.Errorf("SFV:XYZ = %+v, want undocumented with the raw value", s)
	}
	if got := ff("SFV:SKQ").Folder; got != Inbox {
		t.Errorf("SFV:SKQ folder %q, want inbox (released and sent to the recipients)", got)
	}
	if got := ff("SFV:SKA").Folder; got != Inbox {
		t.Errorf("SFV:SKA folder %q, want inbox (skipped filtering and delivered to the Inbox)", got)
	}
	if s := signal(t, ff("SFV:NSPM;PCL:2"), "PCL"); !s.Guess || !strings.Contains(s.Meaning, "neutral") {
		t.Errorf("Forefront PCL:2 = %+v, want a guess on Exchange Server's scale", s)
	}
}

// Every documented CAT value.
func TestForefrontCAT(t *testing.T) {
	tests := []struct {
		cat     string
		verdict Verdict
		folder  Folder
	}{
		{"AMP", Malware, Quarantine},
		{"BIMP", Phish, NoFolder},
		{"BULK", Bulk, NoFolder},
		{"DIMP", Phish, NoFolder},
		{"FTBP", Malware, Quarantine},
		{"GIMP", Phish, NoFolder},
		{"HPHSH", Phish, Quarantine},
		{"HPHISH", Phish, Quarantine},
		{"HSPM", Spam, NoFolder},
		{"INTOS", Phish, NoFolder},
		{"MALW", Malware, Quarantine},
		{"OSPM", Spam, NoFolder},
		{"PHSH", Phish, NoFolder},
		{"SAP", Malware, Quarantine},
		{"SPM", Spam, NoFolder},
		{"SPOOF", Phish, NoFolder},
		{"UIMP", Phish, NoFolder},
	}
	for _, tt := range tests {
		t.Run(tt.cat, func(t *testing.T) {
			v := ff("SFV:SPM;SCL:5;CAT:" + tt.cat + ";")
			s := signal(t, v, "CAT")
			if s.Undocumented || s.Meaning == "" {
				t.Errorf("CAT:%s meaning %q", tt.cat, s.Meaning)
			}
			if v.Verdict != tt.verdict || v.Folder != tt.folder {
				t.Errorf("CAT:%s = %s/%q, want %s/%q", tt.cat, v.Verdict, v.Folder, tt.verdict, tt.folder)
			}
			if !strings.Contains(v.Summary, "CAT:"+tt.cat) {
				t.Errorf("summary %q does not name CAT:%s", v.Summary, tt.cat)
			}
		})
	}
	v := ff("SFV:NSPM;SCL:1;CAT:NONE;")
	if v.Verdict != NotSpam || signal(t, v, "CAT").Undocumented {
		t.Errorf("CAT:NONE with SFV:NSPM = %s, %+v", v.Verdict, signal(t, v, "CAT"))
	}
	if s := signal(t, ff("CAT:ZZZ"), "CAT"); !s.Undocumented {
		t.Errorf("CAT:ZZZ should be undocumented: %+v", s)
	}
	// SRV:BULK turns a spam verdict into bulk.
	if v := ff("SFV:SPM;SCL:6;SRV:BULK;"); v.Verdict != Bulk {
		t.Errorf("SFV:SPM SRV:BULK = %s, want bulk", v.Verdict)
	}
}

// The SCL ranges of "Spam confidence level (SCL)".
func TestForefrontSCL(t *testing.T) {
	tests := []struct {
		scl     string
		verdict Verdict
		folder  Folder
		word    string
	}{
		{"-1", NotSpam, Inbox, "skipped spam filtering"},
		{"0", NotSpam, Inbox, "not spam"},
		{"1", NotSpam, Inbox, "not spam"},
		{"2", NotSpam, Inbox, "never stamps 2-4"},
		{"4", NotSpam, Inbox, "never stamps 2-4"},
		{"5", Spam, NoFolder, "Junk Email folder"},
		{"6", Spam, NoFolder, "Junk Email folder"},
		{"7", Spam, NoFolder, "something other than spam filtering"},
		{"8", Spam, NoFolder, "high confidence spam"},
		{"9", Spam, NoFolder, "high confidence spam"},
	}
	for _, tt := range tests {
		t.Run(tt.scl, func(t *testing.T) {
			v := ff("SCL:" + tt.scl)
			s := signal(t, v, "SCL")
			if s.Undocumented || !strings.Contains(s.Meaning, tt.word) {
				t.Errorf("SCL:%s meaning %q", tt.scl, s.Meaning)
			}
			if v.Verdict != tt.verdict || v.Folder != tt.folder {
				t.Errorf("SCL:%s = %s/%q, want %s/%q", tt.scl, v.Verdict, v.Folder, tt.verdict, tt.folder)
			}
			if want, _ := parseNum(tt.scl); !eqNum(v.Score, &want) || !eqNum(v.Threshold, fptr(5)) {
				t.Errorf("SCL:%s score %s threshold %s", tt.scl, numStr(v.Score), numStr(v.Threshold))
			}
		})
	}
	for _, bad := range []string{"10", "-2", "x", ""} {
		v := ff("SCL:" + bad)
		if s := signal(t, v, "SCL"); !s.Undocumented || v.Score != nil || v.Verdict != Unknown {
			t.Errorf("SCL:%q = %+v score %s verdict %s", bad, s, numStr(v.Score), v.Verdict)
		}
	}
	// A spam SCL with no folder says what the default policy does.
	if v := ff("SFV:SPM;SCL:5"); !strings.Contains(v.Note, "Junk Email folder") {
		t.Errorf("note %q", v.Note)
	}
}

// The BCL ranges of "Bulk complaint level (BCL)".
func TestMicrosoftAntispamBCL(t *testing.T) {
	tests := []struct {
		bcl, word string
	}{
		{"0", "not from a bulk sender"},
		{"1", "few complaints"},
		{"3", "few complaints"},
		{"4", "mixed number"},
		{"7", "mixed number"},
		{"8", "many complaints"},
		{"9", "many complaints"},
	}
	for _, tt := range tests {
		v := decodeMicrosoft([]headers.Field{{Name: "X-Microsoft-Antispam", Value: "BCL:" + tt.bcl + ";ARA:123;"}})
		s := signal(t, v, "BCL")
		if s.Undocumented || !strings.Contains(s.Meaning, tt.word) {
			t.Errorf("BCL:%s meaning %q", tt.bcl, s.Meaning)
		}
		if a := signal(t, v, "ARA"); !a.Undocumented {
			t.Errorf("ARA should be undocumented: %+v", a)
		}
	}
	for _, bad := range []string{"10", "x"} {
		v := decodeMicrosoft([]headers.Field{{Name: "X-Microsoft-Antispam", Value: "BCL:" + bad}})
		if !signal(t, v, "BCL").Undocumented {
			t.Errorf("BCL:%s should be undocumented", bad)
		}
	}
	// PCL in X-Microsoft-Antispam reads Exchange Server's scale: a guess.
	v := decodeMicrosoft([]headers.Field{{Name: "X-Microsoft-Antispam", Value: "BCL:0;PCL:5;"}})
	if s := signal(t, v, "PCL"); !s.Guess || !strings.Contains(s.Meaning, "suspicious") {
		t.Errorf("PCL:5 = %+v", s)
	}
}

func TestForefrontSFTY(t *testing.T) {
	tests := []struct {
		raw, word string
		undoc     bool
	}{
		{"9.19", "domain impersonation", false},
		{"9.20", "user impersonation", false},
		{"9.25", "first contact", false},
		{"9.1", "does not document", true},
		{"", "no safety tip", false},
	}
	for _, tt := range tests {
		s := signal(t, ff("SFTY:"+tt.raw+";SFV:NSPM"), "SFTY")
		if s.Undocumented != tt.undoc || !strings.Contains(s.Meaning, tt.word) {
			t.Errorf("SFTY:%s = %+v", tt.raw, s)
		}
	}
}

func TestForefrontFields(t *testing.T) {
	v := ff("ARC:(null);(null);CIP:2001:db8::25;CTRY:DE;LANG:de;SCL:1;SRV:;IPV:CAL;SFV:SKI;H:mail.example.de;PTR:mail.example.de;CAT:NONE;SFS:(13230031)(376014);DIR:INB;SFP:1102")
	want := []string{"ARC", "CIP", "CTRY", "LANG", "SCL", "SRV", "IPV", "SFV", "H", "PTR", "CAT", "SFS", "DIR", "SFP"}
	var got []string
	for _, s := range v.Signals {
		got = append(got, s.Name)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("signals %v, want %v (header order, (null) dropped)", got, want)
	}
	if s := signal(t, v, "CIP"); s.Raw != "2001:db8::25" {
		t.Errorf("CIP raw %q: an IPv6 address keeps its colons", s.Raw)
	}
	if s := signal(t, v, "IPV"); !strings.Contains(s.Meaning, "IP Allow List") {
		t.Errorf("IPV:CAL = %q", s.Meaning)
	}
	if s := signal(t, v, "SFS"); !s.Undocumented || !strings.Contains(s.Meaning, "2 spam filter rule ids") {
		t.Errorf("SFS = %+v", s)
	}
	if s := signal(t, v, "SFP"); !s.Undocumented {
		t.Errorf("SFP should be undocumented: %+v", s)
	}
	if s := signal(t, v, "DIR"); s.Meaning != "inbound message" {
		t.Errorf("DIR:INB = %q", s.Meaning)
	}
	if v.Verdict != NotSpam || v.Folder != Inbox {
		t.Errorf("SFV:SKI SCL:1 = %s/%q", v.Verdict, v.Folder)
	}
	// A value without its final ";" and a bare word.
	v = ff("SFV:SPM;SCL:9;junk")
	if v.Verdict != Spam || len(v.Signals) != 3 || !signal(t, v, "junk").Undocumented {
		t.Errorf("%+v", v)
	}
}

// Microsoft 365's own words in its Authentication-Results: compauth's
// reason codes (from headers/authres), dmarc's action= and bestguesspass.
func TestMicrosoftAuthResults(t *testing.T) {
	ar := func(dmarc, comp string) string {
		return "Authentication-Results: spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=sender.example; dkim=none (message not signed)\n" +
			" header.d=none;" + dmarc + " header.from=sender.example;" + comp + "\n" +
			"X-Forefront-Antispam-Report: CIP:192.0.2.10;SCL:1;SFV:NSPM;CAT:NONE;DIR:INB;\n"
	}
	tests := []struct {
		dmarc, comp       string
		name, raw, word   string
		guess, documented bool
	}{
		{"dmarc=fail action=oreject", "compauth=fail reason=000", "action", "oreject", "override reject", true, false},
		{"dmarc=fail action=pct.quarantine", "compauth=fail reason=000", "action", "pct.quarantine", "pct= is below 100", false, true},
		{"dmarc=fail action=pct.reject", "compauth=fail reason=000", "action", "pct.reject", "p=reject", false, true},
		{"dmarc=permerror action=permerror", "compauth=none reason=301", "action", "permerror", "permanent error", false, true},
		{"dmarc=temperror action=temperror", "compauth=none reason=301", "action", "temperror", "temporary error", false, true},
		{"dmarc=fail action=quarantine", "compauth=fail reason=000", "action", "quarantine", "p=quarantine", false, true},
		{"dmarc=fail action=bogus", "compauth=fail reason=000", "action", "bogus", "undocumented", false, false},
		{"dmarc=bestguesspass action=none", "compauth=pass reason=109", "dmarc", "bestguesspass", "no DMARC record", false, true},
		{"dmarc=pass action=none", "compauth=pass reason=130", "compauth", "pass reason=130", "ARC result was used", false, true},
		{"dmarc=pass action=none", "compauth=softpass reason=201", "compauth", "softpass reason=201", "soft-passed", false, true},
		{"dmarc=none action=none", "compauth=fail reason=601", "compauth", "fail reason=601", "accepted domains", false, true},
		{"dmarc=none action=none", "compauth=fail reason=805", "compauth", "fail reason=805", "no meaning", false, false},
	}
	for _, tt := range tests {
		m, a := headerstest.Parse(t, ms365Message(ar(tt.dmarc, tt.comp), ""))
		v := only(t, Decode(m, a))
		s := signal(t, v, tt.name)
		if s.Raw != tt.raw || !strings.Contains(s.Meaning, tt.word) || s.Guess != tt.guess || s.Undocumented == tt.documented {
			t.Errorf("%s; %s: %s = %+v", tt.dmarc, tt.comp, tt.name, s)
		}
	}
	// Not the receiver's: a compauth the sender wrote under its own
	// Received field is left out.
	msg := strings.Replace(ms365Message("X-Forefront-Antispam-Report: SFV:NSPM;SCL:1;DIR:INB\n", ""), "From: Alice",
		"Authentication-Results: spf=pass smtp.mailfrom=sender.example;compauth=fail reason=001\nFrom: Alice", 1)
	m, a := headerstest.Parse(t, msg)
	for _, s := range only(t, Decode(m, a)).Signals {
		if s.Name == "compauth" {
			t.Errorf("a compauth below the MX hop joined the receiver's verdict: %+v", s)
		}
	}
}

// X-Microsoft-Antispam-Mailbox-Delivery is undocumented: every reading is
// a guess, and dest:J gives the folder as a guess.
func TestMailboxDelivery(t *testing.T) {
	v := decodeMicrosoft([]headers.Field{
		{Name: "X-Forefront-Antispam-Report", Value: "SFV:NSPM;SCL:1;CAT:NONE"},
		{Name: "X-Microsoft-Antispam-Mailbox-Delivery", Value: "ucf:1;jmr:0;auth:0;dest:J;OFR:CustomRules;ENG:(910001)(944506478);"},
	})
	if v.Folder != Junk || !v.FolderGuess || v.Verdict != NotSpam {
		t.Errorf("folder %q guess %v verdict %s", v.Folder, v.FolderGuess, v.Verdict)
	}
	for _, n := range []string{"ucf", "jmr", "auth", "dest", "OFR"} {
		if s := signal(t, v, n); !s.Guess || s.Meaning == "" {
			t.Errorf("%s = %+v, want a guess", n, s)
		}
	}
	if s := signal(t, v, "ENG"); s.Guess || !s.Undocumented {
		t.Errorf("ENG = %+v", s)
	}
	if s := signal(t, v, "dest"); s.Field != "X-Microsoft-Antispam-Mailbox-Delivery" {
		t.Errorf("dest field %q", s.Field)
	}
	v = decodeMicrosoft([]headers.Field{{Name: "X-Microsoft-Antispam-Mailbox-Delivery", Value: "dest:I;RF:JunkEmail"}})
	if v.Folder != Inbox {
		t.Errorf("dest:I folder %q", v.Folder)
	}
}

func TestCustomSpam(t *testing.T) {
	v := decodeMicrosoft([]headers.Field{
		{Name: "X-Forefront-Antispam-Report", Value: "SFV:SPM;SCL:9;CAT:HSPM"},
		{Name: "X-CustomSpam", Value: "Web bug"},
	})
	if s := signal(t, v, "X-CustomSpam"); s.Undocumented || !strings.Contains(s.Meaning, "MarkAsSpamWebBugsInHtml") {
		t.Errorf("X-CustomSpam = %+v", s)
	}
	if !strings.Contains(v.Summary, "X-CustomSpam: Web bug") {
		t.Errorf("summary %q", v.Summary)
	}
	v = decodeMicrosoft([]headers.Field{{Name: "X-CustomSpam", Value: "Something else"}})
	if !signal(t, v, "X-CustomSpam").Undocumented {
		t.Error("an unknown X-CustomSpam text should be undocumented")
	}
}

// Exchange Server's own stamps, without Microsoft 365's fields, are the
// exchange filter, with its SCL scale.
func TestExchangeOnPremises(t *testing.T) {
	text := "Received: from mail.sender.example (mail.sender.example [192.0.2.10]) by\n" +
		" EX01.corp.receiver.example (10.0.0.5) with Microsoft SMTP Server id 15.2.1; Mon, 6 Jan 2025 10:00:03 +0000\n" +
		"X-MS-Exchange-Organization-SCL: 6\n" +
		"X-MS-Exchange-Organization-PCL: 2\n" +
		"X-MS-Exchange-Organization-SenderIdResult: Fail\n" +
		"X-MS-Exchange-Organization-Antispam-Report: DV:3.3.5705.600;SID:SenderIDStatus Fail;OrigIP:192.0.2.10;Zz:1\n" +
		"From: a@sender.example\n"
	m, a := headerstest.Parse(t, text)
	v := only(t, Decode(m, a))
	if v.Filter != Exchange || v.Verdict != Spam || !eqNum(v.Score, fptr(6)) {
		t.Fatalf("got %s %s %s", v.Filter, v.Verdict, numStr(v.Score))
	}
	if s := signal(t, v, "SCL"); !strings.Contains(s.Meaning, "Exchange Server") {
		t.Errorf("SCL meaning %q", s.Meaning)
	}
	if s := signal(t, v, "PCL"); s.Undocumented || !strings.Contains(s.Meaning, "neutral") {
		t.Errorf("PCL = %+v", s)
	}
	if s := signal(t, v, "SenderIdResult"); !strings.Contains(s.Meaning, "not permitted") {
		t.Errorf("SenderIdResult = %+v", s)
	}
	if s := signal(t, v, "SID"); s.Undocumented {
		t.Errorf("SID = %+v", s)
	}
	if s := signal(t, v, "Zz"); !s.Undocumented {
		t.Errorf("Zz = %+v", s)
	}
	// With Microsoft 365's fields present the same stamp belongs to it.
	m, a = headerstest.Parse(t, ms365Message("X-MS-Exchange-Organization-SCL: 1\nX-Forefront-Antispam-Report: SFV:NSPM;SCL:1\n", ""))
	v = only(t, Decode(m, a))
	if v.Filter != Microsoft365 || len(v.Fields) != 2 {
		t.Errorf("got %s %v", v.Filter, v.Fields)
	}
}

// Microsoft 365 as the receiver: its fields above the MX hop are trusted,
// the sending tenant's (renamed -Untrusted, or DIR:OUT) are not.
func TestMicrosoftTrust(t *testing.T) {
	above := "X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:1;auth:0;dest:J;\n" +
		"Authentication-Results: spf=fail (sender IP is 192.0.2.10) smtp.mailfrom=sender.example; dkim=none (message not signed)\n" +
		" header.d=none;dmarc=fail action=none header.from=sender.example;compauth=fail reason=001\n" +
		"X-Forefront-Antispam-Report: CIP:192.0.2.10;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail.sender.example;PTR:mail.sender.example;CAT:SPM;SFS:(13230031);DIR:INB;\n" +
		"X-Microsoft-Antispam: BCL:0;ARA:13230031\n" +
		"X-Forefront-Antispam-Report-Untrusted: CIP:198.51.100.7;CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;DIR:OUT;\n" +
		"X-Microsoft-Antispam-Untrusted: BCL:0;\n"
	below := "X-Forefront-Antispam-Report: CIP:198.51.100.7;SCL:1;SFV:NSPM;DIR:OUT;\n"
	m, a := headerstest.Parse(t, ms365Message(above, below))
	vs := Decode(m, a)
	if len(vs) != 3 {
		t.Fatalf("got %d verdicts: %+v", len(vs), vs)
	}
	rx := vs[0]
	if rx.Filter != Microsoft365 || !rx.Trusted || rx.Trust != TrustReceiver || rx.Verdict != Spam || rx.Folder != Junk {
		t.Errorf("receiver's verdict: %+v", rx)
	}
	if rx.Field != "X-Forefront-Antispam-Report" ||
		strings.Join(rx.Fields, ",") != "X-Microsoft-Antispam-Mailbox-Delivery,Authentication-Results,X-Forefront-Antispam-Report,X-Microsoft-Antispam" {
		t.Errorf("fields %q %v", rx.Field, rx.Fields)
	}
	if rx.Signals[0].Name != "ucf" {
		t.Errorf("signals must keep the header order: first %q", rx.Signals[0].Name)
	}
	// The receiver's compauth and dmarc action= join its verdict, in the
	// Authentication-Results' place: after dest, before CIP.
	var names []string
	for _, s := range rx.Signals[:8] {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ","); got != "ucf,jmr,auth,dest,action,compauth,CIP,CTRY" {
		t.Errorf("signal order %s", got)
	}
	if s := signal(t, rx, "compauth"); s.Raw != "fail reason=001" || s.Field != "Authentication-Results" ||
		!strings.Contains(s.Meaning, "failed composite authentication") || !strings.Contains(s.Meaning, "implicit authentication") {
		t.Errorf("compauth = %+v", s)
	}
	un := vs[1]
	if un.Trusted || un.Trust != TrustEarlier || !strings.Contains(un.TrustReason, "-Untrusted") {
		t.Errorf("renamed fields: %+v", un)
	}
	out := vs[2]
	if out.Trusted || out.Trust != TrustEarlier || !strings.Contains(out.AddedBy, "mail.sender.example") {
		t.Errorf("sender's outbound scan: trust %s added by %q reason %q", out.Trust, out.AddedBy, out.TrustReason)
	}
}

// m365Layout is a message as Microsoft 365 delivers it to a mailbox:
// Exchange Online's anti-spam stamps and its Authentication-Results stand
// below every Received field, after the message's own fields.
func m365Layout(stamps string) string {
	return "Received: from SA1PR12MB6822.namprd12.prod.outlook.com (2603:10b6:806:25c::9)\n" +
		" by MN0PR12MB5979.namprd12.prod.outlook.com with HTTPS; Tue, 5 Mar 2024 10:00:05 +0000\n" +
		"Received: from BN2PEPF000044A1.namprd02.prod.outlook.com (2603:10b6:408:138:cafe::1e) by\n" +
		" SA1PR12MB6822.namprd12.prod.outlook.com (2603:10b6:806:25c::9) with Microsoft SMTP Server\n" +
		" id 15.20.7362.24 via Frontend Transport; Tue, 5 Mar 2024 10:00:04 +0000\n" +
		"Received: from mail.sender.example (192.0.2.10) by\n" +
		" BN2PEPF000044A1.mail.protection.outlook.com (10.167.243.152) with Microsoft\n" +
		" SMTP Server id 15.20.7362.11 via Frontend Transport; Tue, 5 Mar 2024 10:00:03 +0000\n" +
		"From: Alice <alice@sender.example>\n" +
		"To: bob@contoso.example\n" +
		"Subject: invoice\n" +
		"Date: Tue, 5 Mar 2024 10:00:00 +0000\n" +
		"Message-ID: <1@sender.example>\n" +
		"X-MS-Exchange-Organization-AuthSource: BN2PEPF000044A1.namprd02.prod.outlook.com\n" +
		stamps
}

// TestMicrosoftLayout: in Microsoft 365's own layout the stamps below
// every Received field are the receiver's when the receiving organisation
// is Microsoft 365 (and the compauth of its Authentication-Results joins
// the verdict and the why sentence); the same stamps under another
// receiver, or marked DIR:OUT, are not.
func TestMicrosoftLayout(t *testing.T) {
	stamps := "Authentication-Results: spf=softfail (sender IP is 192.0.2.10) smtp.mailfrom=sender.example;\n" +
		" dkim=none (message not signed) header.d=none;dmarc=fail action=none header.from=sender.example;compauth=fail reason=001\n" +
		"X-MS-Exchange-Organization-SCL: 5\n" +
		"X-Microsoft-Antispam: BCL:0;ARA:13230031;\n" +
		"X-Forefront-Antispam-Report: CIP:192.0.2.10;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail.sender.example;PTR:;CAT:SPOOF;SFS:(13230031);DIR:INB;\n" +
		"X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:1;auth:0;dest:J;ENG:(910001);\n"
	m, a := headerstest.Parse(t, m365Layout(stamps))
	r := Explain(m, a, forwarding.AuthFromAnalysis(a))
	v := only(t, r.Verdicts)
	if !v.Trusted || v.Trust != TrustReceiver || !strings.Contains(v.TrustReason, "Exchange Online writes its anti-spam stamps") {
		t.Fatalf("Microsoft 365's own stamps: %s (%s)", v.Trust, v.TrustReason)
	}
	if s := signal(t, v, "compauth"); s.Raw != "fail reason=001" {
		t.Errorf("compauth = %+v", s)
	}
	if !strings.HasPrefix(r.Why, "Microsoft 365 delivered it to Junk as phishing") || !strings.Contains(r.Why, "(compauth=fail reason=001: the sending domain publishes no email authentication records") {
		t.Errorf("why %q", r.Why)
	}
	// Under another receiver, fields below every Received field cannot be
	// placed.
	other := strings.ReplaceAll(strings.ReplaceAll(m365Layout(stamps), "outlook.com", "mx.example.net"), "protection.mx.example.net", "in.mx.example.net")
	m, a = headerstest.Parse(t, other)
	if v := only(t, Decode(m, a)); v.Trusted || v.Trust != TrustUnknown {
		t.Errorf("stamps under another receiver: %s (%s)", v.Trust, v.TrustReason)
	}
	// The sending tenant's outbound scan is never the receiver's.
	m, a = headerstest.Parse(t, m365Layout(strings.Replace(stamps, "DIR:INB", "DIR:OUT", 1)))
	if v := only(t, Decode(m, a)); v.Trusted || v.Trust != TrustEarlier {
		t.Errorf("DIR:OUT stamps: %s (%s)", v.Trust, v.TrustReason)
	}
}
