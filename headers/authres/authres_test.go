package authres

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// brief renders results as "method=result{prop=value,…}" for comparison.
func brief(rs []AuthResult) string {
	var parts []string
	for _, r := range rs {
		var ps []string
		if r.Reason != "" {
			ps = append(ps, "reason="+r.Reason)
		}
		for _, p := range r.Properties {
			ps = append(ps, p.Key()+"="+p.Value)
		}
		parts = append(parts, fmt.Sprintf("%s=%s{%s}", r.Method, r.Result, strings.Join(ps, ",")))
	}
	return strings.Join(parts, " ")
}

func TestParseAuthResults(t *testing.T) {
	tests := []struct {
		name, in string
		id       string
		want     string
		noResult bool
	}{
		{"RFC 8601 example", "example.com; spf=pass smtp.mailfrom=example.net", "example.com", "spf=pass{smtp.mailfrom=example.net}", false},
		{"version and none", "example.org 1; none", "example.org", "", true},
		{"Microsoft 365: no authserv-id",
			"spf=pass (sender IP is 209.85.128.41) smtp.mailfrom=gmail.com; dkim=pass (signature was verified) header.d=gmail.com;dmarc=pass action=none header.from=gmail.com;compauth=pass reason=100",
			"", "spf=pass{smtp.mailfrom=gmail.com} dkim=pass{header.d=gmail.com} dmarc=pass{action=none,header.from=gmail.com} compauth=pass{reason=100}", false},
		{"dkim-atps and dkim-adsp are not dkim",
			"mx.example.net; dkim=pass header.i=@example.com; dkim-atps=neutral; dkim-adsp=pass header.from=a@example.com",
			"mx.example.net", "dkim=pass{header.i=@example.com} dkim-atps=neutral{} dkim-adsp=pass{header.from=a@example.com}", false},
		{"quoted ; in a reason",
			`mx.example.net; dkim=fail reason="signature verification failed; body hash mismatch" header.d=example.com; spf=pass smtp.mailfrom=example.com`,
			"mx.example.net", "dkim=fail{reason=signature verification failed; body hash mismatch,header.d=example.com} spf=pass{smtp.mailfrom=example.com}", false},
		{"comments, folding and quoted values",
			"mx2.messagingengine.com;\r\n    dkim=pass (2048-bit rsa key sha256) header.d=newsletters.cnn.com\r\n      header.i=@newsletters.cnn.com header.s=v2;\r\n    spf=pass\r\n      smtp.mailfrom=\r\n      \"bounce-x=2@newsletters.cnn.com\"\r\n      smtp.helo=out.example",
			"mx2.messagingengine.com", "dkim=pass{header.d=newsletters.cnn.com,header.i=@newsletters.cnn.com,header.s=v2} spf=pass{smtp.mailfrom=bounce-x=2@newsletters.cnn.com,smtp.helo=out.example}", false},
		{"Yahoo: no ; after the authserv-id",
			"mta1007.mail.sp2.yahoo.com  from=reactive-outpost.com; domainkeys=neutral (no sig);  from=reactive-outpost.com; dkim=neutral (no sig)",
			"mta1007.mail.sp2.yahoo.com", "from=reactive-outpost.com{} domainkeys=neutral{} from=reactive-outpost.com{} dkim=neutral{}", false},
		{"method version", "a.example; dkim/1=pass header.d=b.example", "a.example", "dkim=pass{header.d=b.example}", false},
		{"values with = and /", "mx.google.com; dkim=pass header.i=@out.srv.dev header.s=smtp header.b=g5+zMlsw", "mx.google.com", "dkim=pass{header.i=@out.srv.dev,header.s=smtp,header.b=g5+zMlsw}", false},
		{"Microsoft empty sender IP", "spf=none (sender IP is ) smtp.mailfrom=<>; ", "", "spf=none{smtp.mailfrom=<>}", false},
		{"quoted authserv-id", `"mx.example.net"; spf=fail smtp.mailfrom=a@b.example`, "mx.example.net", "spf=fail{smtp.mailfrom=a@b.example}", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ar, err := ParseAuthResults(tt.in)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if ar.AuthServID != tt.id || brief(ar.Results) != tt.want || ar.NoResult != tt.noResult {
				t.Errorf("got id %q results %q none %v\nwant id %q results %q none %v", ar.AuthServID, brief(ar.Results), ar.NoResult, tt.id, tt.want, tt.noResult)
			}
		})
	}
}

