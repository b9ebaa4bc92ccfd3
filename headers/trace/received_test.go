package trace

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseReceivedClientIP(t *testing.T) {
	tests := []struct {
		name, in       string
		ip, helo, rdns string
		helogiven      bool
	}{
		{"Postfix", "from mail.example.com (mail.example.com [192.0.2.10]) by mx.example.net (Postfix) with ESMTPS id 4F1; Mon, 1 Jan 2024 00:00:00 +0000",
			"192.0.2.10", "mail.example.com", "mail.example.com", false},
		{"Postfix unknown rDNS", "from helo.example (unknown [198.51.100.7]) by mx.example.net (Postfix) with ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0000",
			"198.51.100.7", "helo.example", "", false},
		{"Gmail trailing dot", "from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id e2; Mon, 02 Nov 2020 01:57:24 -0800 (PST)",
			"209.85.220.41", "mail-sor-f41.google.com", "mail-sor-f41.google.com.", false},
		{"IPv6 literal", "from gal.iecc.com (gal.iecc.com [IPv6:2001:470:1f07:1126:0:43:6f73:7461]) by ietfa.amsl.com (Postfix) with ESMTPS id C9; Sun, 27 Aug 2023 03:00:06 -0700",
			"2001:470:1f07:1126:0:43:6f73:7461", "gal.iecc.com", "gal.iecc.com", false},
		{"IPv6 in RFC 5952 form", "from a.example (a.example [IPv6:2001:0DB8:0000:0000:0000:0000:0000:0001]) by b.example; Mon, 1 Jan 2024 00:00:00 +0000",
			"2001:db8::1", "a.example", "a.example", false},
		{"IPv4-mapped is IPv4", "from Agni (localhost [::ffff:198.51.100.1]) by agni.example with esmtp; Mon, 28 Oct 2002 14:48:52 -0800",
			"198.51.100.1", "Agni", "localhost", false},
		{"Exchange unbracketed IPv6", "from VI1PR0601CA0032.eurprd06.prod.outlook.com (2603:10a6:800:1e::42) by DB5PR06MB1800.eurprd06.prod.outlook.com (2a01:111:e400:7905::18) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256) id 15.20.77.7; Fri, 13 Oct 2017 11:10:16 +0000",
			"2603:10a6:800:1e::42", "VI1PR0601CA0032.eurprd06.prod.outlook.com", "", false},
		{"Exchange IPv4, version id", "from EXC-DAG-02.global.net (203.0.113.152) by EXC-DAG-03.global.net (203.0.113.153) with Microsoft SMTP Server id 15.1.1261.35; Mon, 29 Oct 2018 11:17:19 +0100",
			"203.0.113.152", "EXC-DAG-02.global.net", "", false},
		{"zone id stripped", "from AM5PR.prod.outlook.com ([fe80::19bd:c588:dd17:5226%6]) by AM5PR2.prod.outlook.com with mapi id 15.20.1943.023; Wed, 5 Jun 2019 10:17:08 +0000",
			"fe80::19bd:c588:dd17:5226", "AM5PR.prod.outlook.com", "", false},
		{"Exim helo= and port", "from [203.0.113.4]:52313 (helo=client.example) by mx.example.net with esmtps (TLS1.3) (Exim 4.96) id 1r; Mon, 1 Jan 2024 00:00:00 +0000",
			"203.0.113.4", "client.example", "", true},
		{"Exim ([ip] helo=)", "from sc8.example.net ([198.51.100.13] helo=sc8-list.example.net) by list2.example.net with esmtp (Exim 3.31) id 18t; Wed, 12 Mar 2003 01:58:13 -0800",
			"198.51.100.13", "sc8-list.example.net", "", true},
		{"sendmail may be forged", "from mail1.example.com (host66.example.com [198.51.100.66] (may be forged)) by dogma.example.org (8.11.6/8.11.6) with ESMTP id h2F; Sat, 15 Mar 2003 00:38:03 GMT",
			"198.51.100.66", "mail1.example.com", "host66.example.com", false},
		{"qmail HELO and ip", "from unknown (HELO relay.example) (198.51.100.20) by mx.example.net with SMTP; 24 May 2016 12:30:11 -0000",
			"198.51.100.20", "relay.example", "", true},
		{"qmail empty HELO", "from unknown (HELO ) (185.137.84.106) by smtp.example.net with SMTP; 24 May 2016 12:30:11 -0000",
			"185.137.84.106", "", "", true},
		{"Yahoo name part is an IP", "from 127.0.0.1  (EHLO reactive-outpost.com) (74.206.28.55) by mta1007.mail.sp2.yahoo.com with SMTP; Fri, 10 Dec 2010 19:20:19 -0800",
			"74.206.28.55", "reactive-outpost.com", "", true},
		{"bare bracketed address", "from client1.football.example.com  [192.0.2.1] by submitserver.example.com with SUBMISSION; Fri, 11 Jul 2003 21:01:54 -0700 (PDT)",
			"192.0.2.1", "client1.football.example.com", "", false},
		{"address literal from-name only", "from [41.222.192.69] by web82107.mail.mud.yahoo.com via HTTP; Thu, 03 Dec 2009 10:50:22 PST",
			"41.222.192.69", "[41.222.192.69]", "", false},
		{"no IP anywhere", "by luna.mailgun.net with HTTP; Fri, 13 Oct 2017 11:10:11 +0000", "", "", "", false},
		{"never from id or by", "from relay.example by 203.0.113.9 with SMTP id 10.20.30.40; Mon, 1 Jan 2024 00:00:00 +0000", "", "relay.example", "", false},
		{"never from a version in a comment", "from 127.0.0.1 (AVG SMTP 7.0.299 [265.6.8]); Wed, 05 Jan 2005 15:06:48 -0800", "127.0.0.1", "127.0.0.1", "", false},
		{"unclosed comment", "from x.example (x.example [192.0.2.5] by y.example; Mon, 1 Jan 2024 00:00:00 +0000", "192.0.2.5", "x.example", "x.example", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseReceived(tt.in)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			ip := ""
			if r.IP.IsValid() {
				ip = r.IP.String()
			}
			if ip != tt.ip || r.HELO != tt.helo || r.RDNS != tt.rdns || r.HELOGiven != tt.helogiven {
				t.Errorf("ip/helo/rdns/given = %q/%q/%q/%v, want %q/%q/%q/%v", ip, r.HELO, r.RDNS, r.HELOGiven, tt.ip, tt.helo, tt.rdns, tt.helogiven)
			}
		})
	}
}

