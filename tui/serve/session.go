package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/mxray/mxray/diag/termsafe"
)

// Why the server closes a session, as the user reads it.
const (
	reasonShutdown = "the server is shutting down"
	reasonRevoked  = "your key is no longer authorized"
)

// liveSession is a running session, as the server sees it.
type liveSession struct {
	id        identity
	stop      chan struct{} // closed when the server ends the session
	once      sync.Once
	reason    string
	lastInput atomic.Int64 // UnixNano of the last input read
}

// end asks the session to close, telling the user reason.
func (ls *liveSession) end(reason string) {
	ls.once.Do(func() {
		ls.reason = reason
		close(ls.stop)
	})
}

// closedReason returns why the server ended the session ("" when it did
// not); safe once stop is closed or the session is over.
func (ls *liveSession) closedReason() string {
	select {
	case <-ls.stop:
		return ls.reason
	default:
		return ""
	}
}

// touch records input.
func (ls *liveSession) touch() { ls.lastInput.Store(time.Now().UnixNano()) }

// register adds a session to those Shutdown waits for; false when the
// server is shutting down.
func (s *Server) register(ls *liveSession) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.live[ls] = struct{}{}
	s.sessions.Add(1)
	return true
}

func (s *Server) unregister(ls *liveSession) {
	s.mu.Lock()
	delete(s.live, ls)
	s.mu.Unlock()
	s.sessions.Done()
}

// closeRevoked ends the sessions whose key is no longer admitted.
func (s *Server) closeRevoked() {
	set := s.keys.current.Load()
	s.mu.Lock()
	defer s.mu.Unlock()
	for ls := range s.live {
		if !stillAdmitted(set, ls.id) {
			ls.end(reasonRevoked)
		}
	}
}

// watch ends ls when it has had no input for IdleTimeout, when it reaches
// MaxSessionLength, or at Shutdown; it returns when done closes.
func (s *Server) watch(ls *liveSession, done <-chan struct{}) {
	idle, max := s.cfg.IdleTimeout, s.cfg.MaxSessionLength
	maxT := time.NewTimer(max)
	defer maxT.Stop()
	idleT := time.NewTimer(idle)
	defer idleT.Stop()
	for {
		select {
		case <-done:
			return
		case <-s.ctx.Done():
			ls.end(reasonShutdown)
			return
		case <-maxT.C:
			ls.end(fmt.Sprintf("this session reached the maximum length of %s", max))
			return
		case <-idleT.C:
			since := time.Since(time.Unix(0, ls.lastInput.Load()))
			if since >= idle {
				ls.end(fmt.Sprintf("no input for %s", idle))
				return
			}
			idleT.Reset(idle - since)
		}
	}
}

// handleSession runs one session: the workbench on a PTY, or one checked
// command.
func (s *Server) handleSession(sess ssh.Session) {
	ctx := sess.Context()
	st := stateOf(ctx)
	id := identityOf(ctx.Permissions().Permissions)
	info := SessionInfo{
		ID:                  st.id + "." + strconv.FormatInt(st.seq.Add(1), 10),
		User:                sess.User(),
		KeyFingerprint:      id.Fingerprint,
		KeyComment:          id.Comment,
		Remote:              st.remote,
		Limiter:             newLimiter(s.cfg.DNSQuestionsPerMinute),
		AllowPrivateTargets: s.cfg.AllowPrivateTargets,
	}
	info.Audit = &SessionAudit{sink: s.sink, now: s.cfg.Now, base: Event{
		Session: info.ID, Conn: st.id, KeyFingerprint: id.Fingerprint, KeyComment: id.Comment, User: info.User, Remote: info.Remote,
	}}
	pty, winCh, isPTY := sess.Pty()
	if isPTY {
		info.Term, info.Width, info.Height = pty.Term, pty.Window.Width, pty.Window.Height
		info.Env = sessionEnv(sess.Environ(), pty.Term)
	}
	// Window changes must be read, or the connection's requests stall: the
	// workbench forwards them, anything else drops them.
	winHandled := !isPTY
	defer func() {
		if !winHandled {
			go drainWindows(winCh)
		}
	}()
	refuse := func(reason string, code int) {
		info.Audit.Audit(Event{Action: ActionSessionRefused, Reason: reason})
		fmt.Fprintf(sess.Stderr(), "mxray: %s\n", termsafe.String(reason))
		_ = sess.Exit(code)
	}
	release, err := s.slots.take(id.Fingerprint)
	if err != nil {
		refuse(err.Error(), 1)
		s.closeIfIdle(ctx, st)
		return
	}
	defer release()
	ls := &liveSession{id: id, stop: make(chan struct{})}
	ls.touch()
	if !s.register(ls) {
		refuse(reasonShutdown, 1)
		return
	}
	defer s.unregister(ls)
	st.running.Add(1)
	defer st.running.Add(-1)
	done := make(chan struct{})
	defer close(done)
	go s.watch(ls, done)

	started := time.Now()
	kind := "command"
	switch {
	case sess.RawCommand() != "":
	case isPTY && id.NoPTY:
		refuse("this key may run commands only (no-pty): give one, such as check DOMAIN", 2)
		return
	case isPTY:
		kind = "workbench"
	default:
		refuse("no shell here: connect with a terminal (ssh -t) for the workbench, or give a command: check DOMAIN, spf DOMAIN --ip IP, headers - < message.eml", 2)
		return
	}
	info.Audit.Audit(Event{Action: ActionConnect, Kind: kind, Term: info.Term})
	var code int
	if kind == "workbench" {
		winHandled = true
		code = s.runWorkbench(sess, ls, info, winCh)
	} else {
		if !winHandled {
			winHandled = true
			go drainWindows(winCh)
		}
		code = s.runCommand(sess, ls, info)
	}
	reason := ls.closedReason()
	if reason != "" {
		fmt.Fprintf(sess.Stderr(), "\r\nmxray: session closed: %s.\r\n", reason)
	}
	info.Audit.Audit(Event{Action: ActionDisconnect, Reason: reason, ExitStatus: &code, DurationSeconds: time.Since(started).Seconds()})
	_ = sess.Exit(code)
}

