package filters

import (
	"strings"
	"testing"

	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/internal/headerstest"
)

func TestParseSAStatus(t *testing.T) {
	tests := []struct {
		name, value string
		yesNo       string
		score, req  *float64
		tests       []string
		scores      []string // per-rule scores, "" when none
		autolearn   string
		version     string
	}{
		{"default template", "Yes, score=7.9 required=5.0 tests=EMPTY_MESSAGE,MISSING_DATE, MISSING_FROM autolearn=no autolearn_force=no version=3.4.0",
			"Yes", fptr(7.9), fptr(5), []string{"EMPTY_MESSAGE", "MISSING_DATE", "MISSING_FROM"}, nil, "no", "3.4.0"},
		// SpamAssassin 2.6x folded the list and dropped the comma at the fold.
		{"old fold without comma", "Yes, score=14.0 required=5.0 tests=BAYES_99,CALL_FREE\t DATE_IN_PAST_12_24,DCC_CHECK autolearn=spam version=2.60-cvs",
			"Yes", fptr(14), fptr(5), []string{"BAYES_99", "CALL_FREE", "DATE_IN_PAST_12_24", "DCC_CHECK"}, nil, "spam", "2.60-cvs"},
		{"hits", "No, hits=-102.4 required=3.5 tests=BAYES_00,DKIM_SIGNED autolearn=ham version=3.002005",
			"No", fptr(-102.4), fptr(3.5), []string{"BAYES_00", "DKIM_SIGNED"}, nil, "ham", "3.002005"},
		{"amavisd-new", "No, score=-7.107 tagged_above=-999 required=5 tests=[BAYES_00=-1.9, DKIM_SIGNED=0.1,  RCVD_IN_DNSWL_HI=-5] autolearn=ham autolearn_force=no",
			"No", fptr(-7.107), fptr(5), []string{"BAYES_00", "DKIM_SIGNED", "RCVD_IN_DNSWL_HI"}, []string{"-1.9", "0.1", "-5"}, "ham", ""},
		{"no tests", "No, score=0.0 required=5.0 tests=none autolearn=ham version=3.4.6", "No", fptr(0), fptr(5), nil, nil, "ham", "3.4.6"},
		{"flag only", "Yes", "Yes", nil, nil, nil, nil, "", ""},
		{"rspamd style", "No, score=-0.50", "No", fptr(-0.5), nil, nil, nil, "", ""},
		{"no yes or no", "score=3 required=5", "", fptr(3), fptr(5), nil, nil, "", ""},
		{"garbage", "=== ,,, [[", "", nil, nil, nil, nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := parseSAStatus(headers.Field{Name: "X-Spam-Status", Value: tt.value})
			if st.yesNo != tt.yesNo || !eqNum(st.score, tt.score) || !eqNum(st.required, tt.req) || st.autolearn != tt.autolearn || st.version != tt.version {
				t.Errorf("got %q score %s required %s autolearn %q version %q", st.yesNo, numStr(st.score), numStr(st.required), st.autolearn, st.version)
			}
			var names, scores []string
			for _, h := range st.tests {
				names = append(names, h.name)
				if h.score != nil {
					scores = append(scores, fmtNum(*h.score))
				}
			}
			if strings.Join(names, " ") != strings.Join(tt.tests, " ") || strings.Join(scores, " ") != strings.Join(tt.scores, " ") {
				t.Errorf("tests %v scores %v, want %v %v", names, scores, tt.tests, tt.scores)
			}
		})
	}
}

