package serve

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"
	"unicode/utf8"
)

// Action is what an audit event records.
type Action string

// The actions of the audit log.
const (
	// ActionConnect: a session started (Kind says workbench or command).
	ActionConnect Action = "connect"
	// ActionDisconnect: a session ended (Reason says why when the server
	// ended it, ExitStatus and DurationSeconds say how).
	ActionDisconnect Action = "disconnect"
	// ActionAuthRefused: an authentication attempt was refused (Method,
	// Reason, and the key's fingerprint when one was offered).
	ActionAuthRefused Action = "auth_refused"
	// ActionSessionRefused: a session was not started or its command not
	// run (server busy, no shell, a forbidden command): Reason.
	ActionSessionRefused Action = "session_refused"
	// ActionCommand: a command session runs Command.
	ActionCommand Action = "command"
	// ActionTargetChecked: the workbench checked Target.
	ActionTargetChecked Action = "target_checked"
	// ActionHeadersPasted: headers were given (Size bytes, FromDomain):
	// never their content.
	ActionHeadersPasted Action = "headers_pasted"
	// ActionCopy: something was copied to the user's clipboard (What,
	// Size).
	ActionCopy Action = "copy"
	// ActionExport: the report was exported (Size), shown in the session.
	ActionExport Action = "export"
)