// closeIfIdle closes a connection refused as busy once the client has had
// DefaultBusyCloseGrace to read why, unless it runs a session.
func (s *Server) closeIfIdle(ctx ssh.Context, st *connState) {
	conn, ok := ctx.Value(ssh.ContextKeyConn).(gossh.Conn)
	if !ok {
		return
	}
	go func() {
		t := time.NewTimer(s.cfg.busyCloseGrace)
		defer t.Stop()
		select {
		case <-ctx.Done():
		case <-t.C:
			if st.running.Load() == 0 {
				_ = conn.Close()
			}
		}
	}()
}

// sessionEnv returns TERM (from the PTY request) and COLORTERM (if the
// client sent it): the only variables a session passes on.
func sessionEnv(environ []string, term string) []string {
	env := []string{"TERM=" + term}
	for _, kv := range environ {
		if strings.HasPrefix(kv, "COLORTERM=") {
			env = append(env, kv)
		}
	}
	return env
}

// runWorkbench runs the workbench on the session's PTY until the user
// quits or the server ends the session, and returns the exit status.
func (s *Server) runWorkbench(sess ssh.Session, ls *liveSession, info SessionInfo, winCh <-chan ssh.Window) int {
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	model := s.cfg.NewModel(ctx, info)
	opts := append(bubbletea.MakeOptions(sess),
		tea.WithInput(&activityReader{r: sess, ls: ls}),
		tea.WithEnvironment(info.Env),
		tea.WithContext(ctx),
		tea.WithoutSignalHandler(),
	)
	opts = append(opts, s.cfg.ProgramOptions...)
	p := tea.NewProgram(model, opts...)
	go func() {
		for {
			select {
			case <-ctx.Done():
				drainWindows(winCh)
				return
			case w, ok := <-winCh:
				if !ok {
					return
				}
				p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
			}
		}
	}()
	ran := make(chan error, 1)
	go func() {
		_, err := p.Run()
		ran <- err
	}()
	var err error
	select {
	case err = <-ran:
	case <-ls.stop:
		// Quit and Kill both wait on the program (Quit until its event
		// loop takes the message), so neither may hold up the session.
		go p.Quit()
		t := time.NewTimer(s.cfg.CloseGrace)
		select {
		case err = <-ran:
		case <-t.C:
			// The program did not stop: kill it, and if even that does
			// not end it (an Update that never returns), leave it.
			go p.Kill()
			t.Reset(s.cfg.CloseGrace)
			select {
			case err = <-ran:
			case <-t.C:
				s.logf("session %s: the workbench did not stop when told to; it is left behind", info.ID)
			}
		}
		t.Stop()
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && ls.closedReason() == "" {
		s.logf("session %s: the workbench stopped: %v", info.ID, err)
		return 1
	}
	if ls.closedReason() != "" {
		return 1
	}
	return 0
}

// runCommand runs the session's command, if a session may, and returns
// its exit status.
func (s *Server) runCommand(sess ssh.Session, ls *liveSession, info SessionInfo) int {
	cmd, err := ParseCommand(sess.RawCommand())
	if err != nil {
		info.Audit.Audit(Event{Action: ActionSessionRefused, Reason: err.Error()})
		fmt.Fprintf(sess.Stderr(), "mxray: %s\n", termsafe.String(err.Error()))
		return 2
	}
	info.Audit.Audit(Event{Action: ActionCommand, Command: cmd.Args})
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	var stdin io.Reader = strings.NewReader("")
	if cmd.ReadsStdin {
		stdin = &activityReader{r: sess, ls: ls}
	}
	stdout := &activityWriter{w: sess, ls: ls}
	stderr := sess.Stderr()
	ran := make(chan int, 1)
	go func() {
		code := 2
		defer func() {
			if r := recover(); r != nil {
				s.logf("session %s: the command panicked: %v\n%s", info.ID, r, debug.Stack())
				fmt.Fprintf(stderr, "mxray: internal error\n")
			}
			ran <- code
		}()
		code = s.cfg.RunCommand(ctx, info, cmd.Args, stdin, stdout, stderr)
	}()
	select {
	case code := <-ran:
		return code
	case <-ls.stop:
		cancel()
		t := time.NewTimer(s.cfg.CloseGrace)
		defer t.Stop()
		select {
		case <-ran:
		case <-t.C:
		}
		return 2
	}
}

// drainWindows reads window changes until the session's requests end: a
// window change nobody reads would stall the connection's requests.
func drainWindows(winCh <-chan ssh.Window) {
	for range winCh {
	}
}

// activityReader counts each read of input as activity for the idle
// timeout.
type activityReader struct {
	r  io.Reader
	ls *liveSession
}

func (a *activityReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if n > 0 {
		a.ls.touch()
	}
	return n, err
}

// activityWriter counts a command's output as activity: a long command is
// not idle while it streams.
type activityWriter struct {
	w  io.Writer
	ls *liveSession
}

func (a *activityWriter) Write(p []byte) (int, error) {
	n, err := a.w.Write(p)
	if n > 0 {
		a.ls.touch()
	}
	return n, err
}
