package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBatchCheck(t *testing.T) {
	list := filepath.Join(t.TempDir(), "domains.txt")
	text := "# demo domains\nhealthy.example\n\nbroken.example   # the bad one\nnot a domain\nmailer.example\n"
	if err := os.WriteFile(list, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "--demo", "check", "-f", list, "--json")
	if code != exitFindings {
		t.Errorf("exit %d, want 1 (broken.example has errors): %s", code, errOut)
	}
	var got []string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("line is not one JSON object: %v", err)
		}
		if d, ok := v["domain"].(string); ok {
			got = append(got, d)
		} else {
			got = append(got, "error:"+v["input"].(string))
		}
	}
	want := []string{"healthy.example", "broken.example", "error:not a domain", "mailer.example"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("lines = %v, want %v (in the file's order)", got, want)
	}
}

func TestRedact(t *testing.T) {
	_, out, _ := runCLI(t, "", "--demo", "headers", "--no-recheck", "--format", "markdown", "--redact")
	for _, leak := range []string{"bounce@", "bob@", "alice@"} {
		if strings.Contains(out, leak) {
			t.Errorf("redacted report still shows %q", leak)
		}
	}
	if !strings.Contains(out, "…@healthy.example") {
		t.Errorf("redacted report lost the domains:\n%s", out)
	}
	_, out, _ = runCLI(t, "", "--demo", "headers", "--no-recheck", "--json", "--redact")
	if strings.Contains(out, "bounce@healthy.example") || !strings.Contains(out, "…@healthy.example") {
		t.Error("redacted JSON still shows the envelope sender's local part")
	}
}

func TestHeadersCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "", "--demo", "headers", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		SendingIP string `json:"sending_ip"`
		Hops      []struct {
			Index int `json:"index"`
		} `json:"hops"`
		Recheck struct {
			SPF struct {
				Result string `json:"result"`
			} `json:"spf"`
		} `json:"recheck"`
		ThenVsNow []struct {
			Check, Then, Now string
		} `json:"then_vs_now"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.SendingIP != "203.0.113.10" || len(v.Hops) != 3 || v.Hops[0].Index != 1 || v.Recheck.SPF.Result != "pass" || len(v.ThenVsNow) != 5 {
		t.Errorf("report = %+v", v)
	}

	// stdin, and a file given on the command line, read the same.
	sample := filepath.Join(t.TempDir(), "sample.eml")
	raw, _ := os.ReadFile("../../diag/demo/sample.eml")
	os.WriteFile(sample, raw, 0o644)
	_, fromFile, _ := runCLI(t, "", "headers", sample, "--no-recheck", "--json")
	_, fromStdin, _ := runCLI(t, string(raw), "headers", "-", "--no-recheck", "--json")
	if strings.Replace(fromFile, sample, "stdin", 1) != fromStdin {
		t.Error("stdin and file reports differ")
	}

	// Unusable input: a clear one-line message and exit 2.
	msg := filepath.Join(t.TempDir(), "mail.msg")
	os.WriteFile(msg, append([]byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}, make([]byte, 600)...), 0o644)
	code, _, errOut = runCLI(t, "", "headers", msg, "--no-recheck")
	if code != exitCannot || !strings.Contains(errOut, ".eml") {
		t.Errorf("Outlook .msg: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "headers", "--no-recheck", "--sending-ip", "nope", sample)
	if code != exitCannot || !strings.Contains(errOut, "--sending-ip") {
		t.Errorf("bad --sending-ip: exit %d, %q", code, errOut)
	}
}
