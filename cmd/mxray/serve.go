package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/netguard"
	"github.com/mxray/mxray/diag/termsafe"
	"github.com/mxray/mxray/tui"
	"github.com/mxray/mxray/tui/serve"
)

// shutdownGrace bounds how long mxray serve waits, on SIGTERM or SIGINT,
// for its sessions to end after telling each the server is going.
const shutdownGrace = 5 * time.Second

// serveFlags are the flags only mxray serve takes.
var serveFlags = []string{"listen", "authorized-keys", "trusted-user-ca", "host-key", "max-sessions", "idle-timeout", "audit-log", "allow-private-targets"}

// addServeFlags adds mxray serve's flags to fs.
func addServeFlags(fs *pflag.FlagSet, o *options) {
	fs.StringVar(&o.listen, "listen", ":2222", "serve: address to listen on for SSH, HOST:PORT")
	fs.StringVar(&o.authorizedKeys, "authorized-keys", "", "serve: OpenSSH authorized_keys FILE of who may log in (required; re-read when it changes)")
	fs.StringVar(&o.trustedUserCA, "trusted-user-ca", "", "serve: FILE of CA public keys whose user certificates may log in")
	fs.StringVar(&o.hostKey, "host-key", "", "serve: host key FILE, created (ed25519, mode 0600) when missing (default: mxray/"+serve.HostKeyFileName+" in the user's config directory)")
	fs.IntVar(&o.maxSessions, "max-sessions", serve.DefaultMaxSessions, "serve: sessions open at once, overall (a key may have "+strconv.Itoa(serve.DefaultMaxSessionsPerKey)+")")
	fs.DurationVar(&o.idleTimeout, "idle-timeout", serve.DefaultIdleTimeout, "serve: close a session after this long without input")
	fs.StringVar(&o.auditLog, "audit-log", "", "serve: append the audit log (JSON Lines, mode 0600) to FILE")
	fs.BoolVar(&o.allowPrivate, "allow-private-targets", false, "serve: let fetches and probes reach loopback, private and link-local addresses (on-premises use)")
}

// runServe runs "mxray serve": the workbench over SSH for a team. Every
// session shares the server's DNS set-up (the global flags) and its reply
// cache, never UI state; each has its own DNS question limiter. SIGHUP
// reads the keys files and reopens the audit log; SIGINT and SIGTERM (ctx)
// tell every session the server is going and stop it within
// shutdownGrace.
func runServe(ctx context.Context, o *options, env *environment) (int, error) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	return serveUntil(ctx, o, env, hup, nil)
}

// serveUntil runs the server until ctx ends. hup delivers reload requests;
// ready, when set, is given the server and its address once it listens
// (tests).
func serveUntil(ctx context.Context, o *options, env *environment, hup <-chan os.Signal, ready func(*serve.Server, net.Addr)) (int, error) {
	if len(o.args) > 0 {
		return exitCannot, fmt.Errorf("%w: serve takes no arguments, only flags", errUsage)
	}
	if o.authorizedKeys == "" {
		return exitCannot, fmt.Errorf("%w: serve needs --authorized-keys FILE: the OpenSSH authorized_keys file of who may log in", errUsage)
	}
	if o.maxSessions <= 0 || o.idleTimeout <= 0 {
		return exitCannot, fmt.Errorf("%w: --max-sessions and --idle-timeout must be positive", errUsage)
	}
	dnsSet, err := setupDNSWithLists(o, env, false)
	if err != nil {
		return exitCannot, err
	}
	defer dnsSet.close()
	serveDNS(o, dnsSet)
	// One probe for every session's SMTP & TLS pane: it reaches only
	// public addresses unless --allow-private-targets (under --demo, only
	// the demo's own servers, started when a session first probes); the
	// operator turns it off with --no-probe.
	var probe *probeSetup
	if !o.noProbe {
		if probe, err = newProbeSetup(o, dnsSet); err != nil {
			return exitCannot, err
		}
		defer probe.close()
	}
	logf := func(format string, args ...any) {
		fmt.Fprintf(env.stderr, "mxray serve: %s\n", termsafe.String(fmt.Sprintf(format, args...)))
	}
	srv, err := serve.New(serve.Config{
		Listen:              o.listen,
		AuthorizedKeys:      o.authorizedKeys,
		TrustedUserCA:       o.trustedUserCA,
		HostKey:             o.hostKey,
		MaxSessions:         o.maxSessions,
		IdleTimeout:         o.idleTimeout,
		AuditLog:            o.auditLog,
		AllowPrivateTargets: o.allowPrivate,
		NewModel:            sessionModel(o, dnsSet, probe),
		RunCommand:          sessionCommand(o, dnsSet, env.getenv),
		Logf:                logf,
	})
	if err != nil {
		return exitCannot, err
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		shutdown(srv, logf)
		return exitCannot, fmt.Errorf("--listen %s: %w", o.listen, err)
	}
	path, created := srv.HostKey()
	state := "read from"
	if created {
		state = "created at"
	}
	fmt.Fprintf(env.stdout, "mxray serve: host key %s %s, fingerprint %s\n", state, termsafe.String(path), srv.HostKeyFingerprint())
	fmt.Fprintf(env.stdout, "mxray serve: listening on %s\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if ready != nil {
		ready(srv, ln.Addr())
	}
	for {
		select {
		case <-hup:
			err := errors.Join(srv.ReloadKeys(), srv.ReopenAuditLog())
			if err != nil {
				logf("reload: %v", err)
			} else {
				logf("reloaded the keys files and reopened the audit log")
			}
		case err := <-served:
			shutdown(srv, logf)
			return exitCannot, fmt.Errorf("serving: %w", err)
		case <-ctx.Done():
			logf("shutting down: telling every session")
			shutdown(srv, logf)
			<-served
			return exitOK, nil
		}
	}
}

