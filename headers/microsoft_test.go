package headers

import (
	"fmt"
	"testing"
)

func TestParseForefront(t *testing.T) {
	f := ParseForefront("CIP:52.58.62.203;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:mail.example.com;PTR:mail.example.com;CAT:NONE;SFS:(13230031)(4636009);DIR:INB;")
	if f.CIP.String() != "52.58.62.203" || f.SFV != "NSPM" || f.SCL != "1" || f.CAT != "NONE" || f.DIR != "INB" || f.H != "mail.example.com" {
		t.Errorf("got %+v", f)
	}
	if len(f.Pairs) != 12 {
		t.Errorf("%d pairs, want 12", len(f.Pairs))
	}
}

func TestSplitItems(t *testing.T) {
	tests := []struct {
		in   string
		sep  byte
		want string
	}{
		{"SFV:SPM;SCL:9;junk", ':', "[SFV=SPM SCL=9 junk=]"},
		{"ucf:0;jmr:1;dest:J;OFR:CustomRules;ENG:(910001)(944506478);", ':', "[ucf=0 jmr=1 dest=J OFR=CustomRules ENG=(910001)(944506478)]"},
		{"SFS:(null);PTR:(null);;", ':', "[SFS= PTR=]"},
		{"CIP:2001:db8::1;CTRY:;", ':', "[CIP=2001:db8::1 CTRY=]"},
		{"SFV:NSPM;\r\n\tSCL:1;H:mail.\r\n example", ':', "[SFV=NSPM SCL=1 H=mail. example]"},
		{"Policy=Default; Similar Internal Domain=false ;", '=', "[Policy=Default Similar Internal Domain=false]"},
		{"", ':', "[]"},
		{" ; ;", ':', "[]"},
	}
	for _, tt := range tests {
		got := []string{}
		for _, p := range SplitItems(tt.in, tt.sep) {
			got = append(got, p.Name+"="+p.Value)
		}
		if s := fmt.Sprint(got); s != tt.want {
			t.Errorf("SplitItems(%q) = %s, want %s", tt.in, s, tt.want)
		}
	}
}

func TestSPFCommentIP(t *testing.T) {
	if ip, ok := spfCommentIP("sender IP is 52.58.62.203"); !ok || ip.String() != "52.58.62.203" {
		t.Errorf("spfCommentIP = %v, %v", ip, ok)
	}
}
