package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

func TestHostKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mxray", HostKeyFileName)
	s1, created, err := LoadOrCreateHostKey(path)
	if err != nil || !created {
		t.Fatalf("first start: created=%v err=%v", created, err)
	}
	if s1.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Errorf("host key type %s, want ed25519", s1.PublicKey().Type())
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("host key mode %04o, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("host key directory mode %04o, want 0700", di.Mode().Perm())
	}
	s2, created, err := LoadOrCreateHostKey(path)
	if err != nil || created {
		t.Fatalf("second start: created=%v err=%v", created, err)
	}
	fp := Fingerprint(s1.PublicKey())
	if Fingerprint(s2.PublicKey()) != fp || !strings.HasPrefix(fp, "SHA256:") {
		t.Errorf("fingerprints %s and %s", fp, Fingerprint(s2.PublicKey()))
	}

	// A key others may read is refused, as sshd refuses it.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateHostKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a 0644 host key: %v", err)
	}
	// A damaged key is not replaced behind the operator's back.
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateHostKey(bad); err == nil || !strings.Contains(err.Error(), "cannot be read") {
		t.Errorf("a damaged host key: %v", err)
	}
	if data, _ := os.ReadFile(bad); string(data) != "not a key" {
		t.Error("the damaged key was overwritten")
	}
}

func TestNewReportsHostKey(t *testing.T) {
	e := newEnv(t, nil)
	path, created := e.srv.HostKey()
	if !created || !strings.HasSuffix(path, HostKeyFileName) {
		t.Errorf("HostKey() = %q, %v", path, created)
	}
	if e.srv.HostKeyFingerprint() != Fingerprint(e.srv.HostPublicKey()) {
		t.Error("HostKeyFingerprint")
	}
	e.mustDial(t, "alice") // Serve has begun
	if a := e.srv.Addr(); a == nil || a.String() != e.addr {
		t.Errorf("Addr() = %v while serving on %s", a, e.addr)
	}
}

func TestDefaultHostKeyPath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/tmp/cfg")
	t.Setenv("HOME", "/tmp/home")
	p, err := DefaultHostKeyPath()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(p, filepath.Join("mxray", HostKeyFileName)) {
		t.Errorf("DefaultHostKeyPath() = %q", p)
	}
}

func TestConfigChecks(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no keys", Config{NewModel: newEchoModel, RunCommand: fakeRun}, "--authorized-keys is required"},
		{"no seams", Config{AuthorizedKeys: "k"}, "NewModel and Config.RunCommand are required"},
		{"bad listen", Config{AuthorizedKeys: "k", NewModel: newEchoModel, RunCommand: fakeRun, Listen: "nonsense"}, "--listen"},
		{"negative sessions", Config{AuthorizedKeys: "k", NewModel: newEchoModel, RunCommand: fakeRun, MaxSessions: -1}, "--max-sessions must be positive"},
		{"negative idle", Config{AuthorizedKeys: "k", NewModel: newEchoModel, RunCommand: fakeRun, IdleTimeout: -1}, "--idle-timeout must be positive"},
	}
	for _, tt := range tests {
		if _, err := New(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	c, err := Config{AuthorizedKeys: "k", NewModel: newEchoModel, RunCommand: fakeRun, MaxSessions: 3}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxSessionsPerKey != 3 || c.IdleTimeout != DefaultIdleTimeout || c.DNSQuestionsPerMinute != DefaultDNSQuestionsPerMinute {
		t.Errorf("defaults %+v", c)
	}
}