func TestParseReceivedDates(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name, in string
		want     string // RFC 3339 UTC; "" = no date
		note     string // a note the field must carry
	}{
		{"obsolete zone name", "from a by b; Fri, 02 Jun 2006 08:15:21 PDT", "2006-06-02T15:15:21Z", ""},
		{"-0000", "from a by b; 13 Feb 2003 20:59:28 -0000", "2003-02-13T20:59:28Z", ""},
		{"missing semicolon", "from a by b with ESMTP id BQB0hUH2 Thu, 20 Feb 2003 16:13:20 -0700 (PST)", "2003-02-20T23:13:20Z", "no “;”"},
		{"fractional seconds", "from a by b; Thu, 02 Apr 2020 07:53:55.516 +0000 (UTC)", "2020-04-02T07:53:55.516Z", ""},
		{"ISO 8601", "from a by b; 2023-10-23T21:23:08Z", "2023-10-23T21:23:08Z", ""},
		{"ISO with offset", "from a by b; 2023-10-23 23:23:08 +02:00", "2023-10-23T21:23:08Z", ""},
		{"trailing comment with envelope-from", "from localhost (127.0.0.1) by h.example id x; Fri, 10 Dec 2010 22:08:27 -0800 (envelope-from <r@example.com>)", "2010-12-11T06:08:27Z", ""},
		{"asctime zone before year", "from a by b; Fri Sep 14 14:36:56 EDT 2018", "2018-09-14T18:36:56Z", ""},
		{"military zone reads as -0000", "from a by b; Thu, 10 Jul 1997 14:53:31 A", "1997-07-10T14:53:31Z", ""},
		{"unreadable date is a note", "from a by b; 14:47:44 +0000", "", "cannot be read"},
		{"folded", "from a\r\n by b;\r\n\tMon, 01 Apr 2024\r\n 01:02:19 GMT", "2024-04-01T01:02:19Z", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseReceived(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.want == "" && !r.Date.IsZero():
				t.Errorf("date = %v, want none", r.Date)
			case tt.want != "" && !r.Date.Equal(utc(tt.want)):
				t.Errorf("date = %v, want %s", r.Date, tt.want)
			}
			if tt.note != "" {
				found := false
				for _, n := range r.Notes {
					found = found || strings.Contains(n, tt.note)
				}
				if !found {
					t.Errorf("notes %q lack %q", r.Notes, tt.note)
				}
			}
		})
	}
}