func TestParseAuthResultsComments(t *testing.T) {
	ar, _ := ParseAuthResults("mx.example.net; spf=pass (mx.example.net: domain of a@b.example designates 192.0.2.1 as permitted sender) smtp.mailfrom=a@b.example")
	if len(ar.Results) != 1 || !strings.Contains(ar.Results[0].Comment, "designates 192.0.2.1") {
		t.Fatalf("comment not kept: %+v", ar.Results)
	}
	if v, ok := ar.Results[0].Prop("SMTP.MailFrom"); !ok || v != "a@b.example" {
		t.Errorf("Prop is not case-insensitive: %q %v", v, ok)
	}
}

func TestParseAuthResultsErrors(t *testing.T) {
	for _, in := range []string{"", "mx.example.net;", "mx.example.net; =pass", "mx.example.net; spf pass"} {
		_, err := ParseAuthResults(in)
		var are *AuthResError
		if !errors.Is(err, ErrAuthResults) || !errors.As(err, &are) {
			t.Errorf("ParseAuthResults(%q) err = %v, want an *AuthResError", in, err)
		}
	}
	// A broken resinfo does not lose the ones around it.
	ar, err := ParseAuthResults("mx.example.net; spf=pass smtp.mailfrom=a.example; garbage; dkim=fail header.d=b.example")
	if err == nil || brief(ar.Results) != "spf=pass{smtp.mailfrom=a.example} dkim=fail{header.d=b.example}" {
		t.Errorf("got %q, %v", brief(ar.Results), err)
	}
}

func TestParseReceivedSPF(t *testing.T) {
	tests := []struct {
		name, in                       string
		result                         Result
		ip, env, helo, identity, recvr string
		host                           string
	}{
		{"RFC 7208 §9.1 example", `Pass (mybox.example.org: domain of myname@example.com designates 192.0.2.1 as permitted sender) receiver=mybox.example.org; client-ip=192.0.2.1; envelope-from="myname@example.com"; helo=foo.example.com;`,
			ResultPass, "192.0.2.1", "myname@example.com", "foo.example.com", "", "mybox.example.org", "mybox.example.org"},
		{"Gmail", "neutral (google.com: 209.85.220.41 is neither permitted nor denied by best guess record for domain of a@tr.ee) client-ip=209.85.220.41;",
			ResultNeutral, "209.85.220.41", "", "", "", "", "google.com"},
		{"missing ; between pairs", "Pass (zonemx.eu: domain of gmail.com designates 209.85.167.179 as permitted sender) receiver=zonemx.eu; identity=mailfrom; client-ip=209.85.167.179 helo=mail-oi1-f179.google.com; envelope-from=<andris.reinman@gmail.com>",
			ResultPass, "209.85.167.179", "andris.reinman@gmail.com", "mail-oi1-f179.google.com", "mailfrom", "zonemx.eu", "zonemx.eu"},
		{"Microsoft, no pairs", "SoftFail (protection.outlook.com: domain of transitioning ninomail.com discourages use of 52.58.62.203 as permitted sender)",
			ResultSoftFail, "", "", "", "", "", "protection.outlook.com"},
		{"folded", "pass\r\n    (messagingengine.com: Sender is authorized)\r\n    receiver=mx5.messagingengine.com;\r\n    identity=mailfrom;\r\n    client-ip=66.111.4.25",
			ResultPass, "66.111.4.25", "", "", "mailfrom", "mx5.messagingengine.com", "messagingengine.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseReceivedSPF(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			ip := ""
			if r.ClientIP.IsValid() {
				ip = r.ClientIP.String()
			}
			if r.Result != tt.result || ip != tt.ip || r.EnvelopeFrom != tt.env || r.HELO != tt.helo || r.Identity != tt.identity || r.Receiver != tt.recvr || r.CommentHost() != tt.host {
				t.Errorf("got %+v (comment host %q)", r, r.CommentHost())
			}
		})
	}
	if _, err := ParseReceivedSPF("   "); !errors.Is(err, ErrReceivedSPF) {
		t.Errorf("empty Received-SPF: err = %v", err)
	}
}
