package serve

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

func TestParseAuthorizedKeys(t *testing.T) {
	a, b, c := newSigner(t), newSigner(t), newSigner(t)
	la, lb, lc := keyLine(a, "alice@example"), keyLine(b, "bob"), keyLine(c, "carol")
	bare := func(s gossh.Signer) string {
		return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey())))
	}
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	weakPub, _ := gossh.NewPublicKey(&weak.PublicKey)
	weakLine := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(weakPub))) + " old"
	tests := []struct {
		name     string
		text     string
		keys     []string // comments of the keys admitted, in order
		problems []int    // line numbers not used
		reason   string   // in the first problem
		noPTY    []bool
	}{
		{"plain", la + "\n" + lb + "\n", []string{"alice@example", "bob"}, nil, "", nil},
		{"comments and blanks", "# team\n\n   \n" + la + "\n#" + lb + "\n", []string{"alice@example"}, nil, "", nil},
		{"malformed middle line", la + "\nssh-ed25519 AAAAnot-base64!! broken\n" + lb + "\n", []string{"alice@example", "bob"}, []int{2}, "not a public key line", nil},
		{"garbage everywhere", "hello\n" + la + "\n\x00\x01\x02\n" + lb + "\nssh-rsa\n" + lc, []string{"alice@example", "bob", "carol"}, []int{1, 3, 5}, "not a public key line", nil},
		{"CRLF and BOM", "\xef\xbb\xbf" + la + "\r\n" + lb + "\r\n", []string{"alice@example", "bob"}, nil, "", nil},
		{"no trailing newline", la + "\n" + lb, []string{"alice@example", "bob"}, nil, "", nil},
		{"unsupported option", `command="/bin/sh" ` + la + "\n" + lb, []string{"bob"}, []int{1}, `option "command" is not supported`, nil},
		{"from is not honoured", `from="10.0.0.0/8" ` + la + "\n" + lb, []string{"bob"}, []int{1}, `option "from"`, nil},
		{"restrict and no-pty", "restrict " + la + "\nno-pty,no-port-forwarding " + lb + "\nrestrict,pty " + lc, []string{"alice@example", "bob", "carol"}, nil, "", []bool{true, true, false}},
		{"weak RSA", weakLine + "\n" + la, []string{"alice@example"}, []int{1}, "RSA key of 1024 bits", nil},
		{"duplicate", la + "\n" + bare(a) + " again\n", []string{"alice@example"}, []int{2}, "the same key as line 1", nil},
		{"principals without cert-authority", `principals="ops" ` + la, nil, []int{1}, "only for a cert-authority line", nil},
		{"long line", la + "\n" + strings.Repeat("A", maxKeyLineBytes+1) + "\n" + lb, []string{"alice@example", "bob"}, []int{2}, "longer than", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := newKeySet()
			keys, problems := ParseAuthorizedKeys("authorized_keys", []byte(tt.text), false)
			set.Problems = problems
			set.add("authorized_keys", keys)
			var got []string
			var noPTY []bool
			for _, k := range keys {
				if set.users[k.Fingerprint] == k {
					got = append(got, k.Comment)
					noPTY = append(noPTY, k.NoPTY)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.keys, ",") {
				t.Errorf("keys %q, want %q", got, tt.keys)
			}
			var lines []int
			for _, p := range set.Problems {
				lines = append(lines, p.Line)
				if !errors.Is(p, ErrKeyLine) || !strings.HasPrefix(p.Error(), "authorized_keys:") {
					t.Errorf("problem %v", p)
				}
			}
			if len(lines) != len(tt.problems) {
				t.Fatalf("problems on lines %v, want %v (%v)", lines, tt.problems, set.Problems)
			}
			for i := range lines {
				if lines[i] != tt.problems[i] {
					t.Errorf("problems on lines %v, want %v", lines, tt.problems)
				}
			}
			if tt.reason != "" && !strings.Contains(set.Problems[0].Error(), tt.reason) {
				t.Errorf("problem %q, want %q", set.Problems[0], tt.reason)
			}
			if tt.noPTY != nil && len(noPTY) == len(tt.noPTY) {
				for i := range noPTY {
					if noPTY[i] != tt.noPTY[i] {
						t.Errorf("no-pty %v, want %v", noPTY, tt.noPTY)
					}
				}
			}
		})
	}
}

// TestMalformedLineDoesNotLockOut: the keys after a bad line still log in,
// and the bad line is reported with its number at start-up.
func TestMalformedLineDoesNotLockOut(t *testing.T) {
	e := newEnv(t, nil)
	e.writeKeys(t, keyLine(e.users["alice"], "alice"), "ssh-ed25519 this-is-not-a-key", keyLine(e.users["bob"], "bob"))
	if err := e.srv.ReloadKeys(); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"alice", "bob"} {
		c, err := e.dial(u)
		if err != nil {
			t.Fatalf("%s cannot log in past the bad line: %v", u, err)
		}
		c.Close()
	}
	probs := e.srv.KeyProblems()
	if len(probs) != 1 || probs[0].Line != 2 {
		t.Fatalf("problems %v, want line 2", probs)
	}
	if !strings.Contains(e.logs.text(), "authorized_keys:2: line not used: not a public key line") {
		t.Errorf("the operator was not told the line number: %q", e.logs.text())
	}
}

