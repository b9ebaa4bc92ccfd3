package dmarcreport

import (
	"slices"
	"strings"
	"testing"
)

// want is what a crafted report should read as.
type wantSource struct {
	ip                                string
	messages, pass, dkimAl, spfAl     int64
	headerFrom, envelopeFrom, dkimDom []string
}

func TestReadSchemasAndDeviations(t *testing.T) {
	pub := "<domain>example.com</domain><p>none</p>"
	ok := func(ip string, n string) string {
		return Rec(ip, n, "none", "pass", "pass", "example.com", "example.com", "pass", "example.com", "pass")
	}
	tests := []struct {
		name    string
		xml     string
		schema  Schema
		pct     int
		sources []wantSource
		codes   []string
		check   func(t *testing.T, s *Set)
	}{
		{
			name:   "rfc7489 with pct",
			xml:    Doc("<feedback>", pub+"<sp>quarantine</sp><adkim>r</adkim><aspf>s</aspf><pct>50</pct>", ok("192.0.2.1", "4")),
			schema: SchemaRFC7489, pct: 50,
			sources: []wantSource{{ip: "192.0.2.1", messages: 4, pass: 4, dkimAl: 4, spfAl: 4}},
			check: func(t *testing.T, s *Set) {
				p := s.Reports()[0].Published
				if p.SP != PolicyQuarantine || p.ASPF != "s" || p.ADKIM != "r" {
					t.Errorf("published = %+v", p)
				}
			},
		},
		{
			name: "rfc9990 namespace, np, testing, discovery_method, disposition pass",
			xml: Doc(`<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">`, pub+"<np>reject</np><testing>y</testing><discovery_method>treewalk</discovery_method>",
				Rec("192.0.2.1", "7", "pass", "pass", "fail", "example.com", "example.com", "pass", "example.com", "fail")),
			schema: SchemaRFC9990, pct: -1,
			sources: []wantSource{{ip: "192.0.2.1", messages: 7, pass: 7, dkimAl: 7}},
			check: func(t *testing.T, s *Set) {
				r := s.Reports()[0]
				if r.Published.NP != PolicyReject || r.Published.Testing != "y" || r.Published.DiscoveryMethod != "treewalk" || r.Namespace != Namespace9990 {
					t.Errorf("report = %+v", r)
				}
				if got := SourceOf(s, "192.0.2.1").Dispositions[DispositionPass]; got != 7 {
					t.Errorf("disposition pass = %d", got)
				}
			},
		},
		{
			name:   "rfc9990 elements without the namespace",
			xml:    Doc("<feedback>", pub+"<np>none</np>", ok("192.0.2.1", "1")),
			schema: SchemaRFC9990, pct: -1,
			sources: []wantSource{{ip: "192.0.2.1", messages: 1, pass: 1, dkimAl: 1, spfAl: 1}},
		},
		{
			name:   "rfc9990 namespace on a prefix",
			xml:    Doc(`<d:feedback xmlns:d="urn:ietf:params:xml:ns:dmarc-2.0">`, pub, strings.NewReplacer("</", "</d:", "<", "<d:").Replace(ok("192.0.2.1", "2"))),
			schema: SchemaRFC9990, pct: -1,
			sources: []wantSource{{ip: "192.0.2.1", messages: 2, pass: 2, dkimAl: 2, spfAl: 2}},
		},
		{
			name:   "old draft namespace and xsi attributes",
			xml:    Doc(`<feedback xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://dmarc.org/dmarc-xml/0.1">`, pub, ok("192.0.2.1", "1")),
			schema: SchemaRFC7489, pct: -1,
			sources: []wantSource{{ip: "192.0.2.1", messages: 1, pass: 1, dkimAl: 1, spfAl: 1}},
		},
		{
			name: "empty elements: org_name from email, empty sp, null envelope_from",
			xml: strings.Replace(Doc("<feedback>", pub+"<sp/><fo></fo>",
				`<record><row><source_ip>192.0.2.1</source_ip><count>1</count><policy_evaluated><disposition/><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row>
<identifiers><header_from>example.com</header_from><envelope_from></envelope_from></identifiers><auth_results/></record>`),
				"<org_name>receiver.example</org_name>", "<org_name/>", 1),
			schema: SchemaRFC7489, pct: -1,
			sources: []wantSource{{ip: "192.0.2.1", messages: 1, pass: 1, dkimAl: 1, envelopeFrom: []string{"<>"}, dkimDom: []string{}}},
			check: func(t *testing.T, s *Set) {
				if r := s.Reports()[0]; r.OrgName != "receiver.example" || r.Published.SP != "" {
					t.Errorf("report = %+v", r)
				}
				if got := SourceOf(s, "192.0.2.1").Dispositions[DispositionNone]; got != 1 {
					t.Errorf("empty disposition counted as none: %d", got)
				}
			},
		},
		{
			name: "IPv6 and address forms",
			xml: Doc("<feedback>", pub, ok("2001:DB8::1", "1"), ok("[2001:db8::1]", "1"), ok("IPv6:2001:db8:0:0::1", "1"),
				ok("::ffff:192.0.2.9", "1"), ok("192.000.002.009", "1"), ok(" 198.51.100.1\n", "1")),
			schema: SchemaRFC7489, pct: -1,
			sources: []wantSource{{ip: "2001:db8::1", messages: 3, pass: 3, dkimAl: 3, spfAl: 3}, {ip: "192.0.2.9", messages: 2, pass: 2, dkimAl: 2, spfAl: 2},
				{ip: "198.51.100.1", messages: 1, pass: 1, dkimAl: 1, spfAl: 1}},
		},
		{
			name: "several auth_results: two DKIM, SPF helo and mfrom",
			xml: Doc("<feedback>", pub, `<record><row><source_ip>192.0.2.1</source_ip><count>5</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>
<identifiers><header_from>example.com</header_from></identifiers>
<auth_results><dkim><domain>esp.example</domain><selector>a</selector><result>pass</result></dkim><dkim><domain>example.com</domain><selector>b</selector><result>fail</result></dkim>
<spf><domain>mta.esp.example</domain><scope>helo</scope><result>pass</result></spf><spf><domain>bounce.esp.example</domain><scope>mfrom</scope><result>softfail</result></spf></auth_results></record>`,
				`<record><row><source_ip>192.0.2.1</source_ip><count>1</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>
<identifiers><header_from>example.com</header_from></identifiers><auth_results></auth_results><auth_results><spf><domain>x.example</domain><result>none</result></spf></auth_results></record>`),
			schema: SchemaRFC7489, pct: -1,
			sources: []wantSource{{ip: "192.0.2.1", messages: 6, envelopeFrom: []string{"bounce.esp.example", "x.example"}, dkimDom: []string{"esp.example", "example.com"}}},
			check: func(t *testing.T, s *Set) {
				src := SourceOf(s, "192.0.2.1")
				if src.DKIMResults[ResultPass] != 5 || src.DKIMResults[ResultNone] != 1 || src.SPFResults[ResultSoftFail] != 5 {
					t.Errorf("raw results dkim %v spf %v", src.DKIMResults, src.SPFResults)
				}
				if c := src.DKIMDomains.List[1]; c.Fail != 5 {
					t.Errorf("own signature failures = %+v", c)
				}
			},
		},
		{
			name: "whitespace and capitals in values and element names",
			xml: Doc("<feedback>", "<domain> Example.COM. </domain><p> Reject </p>",
				`<Record><Row><Source_IP> 192.0.2.1 </Source_IP><Count> 3 </Count><Policy_Evaluated><Disposition>REJECT</Disposition><DKIM> Fail </DKIM><SPF>PASS</SPF></Policy_Evaluated></Row>
<Identifiers><Header_From>EXAMPLE.com</Header_From></Identifiers><Auth_Results><SPF><Domain>Example.com</Domain><Result>Pass</Result></SPF></Auth_Results></Record>`),
			schema: SchemaRFC7489, pct: -1,
			sources: []wantSource{{ip: "192.0.2.1", messages: 3, pass: 3, spfAl: 3, headerFrom: []string{"example.com"}, envelopeFrom: []string{"example.com"}}},
			check: func(t *testing.T, s *Set) {
				if p := s.Reports()[0].Published; p.Domain != "example.com" || p.P != PolicyReject {
					t.Errorf("published = %+v", p)
				}
			},
		},
		{
			name: "identities instead of identifiers, report_id in angle brackets, fractional dates",
			xml: strings.NewReplacer("<report_id>r1</report_id>", "<report_id>&lt;r1@receiver.example&gt;</report_id>", "<begin>1700000000</begin>", "<begin>1700000000.0</begin>").Replace(
				Doc("<feedback>", pub, `<record><row><source_ip>192.0.2.1</source_ip><count>2</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>
<identities><header_from>example.com</header_from><envelope_from>bounce.example.com</envelope_from></identities><auth_results/></record>`)),
			schema: SchemaRFC7489, pct: -1,
			sources: []wantSource{{ip: "192.0.2.1", messages: 2, pass: 2, dkimAl: 2, spfAl: 2, headerFrom: []string{"example.com"}, envelopeFrom: []string{"bounce.example.com"}}},
			check: func(t *testing.T, s *Set) {
				r := s.Reports()[0]
				if r.ReportID != "r1@receiver.example" || r.Begin != 1700000000 {
					t.Errorf("report = %+v", r)
				}
			},
		},
		{
			name:   "windows-1252 declaration",
			xml:    strings.Replace(strings.Replace(Doc("<feedback>", pub, ok("192.0.2.1", "1")), "UTF-8", "windows-1252", 1), "receiver.example</org_name>", "Receiver \x93Mail\x94</org_name>", 1),
			schema: SchemaRFC7489, pct: -1,
			sources: []wantSource{{ip: "192.0.2.1", messages: 1, pass: 1, dkimAl: 1, spfAl: 1}},
			check: func(t *testing.T, s *Set) {
				if r := s.Reports()[0]; r.OrgName != "Receiver “Mail”" {
					t.Errorf("org_name = %q", r.OrgName)
				}
			},
		},
		{
			name: "policy override reasons and ARC",
			xml: Doc("<feedback>", pub, `<record><row><source_ip>192.0.2.1</source_ip><count>4</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf>
<reason><type>local_policy</type><comment>arc=pass as.1.google.com=pass</comment></reason><reason><type>Mailing_List</type></reason><reason><type>invented</type></reason></policy_evaluated></row>
<identifiers><header_from>example.com</header_from></identifiers><auth_results/></record>`),
			schema: SchemaRFC7489, pct: -1,
			sources: []wantSource{{ip: "192.0.2.1", messages: 4}},
			check: func(t *testing.T, s *Set) {
				src := SourceOf(s, "192.0.2.1")
				if src.ARCPass != 4 || src.Overrides[OverrideMailingList] != 4 || src.Overrides[OverrideLocalPolicy] != 4 || src.Overrides[OverrideOther] != 4 {
					t.Errorf("overrides %v arc %d", src.Overrides, src.ARCPass)
				}
			},
		},
		{
			name:   "rows merged by IP, extension and unknown elements skipped",
			xml:    Doc("<feedback>", pub+"<extra>x</extra>", "<extension><x:y xmlns:x=\"urn:x\">z</x:y></extension>", ok("192.0.2.1", "1"), ok("192.0.2.1", "2")),
			schema: SchemaRFC7489, pct: -1,
			sources: []wantSource{{ip: "192.0.2.1", messages: 3, pass: 3, dkimAl: 3, spfAl: 3}},
		},
		{
			name:   "missing policy domain: rows kept under header_from",
			xml:    Doc("<feedback>", "<p>none</p>", ok("192.0.2.1", "1")),
			schema: SchemaRFC7489, pct: -1,
			sources: []wantSource{{ip: "192.0.2.1", messages: 1, pass: 1, dkimAl: 1, spfAl: 1}},
			codes:   []string{"report.no_domain"},
			check: func(t *testing.T, s *Set) {
				if d := SourceOf(s, "192.0.2.1").Domain; d != "example.com" {
					t.Errorf("domain = %q", d)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ReadAll(t, Limits{}, "r.xml", tt.xml)
			for _, e := range s.Errors() {
				t.Fatalf("error: %v", e)
			}
			reps := s.Reports()
			if len(reps) != 1 {
				t.Fatalf("%d reports", len(reps))
			}
			if reps[0].Schema != tt.schema || reps[0].Published.Pct != tt.pct {
				t.Errorf("schema %s pct %d, want %s %d", reps[0].Schema, reps[0].Published.Pct, tt.schema, tt.pct)
			}
			if got := Codes(s); !slices.Equal(got, tt.codes) {
				t.Errorf("problems %v, want %v (%+v)", got, tt.codes, reps[0].Problems)
			}
			if n := len(s.Sources()); n != len(tt.sources) {
				t.Errorf("%d sources, want %d", n, len(tt.sources))
			}
			for _, w := range tt.sources {
				src := SourceOf(s, w.ip)
				if src == nil {
					t.Errorf("no source %s", w.ip)
					continue
				}
				if src.Messages != w.messages || src.DMARCPass != w.pass || src.DKIMAligned != w.dkimAl || src.SPFAligned != w.spfAl {
					t.Errorf("%s: messages %d pass %d dkim %d spf %d, want %d %d %d %d", w.ip, src.Messages, src.DMARCPass, src.DKIMAligned, src.SPFAligned,
						w.messages, w.pass, w.dkimAl, w.spfAl)
				}
				if w.headerFrom != nil && !slices.Equal(src.HeaderFrom.Strings(), w.headerFrom) {
					t.Errorf("header_from %v, want %v", src.HeaderFrom.Strings(), w.headerFrom)
				}
				if w.envelopeFrom != nil && !slices.Equal(src.EnvelopeFrom.Strings(), w.envelopeFrom) {
					t.Errorf("envelope_from %v, want %v", src.EnvelopeFrom.Strings(), w.envelopeFrom)
				}
				if w.dkimDom != nil && !slices.Equal(src.DKIMDomains.Strings(), w.dkimDom) {
					t.Errorf("dkim domains %v, want %v", src.DKIMDomains.Strings(), w.dkimDom)
				}
			}
			if tt.check != nil {
				tt.check(t, s)
			}
		})
	}
}

func TestDomainsKeptApartAndDuplicatesCountedOnce(t *testing.T) {
	other := strings.Replace(Plain("r2"), "<domain>example.com</domain>", "<domain>example.org</domain>", 1)
	s := ReadAll(t, Limits{}, "a.xml", Plain("r1"), "b.xml", Plain("r1"), "c.xml", other)
	if n := len(s.Reports()); n != 3 {
		t.Fatalf("%d reports", n)
	}
	if !s.Reports()[1].Duplicate || s.Reports()[2].Duplicate {
		t.Errorf("duplicate flags wrong")
	}
	var msgs int64
	domains := map[string]bool{}
	for _, src := range s.Sources() {
		msgs += src.Messages
		domains[src.Domain] = true
	}
	if msgs != 10 || len(s.Sources()) != 4 || !domains["example.org"] {
		t.Errorf("messages %d over %d sources, domains %v", msgs, len(s.Sources()), domains)
	}
}