func TestParseReceivedClauses(t *testing.T) {
	r, err := ParseReceived("from smtp11.ggg.com ([66.202.209.213]:59716)\r\n\tby mx34.test.it with esmtp (envelope-from <noreply@ggg.com>)\r\n\tid 1dWJDl-00035d-BU\r\n\tfor mvk2008_64@test.it; Sat, 15 Jul 2017 12:18:41 +0300")
	if err != nil {
		t.Fatal(err)
	}
	if r.By != "mx34.test.it" || r.With != "esmtp" || r.Proto != ProtoESMTP || r.ID != "1dWJDl-00035d-BU" ||
		r.For != "mvk2008_64@test.it" || r.EnvelopeFrom != "noreply@ggg.com" {
		t.Errorf("got %+v", r)
	}
	// XMail and IBM write the envelope sender as "from <…>" after by.
	r, _ = ParseReceived("from list.example (198.51.100.86:23198) by mx1.example.net with [XMail 1.20 ESMTP Server] id <S72E> for <j@example.org> from <bounce@example.com>; Sat, 18 Sep 2004 23:17:54 -0500")
	if r.EnvelopeFrom != "bounce@example.com" || r.From != "list.example" || r.ID != "S72E" || r.Proto != ProtoESMTP {
		t.Errorf("XMail: %+v", r)
	}
	// LMTP and local hand-offs.
	for in, want := range map[string]Protocol{
		"from a by b with LMTPA; Mon, 1 Jan 2024 00:00:00 +0000":            ProtoLMTPA,
		"from a by b with local-esmtp (Exim 4.43) id 1; Mon, 1 Jan 2024":    ProtoESMTP,
		"from a by b with local (Exim 4.12) id 1; Mon, 1 Jan 2024":          ProtoLocal,
		"from a by b with Microsoft SMTP Server (version=TLS1_2) id 15.1.1": ProtoSMTP,
		"from a by b with ESMTP-TLS id 2088434":                             ProtoESMTPS,
	} {
		r, _ := ParseReceived(in)
		if r.Proto != want {
			t.Errorf("%q: protocol %q, want %q", in, r.Proto, want)
		}
	}
}

func TestParseReceivedErrors(t *testing.T) {
	for _, in := range []string{"", "   ", "(just a comment)", "; not a date at all"} {
		_, err := ParseReceived(in)
		var re *ReceivedError
		if !errors.Is(err, ErrReceived) || !errors.As(err, &re) {
			t.Errorf("ParseReceived(%q) err = %v, want a *ReceivedError", in, err)
		}
	}
	if _, err := ParseReceived("(qmail 27981 invoked by uid 225); 14 Mar 2003 07:24:34 -0000"); err != nil {
		t.Errorf("a date alone is a readable hop: %v", err)
	}
}
