package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/batch"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/finding"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/termsafe"
)

// batchFlags are the flags of "check -f".
type batchFlags struct {
	concurrency int
	qps         float64
	unordered   bool
	resume      bool
}

// batchFlagNames are the flags that belong to "check -f".
var batchFlagNames = []string{"concurrency", "qps", "unordered", "resume"}

func addBatchFlags(fs *pflag.FlagSet, b *batchFlags) {
	fs.IntVar(&b.concurrency, "concurrency", batch.DefaultConcurrency, "check -f: domains checked at once")
	fs.Float64Var(&b.qps, "qps", 0, "check -f: at most N DNS questions per second in all (0: no cap)")
	fs.BoolVar(&b.unordered, "unordered", false, "check -f: write each line as its domain finishes, not in the file's order")
	fs.BoolVar(&b.resume, "resume", false, "check -f: skip the domains already complete in the output file (stdout, appended to with >>)")
}

// check refuses batch flags without -f and values out of range.
func (b *batchFlags) check(o *options) error {
	for _, name := range batchFlagNames {
		if o.set.Changed(name) && o.file == "" {
			return fmt.Errorf("%w: --%s goes with check -f FILE", errUsage, name)
		}
	}
	switch {
	case b.concurrency < 1 || b.concurrency > 10_000:
		return fmt.Errorf("%w: --concurrency %d: give 1 to 10000", errUsage, b.concurrency)
	case b.qps < 0 || b.qps > 1e6:
		return fmt.Errorf("%w: --qps %v: give 0 (no cap) to 1000000", errUsage, b.qps)
	case b.resume && !o.json:
		return fmt.Errorf("%w: --resume reads the JSON Lines an earlier run wrote: add --json", errUsage)
	}
	return nil
}

// errResolverDown stops a batch when the resolvers stop answering.
var errResolverDown = errors.New("the DNS resolvers stopped answering")

// runBatch checks every domain of a file through a bounded pool, sharing
// one answer cache, one question-rate cap and one resolver-health tracker
// across domains, and writes one JSON object per line (text and Markdown
// reports one after another), in the file's order unless --unordered.
func runBatch(ctx context.Context, o *options, env *environment) (int, error) {
	in, closeIn, err := openList(o.file, env.stdin)
	if err != nil {
		return exitCannot, err
	}
	defer closeIn()
	var total int64 = -1
	if f, ok := in.(*os.File); ok && o.file != "-" {
		if total, err = batch.Count(f); err != nil {
			return exitCannot, fmt.Errorf("%s: %w", o.file, err)
		}
		if total == 0 {
			return exitCannot, fmt.Errorf("%s: no domains in it", o.file)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return exitCannot, err
		}
	}
	var prev batch.Previous
	if o.batch.resume {
		if prev, err = resumeFrom(env); err != nil {
			return exitCannot, err
		}
	}

	dnsSet, probe, done, err := checkSetup(o, env, true)
	if err != nil {
		return exitCannot, err
	}
	defer done()
	tuneGC()
	health := dnsclient.NewHealth(0, o.timeout, nil)
	dnsSet.config.Health = health
	if !o.authoritative {
		dnsSet.config.Cache = dnsclient.NewCache(dnsclient.CacheConfig{})
	}
	if o.batch.qps > 0 {
		lim, err := dnsclient.NewRateLimiter(o.batch.qps, 1, nil)
		if err != nil {
			return exitCannot, err
		}
		dnsSet.config.Limiter = lim
	}

	check := func(ctx context.Context, input string) batch.Result {
		t, err := diag.ParseTarget(input)
		if err != nil {
			return batch.Result{Line: errorLine(o, input, err), Failed: true, Reached: true}
		}
		rep := investigate(ctx, o, dnsSet, probe, t.Domain)
		switch {
		case ctx.Err() != nil:
			return batch.Result{Abort: context.Cause(ctx)}
		case health.Down():
			return batch.Result{Abort: errResolverDown}
		}
		line, err := reportLine(o, rep)
		if err != nil {
			return batch.Result{Abort: err}
		}
		return batch.Result{Line: line, Failed: finding.HasError(rep.Findings), Reached: !rep.Unreachable}
	}
	bar := newProgressBar(env, total)
	sum, err := batch.Run(ctx, in, env.stdout, batch.Options{
		Check:       check,
		Concurrency: o.batch.concurrency,
		Unordered:   o.batch.unordered,
		Done:        prev.Done,
		Key:         batchKey,
		Progress:    bar.update,
	})
	bar.finish()
	switch {
	case errors.Is(err, errResolverDown):
		return exitCannot, fmt.Errorf("%s after %d domains (asked %s); what finished is written: run again with --resume to go on",
			errResolverDown, sum.Written, strings.Join(dnsSet.config.Servers, ", "))
	case err != nil && ctx.Err() != nil:
		return exitCannot, fmt.Errorf("interrupted after %d domains, every line written whole: run again with --resume to go on", sum.Written+sum.Skipped)
	case err != nil:
		return exitCannot, err
	case sum.Read == 0:
		return exitCannot, fmt.Errorf("%s: no domains in it", o.file)
	case sum.Written > 0 && !sum.Reached && prev.Lines == 0:
		return exitCannot, errors.New("no DNS server answered for any domain; check the network or give one with --resolver")
	case sum.Failed+prev.Failed > 0:
		return exitFindings, nil
	}
	return exitOK, nil
}

// Memory for a batch: a long run allocates at a steady rate and keeps
// little (the shared cache, the reorder window), so the collector may let
// the heap grow further between cycles, within a soft limit that keeps the
// process well under 300 MB. GOGC and GOMEMLIMIT in the environment win.
const (
	batchGCPercent   = 400
	batchMemoryLimit = 224 << 20
)

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(batchGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(batchMemoryLimit)
	}
}

