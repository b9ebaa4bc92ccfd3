package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/trustedhosts"
)

// demoDefault is the domain "mxray --demo" opens on.
const demoDefault = demo.DefaultDomain

// maxHeaderInput is read from a file or stdin; diag.ReadMessage refuses
// more than 4 MiB with a clear message, so one byte over is enough to tell.
const maxHeaderInput = diag.MaxMessageSize + 1

// isHeadersTarget reports whether a TARGET names headers rather than a
// domain: "-", anything with a '/', or an existing file.
func isHeadersTarget(s string) bool {
	if s == "-" || strings.Contains(s, "/") {
		return true
	}
	st, err := os.Stat(s)
	return err == nil && !st.IsDir()
}

// runHeaders runs "mxray headers FILE|-": parse the header, find the hops,
// the sending IP and what the receiver recorded, then (unless --no-recheck)
// ask DNS what it says today.
func runHeaders(ctx context.Context, o *options, env *environment) (int, error) {
	raw, source, err := readHeaders(o, env.stdin)
	if err != nil {
		return exitCannot, err
	}
	opts, err := headerOptions(o)
	if err != nil {
		return exitCannot, err
	}
	msg, err := diag.ReadMessage(source, raw, opts)
	if err != nil {
		return exitCannot, fmt.Errorf("%s: %w", source, err)
	}
	var rep *diag.HeadersReport
	if o.noRecheck {
		rep = diag.CheckMessage(ctx, nil, msg, diag.MessageOptions{NoRecheck: true}, nil).Headers
	} else {
		dnsSet, err := setupDNSWithLists(o, env, false)
		if err != nil {
			return exitCannot, err
		}
		defer dnsSet.close()
		client := dnsSet.newClient()
		rep = diag.CheckMessage(ctx, client, msg, diag.MessageOptions{Options: diag.Options{Deadline: o.deadline, Blocklists: dnsSet.blocklists}}, nil).Headers
		if dnsclient.NoServerAnswered(rep.Log) {
			return exitCannot, fmt.Errorf("no DNS server answered (asked %s); check the network, give one with --resolver, or use --no-recheck", strings.Join(dnsSet.config.Servers, ", "))
		}
	}
	if err := writeReport(env.stdout, o, rep, rep.Doc()); err != nil {
		return exitCannot, err
	}
	return exitFor(rep.Findings), nil
}

// textSniff is how much of a header input, when it is all NUL bytes
// (/dev/zero, an empty disk image), makes it "not text" rather than a
// header (a stray NUL inside a header is read and reported by the parser).
const textSniff = 4096

// readHeaders reads the header from FILE, from stdin for "-", or the demo's
// sample under --demo with no FILE.
func readHeaders(o *options, stdin io.Reader) ([]byte, string, error) {
	switch {
	case len(o.args) > 1:
		return nil, "", fmt.Errorf("%w: headers takes one FILE (or - for stdin)", errUsage)
	case len(o.args) == 0 && o.demo:
		return demo.SampleMessage(), demo.SampleName, nil
	case len(o.args) == 0:
		return nil, "", fmt.Errorf("%w: headers needs a FILE, or - to read stdin", errUsage)
	}
	name := o.args[0]
	var r io.Reader = stdin
	source := "stdin"
	size := "more than 4 MiB"
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, "", err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			size = fmt.Sprintf("%d bytes", st.Size())
		}
		r, source = f, name
	}
	raw, err := io.ReadAll(io.LimitReader(r, maxHeaderInput))
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", source, err)
	}
	if len(raw) >= textSniff && len(bytes.Trim(raw[:textSniff], "\x00")) == 0 {
		return nil, "", fmt.Errorf("%s: not text: it starts with %d NUL bytes; give the message's header block as text (the .eml file, or the headers copied from the mail client)", source, textSniff)
	}
	if len(raw) >= maxHeaderInput {
		// Say the true size: only the first 4 MiB and a byte were read.
		return nil, "", fmt.Errorf("%s: %w: it is %s, and at most %d (4 MiB) are read: paste only the header block", source, diag.ErrMessageTooLarge, size, diag.MaxMessageSize)
	}
	return raw, source, nil
}

// headerOptions maps --trusted-hosts and --sending-ip onto diag's header
// options.
func headerOptions(o *options) (diag.HeaderOptions, error) {
	var opts diag.HeaderOptions
	hosts, err := trustedhosts.Parse(o.trustedHosts)
	if err != nil {
		return opts, fmt.Errorf("%w: --trusted-hosts: %v", errUsage, err)
	}
	opts.TrustedHosts = hosts
	if o.sendingIP != "" {
		ip, err := netip.ParseAddr(strings.Trim(o.sendingIP, "[]"))
		if err != nil {
			return opts, fmt.Errorf("%w: --sending-ip %q is not an IPv4 or IPv6 address", errUsage, o.sendingIP)
		}
		opts.SendingIP = ip.Unmap()
	}
	return opts, nil
}
