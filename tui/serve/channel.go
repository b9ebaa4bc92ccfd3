package serve

import (
	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Limits of the requests of a session channel.
const (
	maxEnvVars     = 4    // TERM and COLORTERM, given once or twice
	maxEnvValue    = 128  // bytes
	maxTermName    = 64   // bytes
	maxWindowCells = 4096 // columns or rows
)

// allowedEnv are the only environment variables a session may set: what
// colour and capability detection need.
var allowedEnv = map[string]bool{"TERM": true, "COLORTERM": true}

// sessionChannel serves one "session" channel: at most maxChannelsPerConn
// per connection, each through requestFilter, then the ssh package's
// session handling (which calls handleSession on shell or exec).
func (s *Server) sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
	st := stateOf(ctx)
	if st.channels.Add(1) > maxChannelsPerConn {
		st.channels.Add(-1)
		_ = nc.Reject(gossh.ResourceShortage, "mxray serve: too many sessions on one connection")
		return
	}
	defer st.channels.Add(-1)
	noPTY := identityOf(conn.Permissions).NoPTY
	ssh.DefaultSessionHandler(srv, conn, &filteredChannel{NewChannel: nc, noPTY: noPTY}, ctx)
}

// filteredChannel hands the session handler only the requests a session
// may make; every other request is refused where it arrives.
type filteredChannel struct {
	gossh.NewChannel
	noPTY bool
}

// Accept accepts the channel and filters its requests.
func (f *filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := f.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		envs := 0
		for req := range reqs {
			if !allowRequest(req, f.noPTY, &envs) {
				_ = req.Reply(false, nil)
				continue
			}
			out <- req
		}
	}()
	return ch, out, nil
}

// allowRequest is the policy for a session channel's requests (RFC 4254
// §6): a PTY (unless the key has no-pty) with a sane terminal name and
// size, window changes, TERM and COLORTERM, shell or exec, signals and
// breaks. Refused: every other environment variable, X11 forwarding, agent
// forwarding, subsystems (sftp and the like), and anything else.
func allowRequest(req *gossh.Request, noPTY bool, envs *int) bool {
	switch req.Type {
	case "shell", "exec", "signal", "break":
		return true
	case "pty-req":
		var p struct {
			Term                string
			Columns, Rows, W, H uint32
			Modes               string
		}
		if noPTY || gossh.Unmarshal(req.Payload, &p) != nil {
			return false
		}
		return saneTerm(p.Term) && p.Columns <= maxWindowCells && p.Rows <= maxWindowCells
	case "window-change":
		var w struct{ Columns, Rows, W, H uint32 }
		if gossh.Unmarshal(req.Payload, &w) != nil {
			return false
		}
		return w.Columns <= maxWindowCells && w.Rows <= maxWindowCells
	case "env":
		var kv struct{ Name, Value string }
		if gossh.Unmarshal(req.Payload, &kv) != nil || !allowedEnv[kv.Name] || *envs >= maxEnvVars || !printable(kv.Value, maxEnvValue) {
			return false
		}
		*envs++
		return true
	}
	// subsystem, x11-req, auth-agent-req@openssh.com, keepalive@openssh.com
	// and everything unknown.
	return false
}

// saneTerm accepts a terminal name such as xterm-256color (or none).
func saneTerm(t string) bool {
	if len(t) > maxTermName {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '+') {
			return false
		}
	}
	return true
}

// printable accepts printable ASCII up to max bytes.
func printable(s string, max int) bool {
	if len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