// openList opens the domain list; "-" is stdin.
func openList(path string, stdin io.Reader) (io.Reader, func(), error) {
	if path == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// batchKey names an input as the lines written for it do (for --resume).
func batchKey(input string) string {
	t, err := diag.ParseTarget(input)
	if err != nil {
		return batch.InputKey(input)
	}
	return batch.ReportKey(t.Domain)
}

// resumeFrom reads the output file an earlier run wrote (stdout, opened
// for appending), cuts off a torn last line, and returns what is done.
func resumeFrom(env *environment) (batch.Previous, error) {
	f := env.stdoutFile
	var st os.FileInfo
	if f != nil {
		st, _ = f.Stat()
	}
	if st == nil || !st.Mode().IsRegular() {
		return batch.Previous{}, fmt.Errorf("%w: --resume appends to the output of the earlier run: redirect stdout to that file with >>", errUsage)
	}
	r, err := os.Open(f.Name())
	if err != nil {
		return batch.Previous{}, fmt.Errorf("--resume: cannot read the output file back: %w", err)
	}
	defer r.Close()
	prev, err := batch.ReadComplete(r)
	if err != nil {
		return batch.Previous{}, fmt.Errorf("--resume: %s: %w", f.Name(), err)
	}
	if prev.Keep < st.Size() {
		if err := f.Truncate(prev.Keep); err != nil {
			return batch.Previous{}, fmt.Errorf("--resume: cannot cut the torn last line: %w", err)
		}
	}
	if _, err := f.Seek(prev.Keep, io.SeekStart); err != nil {
		return batch.Previous{}, err
	}
	if st.Size() == 0 {
		fmt.Fprintln(env.stderr, "mxray: --resume: the output file is empty, so every domain is checked (append with >>, not >)")
	}
	return prev, nil
}

// reportLine is one domain's output: a JSON line, or a text or Markdown
// report and a blank line.
func reportLine(o *options, rep *diag.Report) ([]byte, error) {
	if o.json {
		return jsonLine(o, rep)
	}
	var buf bytes.Buffer
	if err := writeReport(&buf, o, rep, rep.Doc()); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// errorLine is the output for an input that is not a domain.
func errorLine(o *options, input string, err error) []byte {
	if o.json {
		line, jerr := jsonLine(o, map[string]any{"input": input, "error": err.Error()})
		if jerr == nil {
			return line
		}
	}
	line := termsafe.String(input) + ": " + termsafe.Error(err)
	if o.outputFormat() == "markdown" {
		line = render.MarkdownText(line)
	}
	return []byte(line + "\n\n")
}

// jsonLine encodes v on one line, with the run's provenance first, made
// terminal-safe and redacted as asked. A report marshals itself compactly
// already: its bytes are taken as they are, without encoding/json's second
// pass over them.
func jsonLine(o *options, v any) ([]byte, error) {
	var b []byte
	if m, ok := v.(json.Marshaler); ok {
		var err error
		if b, err = m.MarshalJSON(); err != nil {
			return nil, err
		}
	} else {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
		b = bytes.TrimSpace(buf.Bytes())
	}
	head, err := json.Marshal(o.prov)
	if err != nil {
		return nil, err
	}
	if len(b) < 2 || b[0] != '{' {
		return nil, errors.New("batch: a record is not a JSON object")
	}
	out := make([]byte, 0, len(head)+len(b)+2)
	out = append(out, head[:len(head)-1]...)
	if len(b) > 2 {
		out = append(out, ',')
	}
	out = append(append(out, b[1:]...), '\n')
	out = termsafe.JSON(out)
	if o.redact {
		out = []byte(render.Redact(string(out)))
	}
	return out, nil
}

// progressBar draws "[=====>    ] 1234/10000 12% 210/s ETA 42s" on stderr,
// only when stderr is a terminal that stdout is not writing to.
type progressBar struct {
	w     io.Writer
	total int64 // -1 when unknown (stdin)
	last  time.Time
	drawn bool
}

func newProgressBar(env *environment, total int64) *progressBar {
	if !env.stderrIsTTY || env.stdoutIsTTY {
		return &progressBar{}
	}
	return &progressBar{w: env.stderr, total: total}
}

func (p *progressBar) update(pr batch.Progress) {
	if p.w == nil || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.drawn = true
	fmt.Fprint(p.w, "\r\x1b[K"+progressText(pr, p.total, 30))
}

func (p *progressBar) finish() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// progressText renders one state of the bar.
func progressText(pr batch.Progress, total int64, width int) string {
	done := pr.Written + pr.Skipped
	rate := 0.0
	if s := pr.Elapsed.Seconds(); s > 0 {
		rate = float64(pr.Written) / s
	}
	var b strings.Builder
	if total > 0 {
		fill := min(int(int64(width)*done/total), width)
		b.WriteString("[" + strings.Repeat("=", fill))
		if fill < width {
			b.WriteString(">" + strings.Repeat(" ", width-fill-1))
		}
		fmt.Fprintf(&b, "] %d/%d %d%%", done, total, 100*done/total)
	} else {
		fmt.Fprintf(&b, "%d checked", done)
	}
	fmt.Fprintf(&b, "  %.0f/s", rate)
	if total > 0 && rate > 0 && done < total {
		eta := time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second)
		fmt.Fprintf(&b, "  ETA %s", eta)
	}
	if pr.Failed > 0 {
		fmt.Fprintf(&b, "  %d with errors", pr.Failed)
	}
	return b.String()
}