// Event is one line of the audit log (JSON Lines). Only what identifies
// who did what is kept: never header content, never a copied text.
type Event struct {
	Time           time.Time `json:"time"` // RFC 3339
	Session        string    `json:"session,omitempty"`
	Conn           string    `json:"conn,omitempty"`
	KeyFingerprint string    `json:"key_fingerprint,omitempty"`
	KeyComment     string    `json:"key_comment,omitempty"`
	User           string    `json:"user,omitempty"`
	Remote         string    `json:"remote,omitempty"`
	Action         Action    `json:"action"`
	// Kind is "workbench" or "command" (connect).
	Kind string `json:"kind,omitempty"`
	// Term is the session's TERM (connect).
	Term       string   `json:"term,omitempty"`
	Target     string   `json:"target,omitempty"`
	Command    []string `json:"command,omitempty"`
	Size       int      `json:"size,omitempty"`
	FromDomain string   `json:"from_domain,omitempty"`
	What       string   `json:"what,omitempty"`
	Method     string   `json:"method,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	// ExitStatus is the command's or session's exit status (disconnect).
	ExitStatus      *int    `json:"exit_status,omitempty"`
	DurationSeconds float64 `json:"duration_seconds,omitempty"`
}

// maxAuditField caps each string of an event, in bytes.
const maxAuditField = 512

// clip cuts s to maxAuditField bytes on a rune boundary.
func clip(s string) string {
	if len(s) <= maxAuditField {
		return s
	}
	cut := maxAuditField
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func (e Event) clipped() Event {
	for _, p := range []*string{&e.Session, &e.Conn, &e.KeyFingerprint, &e.KeyComment, &e.User, &e.Remote,
		&e.Kind, &e.Term, &e.Target, &e.FromDomain, &e.What, &e.Method, &e.Reason} {
		*p = clip(*p)
	}
	if len(e.Command) > 0 {
		cmd := make([]string, len(e.Command))
		for i, w := range e.Command {
			cmd[i] = clip(w)
		}
		e.Command = cmd
	}
	return e
}

// Auditor receives audit events. Implementations must be safe for
// concurrent use and must not block long.
type Auditor interface {
	Audit(Event)
}

// auditors sends each event to several auditors.
type auditors []Auditor

func (as auditors) Audit(e Event) {
	for _, a := range as {
		a.Audit(e)
	}
}

// syncEvery is how soon an event written to the audit file reaches the
// disk (fsync).
const syncEvery = time.Second

// JSONLog writes audit events as JSON Lines: one object per line, each
// written with one write call (so a crash of the process loses none and
// concurrent events never interleave). A file opened with OpenAuditLog is
// synced to disk within syncEvery of an event and on Close, so a power cut
// loses at most the last second. Safe for concurrent use.
type JSONLog struct {
	mu     sync.Mutex
	w      io.Writer
	f      *os.File // nil when not a file
	path   string   // the file's path, for Reopen
	dirty  bool
	closed bool
	errf   func(error)
	stop   chan struct{}
	done   chan struct{}
}

// NewJSONLog writes events to w; errf (may be nil) hears of write errors.
func NewJSONLog(w io.Writer, errf func(error)) *JSONLog {
	return &JSONLog{w: w, errf: errf}
}

// OpenAuditLog opens (creating with mode 0600) the audit file at path for
// appending. A file others may write, or read, is refused: it records who
// connected from where.
func OpenAuditLog(path string, errf func(error)) (*JSONLog, error) {
	f, err := openAuditFile(path)
	if err != nil {
		return nil, err
	}
	l := &JSONLog{w: f, f: f, path: path, errf: errf, stop: make(chan struct{}), done: make(chan struct{})}
	go l.syncLoop()
	return l, nil
}

func openAuditFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("audit log: %w", err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("audit log %s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o026 != 0 {
		f.Close()
		return nil, fmt.Errorf("audit log %s may be written by group or others, or read by others (mode %04o): chmod 600 it", path, fi.Mode().Perm())
	}
	return f, nil
}

// Reopen closes the audit file and opens its path again, for log rotation
// by renaming (logrotate without copytruncate): call it on SIGHUP after the
// old file was moved away. On an error the old file is kept.
func (l *JSONLog) Reopen() error {
	if l.path == "" {
		return nil
	}
	f, err := openAuditFile(l.path)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		f.Close()
		return nil
	}
	err = l.syncLocked()
	old := l.f
	l.f, l.w = f, f
	if cerr := old.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("audit log: %w", cerr)
	}
	return err
}

// Audit writes one event.
func (l *JSONLog) Audit(e Event) {
	line, err := json.Marshal(e.clipped())
	if err != nil {
		l.report(err)
		return
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	if _, err := l.w.Write(line); err != nil {
		l.report(fmt.Errorf("audit log: %w", err))
		return
	}
	l.dirty = true
}

func (l *JSONLog) report(err error) {
	if l.errf != nil {
		l.errf(err)
	}
}

// Sync flushes what was written to the disk, when the log is a file.
func (l *JSONLog) Sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.syncLocked()
}

func (l *JSONLog) syncLocked() error {
	if l.f == nil || !l.dirty || l.closed {
		return nil
	}
	l.dirty = false
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return nil
}

func (l *JSONLog) syncLoop() {
	defer close(l.done)
	t := time.NewTicker(syncEvery)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			if err := l.Sync(); err != nil {
				l.report(err)
			}
		}
	}
}

// Close syncs and closes the file; later events are dropped.
func (l *JSONLog) Close() error {
	if l.stop != nil {
		l.mu.Lock()
		stopped := l.closed
		l.mu.Unlock()
		if !stopped {
			close(l.stop)
			<-l.done
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	err := l.syncLocked()
	l.closed = true
	if l.f != nil {
		if cerr := l.f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("audit log: %w", cerr)
		}
	}
	return err
}

// SessionAudit records what one session's user does, stamped with the
// session's identity. The workbench holds it through an interface of its
// own with these methods (TargetChecked, HeadersPasted, Copied, Exported).
// A nil *SessionAudit records nothing.
type SessionAudit struct {
	sink Auditor
	base Event
	now  func() time.Time
}

// Audit records e with the session's identity and the time filled in.
func (a *SessionAudit) Audit(e Event) {
	if a == nil || a.sink == nil {
		return
	}
	b := a.base
	b.Action, b.Kind, b.Term, b.Target, b.Command = e.Action, e.Kind, e.Term, e.Target, e.Command
	b.Size, b.FromDomain, b.What, b.Method, b.Reason = e.Size, e.FromDomain, e.What, e.Method, e.Reason
	b.ExitStatus, b.DurationSeconds = e.ExitStatus, e.DurationSeconds
	b.Time = a.now().UTC()
	a.sink.Audit(b)
}

// TargetChecked records that the workbench checked target (a domain, or
// "IP DOMAIN").
func (a *SessionAudit) TargetChecked(target string) {
	a.Audit(Event{Action: ActionTargetChecked, Target: target})
}

// HeadersPasted records that a message header of size bytes was given,
// with its From domain ("" when it has none): never its content.
func (a *SessionAudit) HeadersPasted(size int, fromDomain string) {
	a.Audit(Event{Action: ActionHeadersPasted, Size: size, FromDomain: fromDomain})
}

// Copied records that what (a pane or item kind, such as "spf.record")
// was copied to the user's clipboard, size bytes: never the text.
func (a *SessionAudit) Copied(what string, size int) {
	a.Audit(Event{Action: ActionCopy, What: what, Size: size})
}

// Exported records that the report (size bytes of Markdown) was exported
// into the session's view.
func (a *SessionAudit) Exported(size int) {
	a.Audit(Event{Action: ActionExport, Size: size})
}
