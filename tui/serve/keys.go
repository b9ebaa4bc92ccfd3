package serve

import (
	"bytes"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	gossh "golang.org/x/crypto/ssh"
)

// Limits of the keys files.
const (
	// MaxKeysFileBytes caps authorized_keys and the trusted CA file.
	MaxKeysFileBytes = 1 << 20
	// maxKeyLineBytes caps one line (a 16384-bit RSA key with options fits).
	maxKeyLineBytes = 16 << 10
	// MinRSABits is the smallest RSA key admitted.
	MinRSABits = 2048
)

// ErrKeyLine marks a line of a keys file that is not used; tell it apart
// with errors.Is. The lines after it are read as usual.
var ErrKeyLine = errors.New("line not used")

// LineError is one line of a keys file that is not used, and why.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

// Unwrap returns the reason, which wraps ErrKeyLine.
func (e *LineError) Unwrap() error { return e.Err }

func lineErr(file string, line int, format string, args ...any) *LineError {
	return &LineError{File: file, Line: line, Err: fmt.Errorf("%w: "+format, append([]any{ErrKeyLine}, args...)...)}
}

// AuthorizedKey is one usable line of authorized_keys (or of the trusted
// user CA file).
type AuthorizedKey struct {
	Key         gossh.PublicKey
	Fingerprint string // SHA256:...
	Comment     string // the line's comment, as written
	Line        int
	// NoPTY refuses the workbench to this key (no-pty, or restrict without
	// pty): it may run commands only.
	NoPTY bool
	// CertAuthority marks a CA whose user certificates are admitted
	// (cert-authority, or every line of the trusted user CA file).
	CertAuthority bool
	// Principals, for a CA line with principals="...", are the names one of
	// which a certificate must list; nil means the SSH user name.
	Principals []string
}

// KeySet is what one reading of the keys files admits.
type KeySet struct {
	users    map[string]*AuthorizedKey // plain keys by fingerprint
	cas      map[string]*AuthorizedKey // CA keys by fingerprint
	Problems []*LineError              // lines not used, in file order
}

// Lookup returns the authorized_keys entry of a plain key, or nil.
func (ks *KeySet) Lookup(key gossh.PublicKey) *AuthorizedKey {
	if ks == nil {
		return nil
	}
	return ks.users[gossh.FingerprintSHA256(key)]
}

// CA returns the entry of a trusted certificate authority, or nil.
func (ks *KeySet) CA(key gossh.PublicKey) *AuthorizedKey {
	if ks == nil {
		return nil
	}
	return ks.cas[gossh.FingerprintSHA256(key)]
}

// Len returns how many plain keys and certificate authorities are admitted.
func (ks *KeySet) Len() (keys, cas int) {
	if ks == nil {
		return 0, 0
	}
	return len(ks.users), len(ks.cas)
}

func newKeySet() *KeySet {
	return &KeySet{users: map[string]*AuthorizedKey{}, cas: map[string]*AuthorizedKey{}}
}

// add puts the entries of one file in the set; the first line wins for a
// key given twice.
func (ks *KeySet) add(file string, entries []*AuthorizedKey) {
	for _, e := range entries {
		m := ks.users
		if e.CertAuthority {
			m = ks.cas
		}
		if first, dup := m[e.Fingerprint]; dup {
			ks.Problems = append(ks.Problems, lineErr(file, e.Line, "the same key as line %d, which is the one used", first.Line))
			continue
		}
		m[e.Fingerprint] = e
	}
}

// ParseAuthorizedKeys reads an OpenSSH authorized_keys file (sshd(8),
// AUTHORIZED_KEYS FILE FORMAT) line by line. A line that cannot be used is
// reported with its number and skipped; it never hides the lines after it.
// With caFile set every line is a certificate authority and takes no
// options (TrustedUserCAKeys in sshd_config(5)).
//
// Options understood: restrict, no-pty and pty (after restrict),
// cert-authority with principals="...", and no-port-forwarding,
// no-agent-forwarding, no-X11-forwarding and no-user-rc, which the server
// enforces for every key anyway. A line with any other option (command=,
// from=, environment=, expiry-time=, ...) is not used: the server would not
// honour the restriction it asks for. A certificate, a DSA key and an RSA
// key under MinRSABits are not used either.
func ParseAuthorizedKeys(file string, data []byte, caFile bool) ([]*AuthorizedKey, []*LineError) {
	var keys []*AuthorizedKey
	var problems []*LineError
	n := 0
	for len(data) > 0 {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		n++
		line = bytes.TrimRight(line, "\r")
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
		}
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 || trimmed[0] == '#' {
			continue
		}
		k, err := parseKeyLine(file, n, trimmed, caFile)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		keys = append(keys, k)
	}
	return keys, problems
}

