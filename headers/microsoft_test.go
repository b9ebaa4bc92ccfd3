package headers

import "testing"

func TestParseForefront(t *testing.T) {
	f := ParseForefront("CIP:52.58.62.203;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:mail.example.com;PTR:mail.example.com;CAT:NONE;SFS:(13230031)(4636009);DIR:INB;")
	if f.CIP.String() != "52.58.62.203" || f.SFV != "NSPM" || f.SCL != "1" || f.CAT != "NONE" || f.DIR != "INB" || f.H != "mail.example.com" {
		t.Errorf("got %+v", f)
	}
	if len(f.Pairs) != 12 {
		t.Errorf("%d pairs, want 12", len(f.Pairs))
	}
}

func TestSPFCommentIP(t *testing.T) {
	if ip, ok := spfCommentIP("sender IP is 52.58.62.203"); !ok || ip.String() != "52.58.62.203" {
		t.Errorf("spfCommentIP = %v, %v", ip, ok)
	}
}
