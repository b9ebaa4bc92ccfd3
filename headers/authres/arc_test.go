package authres

import (
	"slices"
	"testing"
)

func TestParseARCFields(t *testing.T) {
	seal, err := ParseARCSeal("i=2; a=rsa-sha256; cv=Pass; d=ex\r\n ample.org; s=sel; t=1; b=AAAA")
	if err != nil || seal != (ARCSeal{Instance: 2, CV: CVPass, Domain: "example.org", Selector: "sel", Alg: "rsa-sha256"}) {
		t.Errorf("ParseARCSeal = %+v, %v", seal, err)
	}
	ams, err := ParseARCMessageSignature("i=1; a=rsa-sha256; d=example.org; s=sel; h=From : To::Subject; bh=AA; b=AA")
	if err != nil || ams.Instance != 1 || ams.Domain != "example.org" || !slices.Equal(ams.SignedHeaders, []string{"From", "To", "Subject"}) {
		t.Errorf("ParseARCMessageSignature = %+v, %v", ams, err)
	}
	i, payload, err := SplitARCAuthResults(" i = 3 ; mx.example.org; spf=pass")
	if err != nil || i != 3 || payload != " mx.example.org; spf=pass" {
		t.Errorf("SplitARCAuthResults = %d %q %v", i, payload, err)
	}
	for _, tc := range []struct {
		value, want string
		aar         bool
	}{
		{"a=rsa-sha256; cv=none", "no “i=” instance tag", false},
		{"i=x; cv=none", `i="x" is not a number`, false},
		{"mx.example.org; spf=pass", "it does not start with “i=”", true},
		{"i=1 mx.example.org", "no “i=” instance tag", true},
		{"i= x ; spf=pass", `i="x" is not a number`, true},
	} {
		var err error
		if tc.aar {
			_, _, err = SplitARCAuthResults(tc.value)
		} else {
			_, err = ParseARCSeal(tc.value)
		}
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: err = %v, want %q", tc.value, err, tc.want)
		}
	}
}
