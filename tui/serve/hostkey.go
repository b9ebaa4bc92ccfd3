package serve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	gossh "golang.org/x/crypto/ssh"
)

// HostKeyFileName is the host key's file name in the default directory.
const HostKeyFileName = "ssh_host_ed25519_key"

// maxHostKeyBytes caps the host key file read.
const maxHostKeyBytes = 64 << 10

// DefaultHostKeyPath is where the host key lives when --host-key is not
// given: mxray/ssh_host_ed25519_key under the user's configuration
// directory (os.UserConfigDir: $XDG_CONFIG_HOME or ~/.config on Linux,
// ~/Library/Application Support on macOS, %AppData% on Windows).
func DefaultHostKeyPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no configuration directory for the host key (give --host-key): %w", err)
	}
	return filepath.Join(dir, "mxray", HostKeyFileName), nil
}

// LoadOrCreateHostKey reads the host key at path, or, when there is none,
// creates an Ed25519 key there (mode 0600, its directory 0700 when made)
// and reports created. A key file that group or others may read is
// refused, as sshd refuses one.
func LoadOrCreateHostKey(path string) (signer gossh.Signer, created bool, err error) {
	signer, err = loadHostKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return signer, false, err
	}
	if err := createHostKey(path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another process made it first: use that one.
			signer, err = loadHostKey(path)
			return signer, false, err
		}
		return nil, false, err
	}
	signer, err = loadHostKey(path)
	return signer, err == nil, err
}

func loadHostKey(path string) (gossh.Signer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("host key %s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("host key %s may be read by group or others (mode %04o): chmod 600 it", path, fi.Mode().Perm())
	}
	data, err := io.ReadAll(io.LimitReader(f, maxHostKeyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if len(data) > maxHostKeyBytes {
		return nil, fmt.Errorf("host key %s is larger than %d bytes", path, maxHostKeyBytes)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		var pm *gossh.PassphraseMissingError
		if errors.As(err, &pm) {
			return nil, fmt.Errorf("host key %s is protected by a passphrase, which a server cannot type: give a key without one", path)
		}
		return nil, fmt.Errorf("host key %s cannot be read (remove it to have a new one made): %w", path, err)
	}
	return signer, nil
}

func createHostKey(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("host key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "mxray serve host key")
	if err != nil {
		return fmt.Errorf("host key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("host key: %w", err)
	}
	_, err = f.Write(pem.EncodeToMemory(block))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("host key: %w", err)
	}
	return nil
}

// Fingerprint returns the SHA256 fingerprint of a public key as OpenSSH
// prints it ("SHA256:...").
func Fingerprint(key gossh.PublicKey) string { return gossh.FingerprintSHA256(key) }
