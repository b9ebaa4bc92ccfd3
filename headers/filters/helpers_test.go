package filters

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxray/mxray/headers"
	"github.com/mxray/mxray/headers/internal/headerstest"
)

// repoTestdata is the project's shared test data.
const repoTestdata = "../../testdata"

// load parses and analyses a header file of the project's testdata. Files
// of the stalwart-mail-auth sets start with DNS records and a blank line,
// which are skipped.
func load(t testing.TB, rel string) (*headers.Message, *headers.Analysis) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoTestdata, rel))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(rel, "stalwart-mail-auth") {
		if i := strings.Index(string(raw), "\n\n"); i >= 0 {
			raw = raw[i+2:]
		}
	}
	return headerstest.Parse(t, string(raw))
}

// receivedAt builds a message received by Microsoft 365 from an outside
// server, with extra fields placed above the MX hop (the receiver's) and
// below it (the sender's).
func ms365Message(above, below string) string {
	return above +
		"Received: from DM6PR01MB0001.namprd01.prod.outlook.com (2603:10b6:5:1::1) by\n" +
		" DM6PR01MB0002.namprd01.prod.outlook.com with HTTPS; Mon, 6 Jan 2025 10:00:05 +0000\n" +
		"Received: from mail.sender.example (192.0.2.10) by\n" +
		" BN8NAM11FT001.mail.protection.outlook.com (10.13.177.1) with Microsoft SMTP Server\n" +
		" id 15.20.1.1 via Frontend Transport; Mon, 6 Jan 2025 10:00:03 +0000\n" +
		below +
		"Received: from [198.51.100.7] (client.sender.example [198.51.100.7])\n" +
		"\tby mail.sender.example (Postfix) with ESMTPSA id 5678\n" +
		"\tfor <bob@receiver.example>; Mon, 6 Jan 2025 10:00:00 +0000\n" +
		"From: Alice <alice@sender.example>\n" +
		"To: bob@receiver.example\n" +
		"Subject: hello\n" +
		"Date: Mon, 6 Jan 2025 10:00:00 +0000\n" +
		"Message-ID: <1@sender.example>\n"
}

// postfixMessage builds a message received by mx.receiver.example
// (Postfix) from the sender's outbound server, which got it from the
// sender's submission server.
func postfixMessage(above, entry, below, bottom string) string {
	return "Return-Path: <alice@sender.example>\n" + above +
		"Received: from mail.sender.example (mail.sender.example [192.0.2.10])\n" +
		"\tby mx.receiver.example (Postfix) with ESMTPS id 1234\n" +
		"\tfor <bob@receiver.example>; Mon, 6 Jan 2025 10:00:02 +0000\n" +
		entry +
		"Received: from out.sender.example (out.sender.example [192.0.2.11])\n" +
		"\tby mail.sender.example (Postfix) with ESMTPS id 9999\n" +
		"\tfor <bob@receiver.example>; Mon, 6 Jan 2025 10:00:01 +0000\n" +
		below +
		"Received: from [198.51.100.7] (client.sender.example [198.51.100.7])\n" +
		"\tby out.sender.example (Postfix) with ESMTPSA id 5678\n" +
		"\tfor <bob@receiver.example>; Mon, 6 Jan 2025 10:00:00 +0000\n" +
		"From: Alice <alice@sender.example>\n" +
		"To: bob@receiver.example\n" +
		"Subject: hello\n" +
		"Date: Mon, 6 Jan 2025 10:00:00 +0000\n" +
		"Message-ID: <1@sender.example>\n" + bottom
}

// only returns the single verdict of vs, failing otherwise.
func only(t testing.TB, vs []FilterVerdict) FilterVerdict {
	t.Helper()
	if len(vs) != 1 {
		t.Fatalf("got %d verdicts, want 1: %+v", len(vs), vs)
	}
	return vs[0]
}

// signal returns the first signal named name.
func signal(t testing.TB, v FilterVerdict, name string) Signal {
	t.Helper()
	for _, s := range v.Signals {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no signal %q in %+v", name, v.Signals)
	return Signal{}
}

func fptr(v float64) *float64 { return &v }

func eqNum(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func numStr(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmtNum(*p)
}