// X-Spam-Report as SpamAssassin writes it with report_safe 0 (the _REPORT_
// tag): folded, one rule per "*" line, details on continuation lines.
func TestParseSAReport(t *testing.T) {
	raw := "X-Spam-Report:\r\n" +
		"\t*  3.5 BAYES_99 BODY: Bayes spam probability is 99 to 100%\r\n" +
		"\t*      [score: 1.0000]\r\n" +
		"\t*  0.0 URIBL_BLOCKED ADMINISTRATOR NOTICE: The query to URIBL was blocked.\r\n" +
		"\t* -0.0 SPF_PASS SPF: sender matches SPF record\r\n" +
		"\t*  1.2 LOCAL_RULE something local"
	f := headers.Field{Name: "X-Spam-Report", Raw: raw}
	hits, sc, req := parseSAReport(f)
	if sc != nil || req != nil {
		t.Errorf("a terse report has no totals: %s %s", numStr(sc), numStr(req))
	}
	want := []string{"BAYES_99=3.5", "URIBL_BLOCKED=0", "SPF_PASS=-0", "LOCAL_RULE=1.2"}
	var got []string
	for _, h := range hits {
		got = append(got, h.name+"="+fmtNum(*h.score))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %v, want %v", got, want)
	}
	if hits[0].detail != "[score: 1.0000]" || !strings.HasPrefix(hits[0].desc, "BODY: Bayes") {
		t.Errorf("BAYES_99: desc %q detail %q", hits[0].desc, hits[0].detail)
	}
	// The full report (cPanel's X-Ham-Report) carries the totals.
	full := "X-Ham-Report: Spam detection software, running on the system \"server.def.com\",\n has\n" +
		" Content preview:  Hello,\n 50 OFF everything this week\n -1 BIG DEAL [...]\n\n" +
		" Content analysis details:   (-1.9 points, 5.0 required)\n\n" +
		"  pts rule name              description\n" +
		" ---- ---------------------- --------------------------------------------------\n" +
		" -1.9 BAYES_00               BODY: Bayes spam probability is 0 to 1%\n" +
		"                             [score: 0.0000]\n"
	hits, sc, req = parseSAReport(headers.Field{Name: "X-Ham-Report", Raw: full})
	if !eqNum(sc, fptr(-1.9)) || !eqNum(req, fptr(5)) || len(hits) != 1 || hits[0].detail != "[score: 0.0000]" {
		t.Errorf("full report: %s %s %+v", numStr(sc), numStr(req), hits)
	}
}

func TestDecodeSpamAssassin(t *testing.T) {
	fs := []headers.Field{
		{Name: "X-Spam-Checker-Version", Value: "SpamAssassin 4.0.0 (2022-12-13) on mx.receiver.example"},
		{Name: "X-Spam-Flag", Value: "YES"},
		{Name: "X-Spam-Level", Value: "*******"},
		{Name: "X-Spam-Status", Value: "Yes, score=7.9 required=5.0 tests=BAYES_99,DKIM_SIGNED, NOT_A_SHIPPED_RULE,T_SPF_PASS autolearn=no autolearn_force=no version=4.0.0"},
	}
	v := decodeSpamAssassin(fs)
	if v.Verdict != Spam || !eqNum(v.Score, fptr(7.9)) || !eqNum(v.Threshold, fptr(5)) || v.Folder != NoFolder {
		t.Fatalf("got %s %s/%s %q", v.Verdict, numStr(v.Score), numStr(v.Threshold), v.Folder)
	}
	var names []string
	for _, s := range v.Signals {
		names = append(names, s.Name)
	}
	want := "X-Spam-Checker-Version X-Spam-Flag BAYES_99 DKIM_SIGNED NOT_A_SHIPPED_RULE T_SPF_PASS autolearn"
	if strings.Join(names, " ") != want {
		t.Errorf("signals %v, want %s", names, want)
	}
	if s := signal(t, v, "BAYES_99"); s.Undocumented || !strings.Contains(s.Meaning, "Bayes spam probability is 99 to 100%") || !strings.Contains(s.Meaning, "default score 3.5") {
		t.Errorf("BAYES_99 = %+v", s)
	}
	if s := signal(t, v, "NOT_A_SHIPPED_RULE"); !s.Undocumented || !strings.Contains(s.Meaning, "not a rule SpamAssassin ships") {
		t.Errorf("unknown rule = %+v", s)
	}
	if s := signal(t, v, "T_SPF_PASS"); !s.Guess || !strings.Contains(s.Meaning, "SPF_PASS") {
		t.Errorf("T_ rule = %+v", s)
	}
	if s := signal(t, v, "autolearn"); s.Meaning != "not auto-learned (the score was not clear enough)" {
		t.Errorf("autolearn = %+v", s)
	}
	if e := spamAssassinEvidence(fs); e.host != "mx.receiver.example" {
		t.Errorf("evidence host %q", e.host)
	}
	// No X-Spam-Status: the flag decides, the stars give a lower bound.
	v = decodeSpamAssassin([]headers.Field{{Name: "X-Spam-Flag", Value: "NO"}, {Name: "X-Spam-Level", Value: "**"}})
	if v.Verdict != NotSpam || !eqNum(v.Score, fptr(2)) || v.Note == "" {
		t.Errorf("flag and level: %s %s %q", v.Verdict, numStr(v.Score), v.Note)
	}
	// Score and threshold alone decide.
	v = decodeSpamAssassin([]headers.Field{{Name: "X-Spam-Status", Value: "score=6 required=5"}})
	if v.Verdict != Spam {
		t.Errorf("score 6 of 5: %s", v.Verdict)
	}
	v = decodeSpamAssassin([]headers.Field{{Name: "X-Spam-Score", Value: "1.5"}})
	if v.Verdict != Unknown || !eqNum(v.Score, fptr(1.5)) || v.Threshold != nil {
		t.Errorf("score alone: %s %s %s", v.Verdict, numStr(v.Score), numStr(v.Threshold))
	}
}

