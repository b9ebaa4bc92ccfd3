package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/termsafe"
)

// batchWorkers bounds how many domains "check -f" investigates at once.
const batchWorkers = 8

// maxBatchLines bounds the domains one "check -f" file may hold.
const maxBatchLines = 100_000

// runCheck runs "mxray check DOMAIN" and "mxray check -f FILE".
func runCheck(ctx context.Context, o *options, env *environment) (int, error) {
	if o.file != "" {
		if len(o.args) > 0 {
			return exitCannot, fmt.Errorf("%w: give either DOMAIN or -f FILE, not both", errUsage)
		}
		return runBatch(ctx, o, env)
	}
	if len(o.args) != 1 {
		return exitCannot, fmt.Errorf("%w: check takes one DOMAIN (or -f FILE)", errUsage)
	}
	t, err := diag.ParseTarget(o.args[0])
	if err != nil {
		return exitCannot, err
	}
	lists, err := blocklistSet(o, env, false)
	if err != nil {
		return exitCannot, err
	}
	dnsSet, err := setupDNS(o)
	if err != nil {
		return exitCannot, err
	}
	defer dnsSet.close()
	dnsSet.withBlocklists(lists)
	rep := investigate(ctx, o, dnsSet, t.Domain)
	if rep.Unreachable {
		return exitCannot, fmt.Errorf("no DNS server answered (asked %s); check the network or give one with --resolver", strings.Join(dnsSet.config.Servers, ", "))
	}
	if err := writeReport(env.stdout, o, rep, rep.Doc()); err != nil {
		return exitCannot, err
	}
	return exitFor(rep.Findings), nil
}

// investigate runs one domain investigation with a fresh client.
func investigate(ctx context.Context, o *options, s *dnsSetup, domain string) *diag.Report {
	client := s.newClient()
	return diag.Investigate(ctx, client, domain, diag.Options{
		Selectors:  o.selectors,
		Deadline:   o.deadline,
		Offline:    s.offline,
		Dial:       s.dial(client),
		Blocklists: s.blocklists,
	}, nil)
}

// writeReport writes v as JSON, or doc as Markdown or text.
func writeReport(w io.Writer, o *options, v any, doc *render.Doc) error {
	switch o.outputFormat() {
	case "json":
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
		out := termsafe.JSON(buf.Bytes())
		if o.redact {
			out = []byte(render.Redact(string(out)))
		}
		_, err := w.Write(out)
		return err
	case "markdown":
		return render.Markdown(w, doc, render.Options{ASCII: o.ascii, Redact: o.redact})
	default:
		return render.Text(w, doc, render.Options{ASCII: o.ascii, Redact: o.redact})
	}
}

// exitFor returns 1 when a finding is error-severity, else 0.
func exitFor(fs []finding.Finding) int {
	if finding.HasError(fs) {
		return exitFindings
	}
	return exitOK
}

// runBatch checks every domain of a file through a bounded pool and writes
// one JSON object per line (text and Markdown reports one after another),
// in the file's order.
func runBatch(ctx context.Context, o *options, env *environment) (int, error) {
	domains, err := readDomainList(o.file, env.stdin)
	if err != nil {
		return exitCannot, err
	}
	lists, err := blocklistSet(o, env, true)
	if err != nil {
		return exitCannot, err
	}
	dnsSet, err := setupDNS(o)
	if err != nil {
		return exitCannot, err
	}
	defer dnsSet.close()
	dnsSet.withBlocklists(lists)

	type result struct {
		rep *diag.Report
		err error
	}
	results := make([]chan result, len(domains))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(batchWorkers, len(domains)) {
		wg.Go(func() {
			for i := range jobs {
				t, err := diag.ParseTarget(domains[i])
				if err != nil {
					results[i] <- result{err: err}
					continue
				}
				results[i] <- result{rep: investigate(ctx, o, dnsSet, t.Domain)}
			}
		})
	}
	go func() {
		defer close(jobs)
		for i := range domains {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()

	code, reached := exitOK, false
	progress := env.stderrIsTTY && o.json
	var line bytes.Buffer
	enc := json.NewEncoder(&line)
	enc.SetEscapeHTML(false)
	writeLine := func(v any) error {
		line.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		out := termsafe.JSON(line.Bytes())
		if o.redact {
			out = []byte(render.Redact(string(out)))
		}
		_, err := env.stdout.Write(out)
		return err
	}
	for i, ch := range results {
		var res result
		select {
		case res = <-ch:
		case <-ctx.Done():
			wg.Wait()
			return exitCannot, ctx.Err()
		}
		if progress {
			fmt.Fprintf(env.stderr, "\r%d/%d checked", i+1, len(domains))
		}
		if res.err != nil {
			code = exitFindings
			if o.json {
				if err := writeLine(map[string]any{"input": domains[i], "error": res.err.Error()}); err != nil {
					return exitCannot, err
				}
			} else {
				line := termsafe.String(domains[i]) + ": " + termsafe.Error(res.err)
				if o.outputFormat() == "markdown" {
					line = render.MarkdownText(line)
				}
				fmt.Fprintf(env.stdout, "%s\n\n", line)
			}
			continue
		}
		reached = reached || !res.rep.Unreachable
		if o.json {
			if err := writeLine(res.rep); err != nil {
				return exitCannot, err
			}
		} else if err := writeReport(env.stdout, o, res.rep, res.rep.Doc()); err != nil {
			return exitCannot, err
		} else {
			fmt.Fprintln(env.stdout)
		}
		code = max(code, exitFor(res.rep.Findings))
	}
	wg.Wait()
	if progress {
		fmt.Fprintln(env.stderr)
	}
	if !reached && len(domains) > 0 {
		return exitCannot, errors.New("no DNS server answered for any domain; check the network or give one with --resolver")
	}
	return code, nil
}

// readDomainList reads one domain per line; blank lines and # comments are
// skipped. "-" reads stdin.
func readDomainList(path string, stdin io.Reader) ([]string, error) {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	var out []string
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		if len(out) == maxBatchLines {
			return nil, fmt.Errorf("%s: more than %d domains; split the file", path, maxBatchLines)
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no domains in it", path)
	}
	return out, nil
}
