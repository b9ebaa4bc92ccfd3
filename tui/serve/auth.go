package serve

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// ErrAuthRefused marks a refused public key; tell it apart with errors.Is.
var ErrAuthRefused = errors.New("authentication refused")

// AuthError is a refused key: its fingerprint and why.
type AuthError struct {
	Fingerprint string
	Reason      string
}

func (e *AuthError) Error() string { return fmt.Sprintf("%v: %s", ErrAuthRefused, e.Reason) }

// Unwrap makes errors.Is(err, ErrAuthRefused) hold.
func (e *AuthError) Unwrap() error { return ErrAuthRefused }

// Permission extensions that carry who was admitted from the key check to
// the sessions of the connection.
const (
	extFingerprint = "mxray-key-fingerprint"
	extComment     = "mxray-key-comment"
	extNoPTY       = "mxray-no-pty"
	extCA          = "mxray-ca-fingerprint"
)

// identity is who a connection was admitted as.
type identity struct {
	Fingerprint string // the user's key (a certificate's own key)
	Comment     string // the authorized_keys comment, or the certificate's key id
	NoPTY       bool
	CA          string // the admitting CA's fingerprint, for a certificate
}

func identityOf(p *gossh.Permissions) identity {
	if p == nil {
		return identity{}
	}
	x := p.Extensions
	return identity{Fingerprint: x[extFingerprint], Comment: x[extComment], NoPTY: x[extNoPTY] != "", CA: x[extCA]}
}

func (id identity) permissions(critical map[string]string) *gossh.Permissions {
	x := map[string]string{extFingerprint: id.Fingerprint, extComment: id.Comment}
	if id.NoPTY {
		x[extNoPTY] = "1"
	}
	if id.CA != "" {
		x[extCA] = id.CA
	}
	return &gossh.Permissions{CriticalOptions: critical, Extensions: x}
}

// checkKey decides whether key may log in as user, with the keys of set,
// at now: a plain key must be in authorized_keys; a user certificate must
// be signed by a trusted CA, list the user (or, for a CA line with
// principals=, one of those) among its principals, be within its validity
// window and carry no critical option but source-address (which the SSH
// layer then enforces).
func checkKey(set *KeySet, user string, key gossh.PublicKey, now func() time.Time) (*gossh.Permissions, error) {
	cert, isCert := key.(*gossh.Certificate)
	if !isCert {
		k := set.Lookup(key)
		if k == nil {
			return nil, &AuthError{Fingerprint: Fingerprint(key), Reason: "key not in authorized_keys"}
		}
		return identity{Fingerprint: k.Fingerprint, Comment: k.Comment, NoPTY: k.NoPTY}.permissions(nil), nil
	}
	fp := Fingerprint(cert.Key)
	refused := func(format string, args ...any) error {
		return &AuthError{Fingerprint: fp, Reason: fmt.Sprintf(format, args...)}
	}
	if cert.CertType != gossh.UserCert {
		return nil, refused("a host certificate offered as a user's")
	}
	ca := set.CA(cert.SignatureKey)
	if ca == nil {
		return nil, refused("certificate signed by %s, which is not a trusted authority", Fingerprint(cert.SignatureKey))
	}
	if len(cert.ValidPrincipals) == 0 {
		return nil, refused("certificate lists no principals")
	}
	want := []string{user}
	if ca.Principals != nil {
		want = ca.Principals
	}
	principal := ""
	for _, p := range want {
		if slices.Contains(cert.ValidPrincipals, p) {
			principal = p
			break
		}
	}
	if principal == "" {
		return nil, refused("certificate principals %q do not include %q", cert.ValidPrincipals, want)
	}
	checker := gossh.CertChecker{Clock: now, SupportedCriticalOptions: []string{"source-address"}}
	if err := checker.CheckCert(principal, cert); err != nil {
		return nil, refused("%v", err)
	}
	if err := checkKeyStrength(cert.Key); err != nil {
		return nil, refused("%v", err)
	}
	_, permitPTY := cert.Extensions["permit-pty"]
	id := identity{
		Fingerprint: fp,
		Comment:     fmt.Sprintf("cert %q serial %d (CA %s)", cert.KeyId, cert.Serial, ca.Comment),
		NoPTY:       ca.NoPTY || !permitPTY,
		CA:          ca.Fingerprint,
	}
	return id.permissions(cert.CriticalOptions), nil
}

// stillAdmitted reports whether a session admitted as id would be admitted
// by set (its key, or its certificate's authority, is still there).
func stillAdmitted(set *KeySet, id identity) bool {
	if id.CA != "" {
		_, ok := set.cas[id.CA]
		return ok
	}
	_, ok := set.users[id.Fingerprint]
	return ok
}

// keyWatcher holds the admitted keys and reads the files again when their
// content changes.
type keyWatcher struct {
	keysPath, caPath string
	logf             func(string, ...any)

	current atomic.Pointer[KeySet]
	mu      sync.Mutex // one reload at a time
	sum     [sha256.Size]byte
	loaded  bool
	failing string // the last reload error reported
}

// load reads both files. A file that cannot be read admits nobody from it
// (the previous keys are not kept: removing the file locks everyone out).
func (w *keyWatcher) load() (*KeySet, [sha256.Size]byte, error) {
	set := newKeySet()
	h := sha256.New()
	data, err := readKeysFile(w.keysPath)
	if err != nil {
		return set, [sha256.Size]byte{}, fmt.Errorf("authorized keys: %w", err)
	}
	h.Write(data)
	keys, problems := ParseAuthorizedKeys(w.keysPath, data, false)
	set.Problems = append(set.Problems, problems...)
	set.add(w.keysPath, keys)
	if w.caPath != "" {
		caData, err := readKeysFile(w.caPath)
		if err != nil {
			return newKeySet(), [sha256.Size]byte{}, fmt.Errorf("trusted user CA: %w", err)
		}
		h.Write([]byte{0})
		h.Write(caData)
		cas, problems := ParseAuthorizedKeys(w.caPath, caData, true)
		set.Problems = append(set.Problems, problems...)
		set.add(w.caPath, cas)
	}
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	return set, sum, nil
}

// reload reads the files and, when their content changed, puts the new
// keys in force and reports each line not used. It returns whether the
// keys changed; on a read error everyone is locked out until it is fixed.
func (w *keyWatcher) reload() (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	set, sum, err := w.load()
	if err != nil {
		changed := w.loaded || w.current.Load() == nil
		w.current.Store(set)
		w.loaded = false
		if msg := err.Error(); msg != w.failing {
			w.failing = msg
			w.logf("%v: nobody can log in until it is fixed", err)
		}
		return changed, err
	}
	w.failing = ""
	if w.loaded && bytes.Equal(sum[:], w.sum[:]) {
		return false, nil
	}
	first := !w.loaded && w.current.Load() == nil
	w.current.Store(set)
	w.sum, w.loaded = sum, true
	for _, p := range set.Problems {
		w.logf("%v", p)
	}
	keys, cas := set.Len()
	verb := "reloaded"
	if first {
		verb = "loaded"
	}
	w.logf("%s %s and %s (%s not used)", verb, plural(keys, "key", "keys"), plural(cas, "certificate authority", "certificate authorities"), plural(len(set.Problems), "line", "lines"))
	if keys+cas == 0 {
		w.logf("no usable key: nobody can log in")
	}
	return true, nil
}

// plural is "1 key", "2 keys".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