// X-Spam-Status names the rules, X-Spam-Report scores them: the score as
// the report wrote it is the value shown beside the rule, and a default
// the report rounded (-0.0 for -0.001) is not called different.
func TestSAStatusWithReport(t *testing.T) {
	v := decodeSpamAssassin([]headers.Field{
		{Name: "X-Spam-Status", Value: "No, score=-2.0 required=5.0 tests=BAYES_00,SPF_PASS,LOCAL_X autolearn=ham"},
		{Name: "X-Spam-Report", Raw: "X-Spam-Report: \r\n\t* -1.9 BAYES_00 BODY: Bayes spam probability is 0 to 1%\r\n" +
			"\t* -0.0 SPF_PASS SPF: sender matches SPF record\r\n\t* -0.1 LOCAL_X a local rule"},
	})
	tests := []struct{ name, raw, meaning string }{
		{"BAYES_00", "-1.9", "BODY: Bayes spam probability is 0 to 1%"},
		{"SPF_PASS", "-0.0", "SPF: sender matches SPF record"},
		{"LOCAL_X", "-0.1", "a local rule"},
	}
	for _, tt := range tests {
		if s := signal(t, v, tt.name); s.Raw != tt.raw || s.Meaning != tt.meaning || s.Field != "X-Spam-Status" {
			t.Errorf("%s = %+v, want raw %q meaning %q", tt.name, s, tt.raw, tt.meaning)
		}
	}
}

// Fastmail's X-Spam-Hits: rules with scores, and values that are not rules.
func TestSAHits(t *testing.T) {
	f := headers.Field{Name: "X-Spam-hits", Value: "DCC_CHECK 1.1, HTML_MESSAGE 0.001, ME_X 0.001,  USER_IN_DEF_SPF_WL -0.5, LANGUAGES en, BAYES_USED none, SA_VERSION 3.4.6"}
	hits, meta := parseSAHits(f)
	if len(hits) != 4 || len(meta) != 3 || meta[2].key != "SA_VERSION" || meta[2].value != "3.4.6" {
		t.Fatalf("hits %+v meta %+v", hits, meta)
	}
	v := decodeSpamAssassin([]headers.Field{{Name: "X-Spam-score", Value: "1.5"}, f})
	if s := signal(t, v, "LANGUAGES"); !s.Undocumented || !strings.Contains(s.Meaning, "not a rule") {
		t.Errorf("LANGUAGES = %+v", s)
	}
	if !strings.Contains(v.Summary, "largest: DCC_CHECK 1.1") {
		t.Errorf("summary %q", v.Summary)
	}
}