func TestMalformedLineAtStartUp(t *testing.T) {
	var lg logs
	dir := t.TempDir()
	a := newSigner(t)
	path := dir + "/authorized_keys"
	if err := os.WriteFile(path, []byte("garbage\n"+keyLine(a, "alice")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{AuthorizedKeys: path, HostKey: dir + "/hk", NewModel: newEchoModel, RunCommand: fakeRun, Logf: lg.logf})
	if err != nil {
		t.Fatal(err)
	}
	if p := srv.KeyProblems(); len(p) != 1 || p[0].Line != 1 {
		t.Errorf("problems %v", p)
	}
	if !strings.Contains(lg.text(), "authorized_keys:1:") || !strings.Contains(lg.text(), "loaded 1 key and") {
		t.Errorf("start-up report %q", lg.text())
	}
}

func TestReloadPicksUpKeys(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.KeysPollInterval = 20 * time.Millisecond })
	if _, err := e.dial("carol"); err == nil {
		t.Fatal("carol logged in before her key was added")
	}
	e.writeKeys(t, keyLine(e.users["alice"], "alice"), keyLine(e.users["bob"], "bob"), keyLine(e.users["carol"], "carol"))
	// The poll reloads by itself: wait for its report.
	deadline := time.Now().Add(testTimeout)
	for !strings.Contains(e.logs.text(), "reloaded 3 keys") {
		if time.Now().After(deadline) {
			t.Fatalf("no reload: %q", e.logs.text())
		}
		time.Sleep(10 * time.Millisecond)
	}
	c, err := e.dial("carol")
	if err != nil {
		t.Fatalf("carol after the reload: %v", err)
	}
	c.Close()
}

func TestRemovedKeyClosesSessions(t *testing.T) {
	e := newEnv(t, nil)
	p := openPTY(t, e.mustDial(t, "alice"), nil)
	p.Out.WaitFor(t, "ready")
	e.writeKeys(t, keyLine(e.users["bob"], "bob"))
	if err := e.srv.ReloadKeys(); err != nil {
		t.Fatal(err)
	}
	p.Err.WaitFor(t, "mxray: session closed: your key is no longer authorized.")
	waitExit(t, p.Session)
	if _, err := e.dial("alice"); err == nil {
		t.Error("alice logged in after her key was removed")
	}
	c, err := e.dial("bob")
	if err != nil {
		t.Fatalf("bob: %v", err)
	}
	c.Close()
	// The file gone: nobody gets in, and the operator is told.
	if err := os.Remove(e.keysPath); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.ReloadKeys(); err == nil {
		t.Error("a missing keys file reloaded without error")
	}
	if _, err := e.dial("bob"); err == nil {
		t.Error("bob logged in with no keys file")
	}
	if !strings.Contains(e.logs.text(), "nobody can log in until it is fixed") {
		t.Errorf("logs %q", e.logs.text())
	}
}

func TestKeysFileWritableByOthers(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/authorized_keys"
	if err := os.WriteFile(path, []byte(keyLine(newSigner(t), "a")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	_, err := New(Config{AuthorizedKeys: path, HostKey: dir + "/hk", NewModel: newEchoModel, RunCommand: fakeRun})
	if err == nil || !strings.Contains(err.Error(), "chmod go-w") {
		t.Errorf("New with a world-writable keys file: %v", err)
	}
}

func TestNoPTYKey(t *testing.T) {
	e := newEnv(t, nil)
	e.writeKeys(t, "restrict "+keyLine(e.users["alice"], "alice"))
	if err := e.srv.ReloadKeys(); err != nil {
		t.Fatal(err)
	}
	c := e.mustDial(t, "alice")
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.RequestPty("xterm", 24, 80, nil); err == nil {
		t.Error("a no-pty key got a PTY")
	}
	out, _, code := runCommand(t, c, "check example.com", "")
	if code != 0 || !strings.Contains(out, "ran: check") {
		t.Errorf("a no-pty key's command: %d %q", code, out)
	}
}

func FuzzParseAuthorizedKeys(f *testing.F) {
	k := newSigner(f)
	line := keyLine(k, "alice")
	for _, seed := range []string{
		line,
		"garbage\n" + line,
		`restrict,pty,cert-authority,principals="a,b" ` + line,
		`command="x\"y" ` + line,
		"\xef\xbb\xbf# c\r\n" + line + "\r\n",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI",
		`principals="` + line,
	} {
		f.Add([]byte(seed), false)
		f.Add([]byte(seed), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, ca bool) {
		keys, problems := ParseAuthorizedKeys("f", data, ca)
		lines := strings.Count(string(data), "\n") + 1
		seen := map[int]bool{}
		for _, k := range keys {
			if k.Key == nil || k.Fingerprint != Fingerprint(k.Key) || k.Line < 1 || k.Line > lines || seen[k.Line] {
				t.Fatalf("bad key %+v", k)
			}
			seen[k.Line] = true
			if ca && !k.CertAuthority {
				t.Fatal("a CA file line that is not a CA")
			}
			if _, isCert := k.Key.(*gossh.Certificate); isCert {
				t.Fatal("a certificate admitted as a key")
			}
		}
		for _, p := range problems {
			if p.Line < 1 || p.Line > lines || seen[p.Line] || !errors.Is(p, ErrKeyLine) {
				t.Fatalf("bad problem %+v", p)
			}
			seen[p.Line] = true
		}
	})
}
