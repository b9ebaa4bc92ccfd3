package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/mxray/mxray/diag/termsafe"
)

// connSlack is added to the idle timeout and the maximum session length
// for the connection-level deadlines that back up the sessions' own (which
// close with a message first).
const connSlack = time.Minute

// maxAuthAudit caps the refused-authentication events of one connection.
const maxAuthAudit = 10

// Server is mxray's workbench served over SSH. Make one with New, run it
// with Serve or ListenAndServe, stop it with Shutdown.
type Server struct {
	cfg            Config
	signer         gossh.Signer
	hostKeyPath    string
	hostKeyCreated bool
	keys           *keyWatcher
	sink           Auditor
	auditLog       *JSONLog
	slots          *slots
	srv            *ssh.Server

	ctx    context.Context // ends at Shutdown: every session closes
	cancel context.CancelFunc

	conns connLimits

	mu       sync.Mutex
	closing  bool
	live     map[*liveSession]struct{}
	sessions sync.WaitGroup
	ln       net.Listener
	polling  bool
}

// New loads (or creates) the host key, reads the keys files, opens the
// audit log and returns a server ready to Serve. The lines of the keys
// files that are not used are reported through cfg.Logf and KeyProblems;
// they never stop the server or the keys after them.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, live: map[*liveSession]struct{}{}}
	s.hostKeyPath = cfg.HostKey
	if s.hostKeyPath == "" {
		if s.hostKeyPath, err = DefaultHostKeyPath(); err != nil {
			return nil, err
		}
	}
	if s.signer, s.hostKeyCreated, err = LoadOrCreateHostKey(s.hostKeyPath); err != nil {
		return nil, err
	}
	s.keys = &keyWatcher{keysPath: cfg.AuthorizedKeys, caPath: cfg.TrustedUserCA, logf: s.logf}
	if _, err := s.keys.reload(); err != nil {
		return nil, err
	}
	var sinks auditors
	if cfg.AuditLog != "" {
		if s.auditLog, err = OpenAuditLog(cfg.AuditLog, func(err error) { s.logf("%v", err) }); err != nil {
			return nil, err
		}
		sinks = append(sinks, s.auditLog)
	}
	if cfg.Auditor != nil {
		sinks = append(sinks, cfg.Auditor)
	}
	s.sink = sinks
	s.slots = &slots{max: cfg.MaxSessions, perKey: cfg.MaxSessionsPerKey, byKey: map[string]int{}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.srv = &ssh.Server{
		Handler:              s.handleSession,
		HostSigners:          []ssh.Signer{s.signer},
		Version:              "mxray",
		ConnCallback:         s.onConn,
		ServerConfigCallback: s.serverConfig,
		ChannelHandlers: map[string]ssh.ChannelHandler{
			"session": s.sessionChannel,
			"default": refuseChannel,
		},
		RequestHandlers:   map[string]ssh.RequestHandler{},
		SubsystemHandlers: map[string]ssh.SubsystemHandler{},
		PtyCallback:       func(ssh.Context, ssh.Pty) bool { return true },
		HandshakeTimeout:  cfg.HandshakeTimeout,
		IdleTimeout:       cfg.IdleTimeout + connSlack,
		MaxTimeout:        cfg.MaxSessionLength + connSlack,
	}
	return s, nil
}

func (s *Server) logf(format string, args ...any) {
	s.cfg.Logf("%s", termsafe.String(fmt.Sprintf(format, args...)))
}

// HostKeyFingerprint returns the host key's SHA256 fingerprint, for the
// operator to print at start-up and users to check on first connection.
func (s *Server) HostKeyFingerprint() string { return Fingerprint(s.signer.PublicKey()) }

// HostKey returns the host key's path and whether New created it.
func (s *Server) HostKey() (path string, created bool) { return s.hostKeyPath, s.hostKeyCreated }

// HostPublicKey returns the host's public key (for a known_hosts line).
func (s *Server) HostPublicKey() gossh.PublicKey { return s.signer.PublicKey() }

// KeyProblems returns the lines of the keys files not used at the last
// reading, with their line numbers.
func (s *Server) KeyProblems() []*LineError { return s.keys.current.Load().Problems }

