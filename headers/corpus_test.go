package headers

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

// The cases of stalwartlabs/mail-parser resources/address.json
// (testdata/received). Where mxray deliberately reads a case differently,
// the case is listed in a deviations map with the reason; the test checks
// that our reading is the one the reason describes, so a listed case can
// neither be silently skipped nor rot.

type stalwartAddr struct {
	Name    *string `json:"name"`
	Address *string `json:"address"`
}

type stalwartAddrList struct {
	List  []stalwartAddr `json:"List"`
	Group []struct {
		Name      *string        `json:"name"`
		Addresses []stalwartAddr `json:"addresses"`
	} `json:"Group"`
}

// addressDeviations lists, by case, what mxray reads differently in
// address.json: "names", "addresses" or "groups".
var addressDeviations = map[int]map[string]string{
	8:  {"names": "comments are not part of a display name: “Pete(A nice \\) chap)” shows as “Pete”"},
	9:  {"names": "comments are not part of a display name (here the fold lands between “\\” and “)”, so the comment ends early)"},
	10: {"groups": "the group is named “A Group” (its comment dropped), and the comment after “;” is not a mailbox"},
	11: {"groups": "“Hidden recipients:(nobody(that I know));” is an empty group: a comment alone is not a mailbox, and the group's name drops its comments"},
	13: {"addresses": "the obsolete route “@node.test:” is dropped (RFC 5322 §4.4), and the folding white space of the obsolete domain “test  . example” is removed"},
	14: {"addresses": "comments and white space inside the addr-spec are removed: jdoe@machine.example", "names": "comments are not part of a display name"},
	22: {"names": "the comment after the address is not part of the display name"},
	56: {"names": "comments are not part of a display name: “Name Doe”"},
}

func TestStalwartAddressCorpus(t *testing.T) {
	var cases []struct {
		Header   string           `json:"header"`
		Expected stalwartAddrList `json:"expected"`
	}
	readJSON(t, "../testdata/received/address.json", &cases)
	if len(cases) < 60 {
		t.Fatalf("only %d cases read", len(cases))
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			got, _ := ParseAddressList(c.Header)
			want := flattenStalwart(c.Expected)
			diff := compareAddresses(got, want)
			dev := addressDeviations[i]
			for kind, problem := range diff {
				if _, listed := dev[kind]; !listed {
					t.Errorf("%s: %s\n  header %q", kind, problem, c.Header)
				}
			}
			for kind, reason := range dev {
				if _, still := diff[kind]; !still {
					t.Errorf("deviation %q listed (%s) but the reading now agrees", kind, reason)
				}
			}
		})
	}
}

func flattenStalwart(l stalwartAddrList) []Address {
	var out []Address
	add := func(group string, as []stalwartAddr) {
		for _, a := range as {
			x := Address{Group: group}
			if a.Name != nil {
				x.Name = *a.Name
			}
			if a.Address != nil {
				x.Addr = *a.Address
			}
			out = append(out, x)
		}
	}
	add("", l.List)
	for _, g := range l.Group {
		name := ""
		if g.Name != nil {
			name = *g.Name
		}
		add(name, g.Addresses)
	}
	return out
}

// compareAddresses says, by kind, how got differs from want.
func compareAddresses(got, want []Address) map[string]string {
	diff := map[string]string{}
	if len(got) != len(want) {
		diff["groups"] = fmt.Sprintf("got %d mailboxes %+v, want %d %+v", len(got), got, len(want), want)
		return diff
	}
	for i := range got {
		if got[i].Addr != want[i].Addr {
			diff["addresses"] = fmt.Sprintf("mailbox %d: got %q, want %q", i, got[i].Addr, want[i].Addr)
		}
		if got[i].Name != want[i].Name {
			diff["names"] = fmt.Sprintf("mailbox %d: got name %q, want %q", i, got[i].Name, want[i].Name)
		}
		if got[i].Group != want[i].Group {
			diff["groups"] = fmt.Sprintf("mailbox %d: got group %q, want %q", i, got[i].Group, want[i].Group)
		}
	}
	return diff
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}