// TestSpamAssassinLayouts: the places real receivers put SpamAssassin's
// fields. amavisd-new writes them above its own Received field (inside the
// receiving organisation); Exim (cPanel) appends them at the end of the
// header, where only the host its report names ties them to the receiver.
func TestSpamAssassinLayouts(t *testing.T) {
	amavis := "Received: from localhost (localhost [127.0.0.1])\n\tby mail.example.com (Postfix) with ESMTP id 4ABC123; Tue, 5 Mar 2024 10:00:05 +0000\n" +
		"X-Spam-Flag: NO\nX-Spam-Score: -1.9\nX-Spam-Level:\n" +
		"X-Spam-Status: No, score=-1.9 tagged_above=-999 required=6.31\n\ttests=[BAYES_00=-1.9, DKIM_SIGNED=0.1, SPF_PASS=-0.001]\n\tautolearn=ham autolearn_force=no\n" +
		"Received: from mail.example.com ([127.0.0.1])\n\tby localhost (mail.example.com [127.0.0.1]) (amavisd-new, port 10024)\n\twith ESMTP id abc123; Tue, 5 Mar 2024 10:00:04 +0000\n" +
		"Received: from mail.sender.example (mail.sender.example [192.0.2.10])\n\tby mail.example.com (Postfix) with ESMTPS id 1DEF456; Tue, 5 Mar 2024 10:00:03 +0000\n" +
		"From: Alice <alice@sender.example>\nSubject: hi\n"
	m, a := headerstest.Parse(t, amavis)
	v := only(t, Decode(m, a))
	if !v.Trusted || v.Verdict != NotSpam || !eqNum(v.Score, fptr(-1.9)) || !eqNum(v.Threshold, fptr(6.31)) {
		t.Errorf("amavisd-new: %s %s %s/%s (%s)", v.Trust, v.Verdict, numStr(v.Score), numStr(v.Threshold), v.TrustReason)
	}
	if s := signal(t, v, "BAYES_00"); s.Raw != "-1.9" || s.Meaning != "Bayes spam probability is 0 to 1%" {
		t.Errorf("BAYES_00 = %+v", s)
	}
	exim := "Received: from mail.sender.example ([192.0.2.10]:41234)\n\tby server.host.example with esmtps (Exim 4.96.2)\n\tid 1rhS2x-0001AB-2C; Tue, 05 Mar 2024 10:00:05 +0000\n" +
		"From: Alice <alice@sender.example>\nSubject: buy now\n" +
		"X-Spam-Status: Yes, score=6.2\nX-Spam-Score: 62\n" +
		"X-Spam-Report: Spam detection software, running on the system \"server.host.example\",\n has identified this incoming email as possible spam.\n" +
		" Content preview:  Buy now\n 50 OFF everything [...]\n" +
		" Content analysis details:   (6.2 points, 5.0 required)\n  pts rule name              description\n" +
		" ---- ---------------------- --------------------------------------------------\n" +
		"  2.5 URIBL_BLACK            Contains an URL listed in the URIBL blacklist\n" +
		"  3.5 BAYES_99               BODY: Bayes spam probability is 99 to 100%\n" +
		"X-Spam-Flag: YES\n"
	m, a = headerstest.Parse(t, exim)
	v = only(t, Decode(m, a))
	if !v.Trusted || v.Verdict != Spam || !eqNum(v.Threshold, fptr(5)) || !strings.Contains(v.TrustReason, "server.host.example") {
		t.Errorf("Exim: %s %s %s (%s)", v.Trust, v.Verdict, numStr(v.Threshold), v.TrustReason)
	}
	var names []string
	for _, s := range v.Signals {
		names = append(names, s.Name+"="+s.Raw)
	}
	if got := strings.Join(names, " "); got != "URIBL_BLACK=2.5 BAYES_99=3.5 X-Spam-Flag=YES" {
		t.Errorf("Exim signals %s", got)
	}
	// The same fields naming a host that is not the receiver's are the
	// sender's.
	m, a = headerstest.Parse(t, strings.Replace(exim, `system "server.host.example"`, `system "out.sender.example"`, 1))
	if v := only(t, Decode(m, a)); v.Trusted || v.Trust != TrustEarlier || v.AddedBy != "out.sender.example" {
		t.Errorf("a sender's report: %s added by %q", v.Trust, v.AddedBy)
	}
}