// ReloadKeys reads the keys files now (the server also does every
// KeysPollInterval) and closes the sessions of keys no longer admitted.
func (s *Server) ReloadKeys() error {
	changed, err := s.keys.reload()
	if changed {
		s.closeRevoked()
	}
	return err
}

// ReopenAuditLog opens the audit log's path again (after it was rotated
// away); the wiring calls it, with ReloadKeys, on SIGHUP.
func (s *Server) ReopenAuditLog() error {
	if s.auditLog == nil {
		return nil
	}
	return s.auditLog.Reopen()
}

// ListenAndServe listens on cfg.Listen and serves until Shutdown.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve serves connections from ln until Shutdown, then returns nil.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		ln.Close()
		return nil
	}
	s.ln = ln
	startPoll := !s.polling
	s.polling = true
	s.mu.Unlock()
	if startPoll {
		go s.pollKeys()
	}
	err := s.srv.Serve(ln)
	if s.ctx.Err() != nil {
		return nil
	}
	return err
}

// Addr returns the address the server listens on (nil before Serve).
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

func (s *Server) pollKeys() {
	t := time.NewTicker(s.cfg.KeysPollInterval)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			_ = s.ReloadKeys() // reported through Logf
		}
	}
}

// Shutdown stops accepting connections, tells every session the server is
// shutting down and closes it (each has CloseGrace to end by itself), then
// closes every connection left. It returns nil when all sessions ended
// before ctx did, else ctx's error (the connections are closed either
// way). The audit log is closed last.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	ln := s.ln
	s.mu.Unlock()
	s.cancel()
	if ln != nil {
		ln.Close()
	}
	done := make(chan struct{})
	go func() {
		s.sessions.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("serve: sessions still open at shutdown: %w", ctx.Err())
	}
	if cerr := s.srv.Close(); cerr != nil && err == nil && !errors.Is(cerr, net.ErrClosed) {
		err = cerr
	}
	if err == nil && s.auditLog != nil {
		err = s.auditLog.Close()
	} else if s.auditLog != nil {
		// Sessions may still be ending (their connections are closed now):
		// let their last events in before the file closes.
		go func() {
			<-done
			s.auditLog.Close()
		}()
	}
	return err
}

// connState is what the server keeps of one connection.
type connState struct {
	id       string
	remote   string
	ip       string
	counted  bool         // counted out of the unauthenticated (connLimits.mu)
	seq      atomic.Int64 // sessions started on it
	channels atomic.Int64 // session channels open
	running  atomic.Int64 // sessions running
	refused  atomic.Int64 // refused authentications audited
	// triedAuth and authed say whether the client asked to authenticate
	// and whether it did: a client that gives up without offering a key
	// (it has only passwords) is audited when its connection closes.
	triedAuth, authed atomic.Bool
	user              atomic.Value // the last user name given
}

type ctxKey struct{}

func stateOf(ctx ssh.Context) *connState {
	st, _ := ctx.Value(ctxKey{}).(*connState)
	if st == nil {
		st = &connState{id: "unknown"}
	}
	return st
}

// maxUnauthPerIP caps the connections from one address that have not yet
// authenticated: one client cannot hold every handshake slot.
const maxUnauthPerIP = 8

// connLimits counts the connections open: all of them (at most three
// times MaxSessions), those not yet authenticated (at most MaxSessions),
// and those per remote address (maxUnauthPerIP). A connection over a limit
// is closed before the SSH handshake.
type connLimits struct {
	mu     sync.Mutex
	open   int
	unauth int
	byIP   map[string]int
}

// admit counts a new connection in, or says no.
func (l *connLimits) admit(ip string, maxSessions int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= 3*maxSessions || l.unauth >= maxSessions || l.byIP[ip] >= maxUnauthPerIP {
		return false
	}
	if l.byIP == nil {
		l.byIP = map[string]int{}
	}
	l.open++
	l.unauth++
	l.byIP[ip]++
	return true
}

// authenticated counts st out of the unauthenticated connections, once.
func (l *connLimits) authenticated(st *connState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !st.counted {
		st.counted = true
		l.dropUnauth(st.ip)
	}
}

func (l *connLimits) dropUnauth(ip string) {
	l.unauth--
	if l.byIP[ip]--; l.byIP[ip] <= 0 {
		delete(l.byIP, ip)
	}
}

// closed counts st out.
func (l *connLimits) closed(st *connState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if !st.counted {
		st.counted = true
		l.dropUnauth(st.ip)
	}
}