// shutdown stops the server within shutdownGrace.
func shutdown(srv *serve.Server, logf func(string, ...any)) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		logf("%v", err)
	}
}

// serveDNS adapts the server's DNS set-up to serving strangers: one reply
// cache for every session (answers are public); connections made on a
// user's behalf reach only public addresses, and so do the nameservers
// --authoritative and mxray dns find in DNS, unless --allow-private-targets.
func serveDNS(o *options, s *dnsSetup) {
	s.config.Cache = dnsclient.NewCache(dnsclient.CacheConfig{})
	if o.allowPrivate {
		return
	}
	timeout := o.timeout
	if s.policies == nil {
		// Under --demo the fetches' dial reaches only the demo's own
		// MTA-STS server: it stays.
		s.dial = func(c *dnsclient.Client) diag.DialFunc { return diag.PublicDialer(c, timeout) }
	}
	s.public = true
	if s.nameservers == nil {
		// Under --demo every nameserver is one of the demo's in-process
		// servers (demo.Nameservers) and no other zone is asked: nothing
		// to guard, and mxray dns can compare them.
		s.config.CheckNameserver = netguard.Check
	}
}

// sessionModel builds the workbench of a terminal session: the input
// screen (with the demo's domains under --demo), on the server's DNS with
// the session's limiter, the server's SMTP probe (public addresses only), the report shown rather than written (e), and
// what the user does told to the audit log.
//
// Locale: an SSH session passes no LANG (the server takes only TERM and
// COLORTERM), and every terminal an SSH client runs in today speaks UTF-8,
// so the workbench draws with Unicode, unless the operator starts the
// server with --ascii, which every session then follows.
func sessionModel(o *options, dnsSet *dnsSetup, probe *probeSetup) serve.NewModelFunc {
	return func(ctx context.Context, info serve.SessionInfo) serve.Model {
		s := dnsSet.forSession(info.Limiter)
		env := append(slices.Clone(info.Env), "LANG=C.UTF-8")
		cfg := tui.Config{
			Demo:  o.demo,
			ASCII: o.ascii,
			NewClient: func(onQuery func(dnsclient.LogEntry)) *dnsclient.Client {
				c := s.config
				c.OnQuery = onQuery
				return dnsclient.New(c)
			},
			Dial:         s.dial,
			Blocklists:   s.blocklists,
			Deadline:     o.deadline,
			Timeout:      o.timeout,
			Offline:      s.offline,
			PolicyRoots:  s.policyRoots,
			ExportToView: true,
			Env:          env,
		}
		if probe != nil {
			cfg.SMTP = probe.options
		}
		if info.Audit != nil {
			cfg.Audit = info.Audit
		}
		return tui.New(ctx, cfg)
	}
}

// sessionCommand runs a command session's checked command (check, spf or
// headers -, from serve.ParseCommand) through the CLI, as if typed after
// the server's global flags, with its output streamed to the session and
// the server's DNS set-up with the session's limiter. Blocklists are the
// command's own choice among the built-in lists; a Spamhaus DQS key in the
// server's environment (getenv) serves every session, masked in logs.
func sessionCommand(o *options, dnsSet *dnsSetup, getenv func(string) string) serve.RunCommandFunc {
	global := serverGlobalArgs(o)
	return func(ctx context.Context, info serve.SessionInfo, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
		if len(args) == 0 || !(slices.Contains(serve.SessionCommands, args[0]) || strings.HasPrefix(args[0], "--")) {
			fmt.Fprintln(stderr, "mxray: not allowed over SSH")
			return exitCannot
		}
		if o.noProbe && slices.ContainsFunc(args, func(a string) bool { return a == "--smtp" || strings.HasPrefix(a, "--smtp=") }) {
			fmt.Fprintln(stderr, "mxray: --smtp: this server does not probe mail servers (it runs with --no-probe)")
			return exitCannot
		}
		env := &environment{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, dns: dnsSet.forSession(info.Limiter)}
		return run(ctx, append(slices.Clone(global), args...), env)
	}
}

// serverGlobalArgs are the global flags the server was started with, as
// arguments for a session's command: they decide how it asks DNS and how
// long it may take.
func serverGlobalArgs(o *options) []string {
	args := []string{"--timeout=" + o.timeout.String(), "--deadline=" + o.deadline.String()}
	if o.demo {
		args = append(args, "--demo")
	}
	if o.ascii {
		args = append(args, "--ascii")
	}
	for _, r := range o.resolvers {
		args = append(args, "--resolver="+r)
	}
	if o.authoritative {
		args = append(args, "--authoritative")
	}
	if o.zone != "" {
		args = append(args, "--zone="+o.zone)
	}
	return args
}