func parseKeyLine(file string, n int, line []byte, caFile bool) (*AuthorizedKey, *LineError) {
	if len(line) > maxKeyLineBytes {
		return nil, lineErr(file, n, "longer than %d bytes", maxKeyLineBytes)
	}
	key, comment, options, rest, err := gossh.ParseAuthorizedKey(line)
	if err != nil || len(bytes.TrimSpace(rest)) > 0 {
		return nil, lineErr(file, n, "not a public key line (want: [options] TYPE BASE64 [comment])")
	}
	if _, isCert := key.(*gossh.Certificate); isCert {
		return nil, lineErr(file, n, "a certificate, not a key: trust its authority instead (--trusted-user-ca, or a cert-authority line)")
	}
	k := &AuthorizedKey{Key: key, Fingerprint: gossh.FingerprintSHA256(key), Comment: comment, Line: n, CertAuthority: caFile}
	if err := checkKeyStrength(key); err != nil {
		return nil, lineErr(file, n, "%v", err)
	}
	if caFile && len(options) > 0 {
		return nil, lineErr(file, n, "a trusted CA line takes no options")
	}
	var principals *string
	for _, opt := range options {
		name, val, hasVal := strings.Cut(opt, "=")
		switch strings.ToLower(name) {
		case "restrict":
			k.NoPTY = true
		case "pty":
			k.NoPTY = false
		case "no-pty":
			k.NoPTY = true
		case "no-port-forwarding", "no-agent-forwarding", "no-x11-forwarding", "no-user-rc":
		case "cert-authority":
			k.CertAuthority = true
		case "principals":
			if !hasVal {
				return nil, lineErr(file, n, "principals needs a value")
			}
			v := unquoteOption(val)
			principals = &v
		default:
			return nil, lineErr(file, n, "option %q is not supported by mxray serve, so the key is not used (it would not honour the restriction)", name)
		}
	}
	if principals != nil {
		if !k.CertAuthority {
			return nil, lineErr(file, n, "principals= is only for a cert-authority line")
		}
		k.Principals = []string{}
		for _, p := range strings.Split(*principals, ",") {
			if p = strings.TrimSpace(p); p != "" {
				k.Principals = append(k.Principals, p)
			}
		}
	}
	return k, nil
}

// unquoteOption strips the double quotes of an option value and its \"
// escapes.
func unquoteOption(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	return strings.ReplaceAll(v, `\"`, `"`)
}

// checkKeyStrength refuses DSA keys and RSA keys under MinRSABits.
func checkKeyStrength(key gossh.PublicKey) error {
	if cert, ok := key.(*gossh.Certificate); ok {
		key = cert.Key
	}
	switch key.Type() {
	case "ssh-dss": // DSA (FIPS 186-2), removed from OpenSSH 9.8
		return errors.New("a DSA key, which is too weak to use")
	case gossh.KeyAlgoRSA:
		ck, ok := key.(gossh.CryptoPublicKey)
		if !ok {
			return errors.New("an RSA key that cannot be read")
		}
		if rk, ok := ck.CryptoPublicKey().(*rsa.PublicKey); !ok || rk.N.BitLen() < MinRSABits {
			bits := 0
			if ok {
				bits = rk.N.BitLen()
			}
			return fmt.Errorf("an RSA key of %d bits, under the %d this server takes", bits, MinRSABits)
		}
	}
	return nil
}

// readKeysFile reads a keys file with the size cap, refusing one that
// others may write (as sshd's StrictModes does).
func readKeysFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o022 != 0 {
		return nil, fmt.Errorf("%s may be written by group or others (mode %04o): chmod go-w it", path, fi.Mode().Perm())
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxKeysFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxKeysFileBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, MaxKeysFileBytes)
	}
	return data, nil
}