// onConn gives each connection an id and counts it in (connLimits),
// closing it at once when it is over a limit or the server is shutting
// down.
func (s *Server) onConn(ctx ssh.Context, conn net.Conn) net.Conn {
	remote := conn.RemoteAddr().String()
	ip, _, err := net.SplitHostPort(remote)
	if err != nil {
		ip = remote
	}
	if s.ctx.Err() != nil || !s.conns.admit(ip, s.cfg.MaxSessions) {
		return nil
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	st := &connState{id: hex.EncodeToString(b[:]), remote: remote, ip: ip}
	ctx.SetValue(ctxKey{}, st)
	return &countedConn{Conn: conn, onClose: func() {
		s.conns.closed(st)
		if st.triedAuth.Load() && !st.authed.Load() && st.refused.Load() == 0 {
			user, _ := st.user.Load().(string)
			s.audit(Event{Action: ActionAuthRefused, Conn: st.id, Remote: st.remote, User: user, Method: "none",
				Reason: "no public key offered: this server takes public keys only (no password, no keyboard-interactive)"})
		}
	}}
}

// countedConn tells the server once when it is closed.
type countedConn struct {
	net.Conn
	onClose func()
	once    sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(c.onClose)
	return c.Conn.Close()
}

// serverConfig is the SSH configuration of one connection: public keys
// only (no password, no keyboard-interactive, no "none"), each refusal
// audited.
func (s *Server) serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	st := stateOf(ctx)
	return &gossh.ServerConfig{
		MaxAuthTries: 6,
		PublicKeyCallback: func(conn gossh.ConnMetadata, key gossh.PublicKey) (*gossh.Permissions, error) {
			return checkKey(s.keys.current.Load(), conn.User(), key, s.cfg.Now)
		},
		AuthLogCallback: func(conn gossh.ConnMetadata, method string, err error) {
			st.triedAuth.Store(true)
			st.user.Store(conn.User())
			if err == nil {
				st.authed.Store(true)
				s.conns.authenticated(st)
				return
			}
			if method == "none" {
				return
			}
			if st.refused.Add(1) > maxAuthAudit {
				return
			}
			e := Event{Action: ActionAuthRefused, Conn: st.id, User: conn.User(), Remote: conn.RemoteAddr().String(), Method: method}
			var ae *AuthError
			switch {
			case errors.As(err, &ae):
				e.KeyFingerprint, e.Reason = ae.Fingerprint, ae.Reason
			case method == "password" || method == "keyboard-interactive":
				e.Reason = method + " authentication is not offered: public keys only"
			default:
				e.Reason = err.Error()
			}
			s.audit(e)
		},
	}
}

func (s *Server) audit(e Event) {
	e.Time = s.cfg.Now().UTC()
	s.sink.Audit(e)
}

// refuseChannel refuses every channel but sessions: port forwarding
// (direct-tcpip, forwarded-tcpip), X11 and agent channels.
func refuseChannel(_ *ssh.Server, _ *gossh.ServerConn, nc gossh.NewChannel, _ ssh.Context) {
	msg := "mxray serve offers no " + nc.ChannelType() + " channels"
	if nc.ChannelType() == "direct-tcpip" {
		msg = "mxray serve: port forwarding is disabled"
	}
	_ = nc.Reject(gossh.Prohibited, msg)
}

// slots counts the sessions running, overall and per key.
type slots struct {
	mu     sync.Mutex
	max    int
	perKey int
	total  int
	byKey  map[string]int
}

// take takes a slot for key, or says why not.
func (sl *slots) take(key string) (release func(), err error) {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if sl.total >= sl.max {
		return nil, fmt.Errorf("server busy: all %d sessions are in use; try again later", sl.max)
	}
	if sl.byKey[key] >= sl.perKey {
		return nil, fmt.Errorf("server busy for your key: it already has %d sessions open, the most one key may have; close one and try again", sl.perKey)
	}
	sl.total++
	sl.byKey[key]++
	var once sync.Once
	return func() {
		once.Do(func() {
			sl.mu.Lock()
			defer sl.mu.Unlock()
			sl.total--
			if sl.byKey[key]--; sl.byKey[key] <= 0 {
				delete(sl.byKey, key)
			}
		})
	}, nil
}
