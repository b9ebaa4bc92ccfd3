// Package batch runs one check per line of a long input list through a
// bounded pool and writes one output line per input, streaming both ends so
// that memory stays flat however long the list is: the input is read as the
// pool frees up, and results wait in a reorder window of bounded size until
// every earlier line is written (or are written as they finish, unordered).
// It knows nothing of what a check is; mxray's "check -f" gives it one.
//
// A run can be interrupted and resumed: every line it writes is written
// whole, in one call, and an interrupted run stops at a line boundary;
// ReadComplete reads what an earlier run wrote and says which inputs are
// done, so that Run skips them.
package batch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Defaults of Options.
const (
	// DefaultConcurrency is how many inputs are checked at once: enough to
	// keep a resolver on the local network busy at 20 ms per answer (each
	// check waits on a few round trips at a time), few enough that its
	// questions in flight stay in the hundreds.
	DefaultConcurrency = 48
	// MaxLineBytes bounds one input line.
	MaxLineBytes = 4096
)

// Result is what checking one input gave.
type Result struct {
	// Line is the output for the input, written as given in one call; it
	// should end in a newline.
	Line []byte
	// Failed marks a check that found an error-severity problem.
	Failed bool
	// Reached is set when some DNS server answered the check.
	Reached bool
	// Abort, when set, means the result is no answer (the run was
	// cancelled, the resolvers stopped answering): Line is not written and
	// the run stops with this error.
	Abort error
}

// Options configure a run.
type Options struct {
	// Check checks one input. It is called from Concurrency goroutines at
	// once and must honour ctx.
	Check func(ctx context.Context, input string) Result
	// Concurrency bounds the checks in flight; DefaultConcurrency when 0.
	Concurrency int
	// Unordered writes each line as its check finishes instead of in input
	// order.
	Unordered bool
	// Done, when set, holds the inputs an earlier run completed (from
	// ReadComplete); Key names an input as Done does. Each is skipped as
	// many times as Done counts it.
	Done map[string]int
	Key  func(input string) string
	// Progress, when set, is called after each input is written or
	// skipped, from the goroutine that writes.
	Progress func(Progress)
}

// Progress is how far a run is.
type Progress struct {
	Written int64 // lines written by this run
	Skipped int64 // inputs skipped as already done
	Failed  int64 // of Written, checks with error-severity problems
	Elapsed time.Duration
}

// Summary is the outcome of a run.
type Summary struct {
	Read    int64 // inputs read (non-blank, non-comment lines)
	Written int64 // lines written
	Skipped int64 // inputs skipped as done by an earlier run
	Failed  int64 // checks that found error-severity problems
	Reached bool  // some check reached a DNS server
}

// ErrLineTooLong: an input line is longer than MaxLineBytes.
var ErrLineTooLong = errors.New("input line too long")

// Inputs calls fn with every input of r in order: one per line, blank lines
// and "#" comments skipped, surrounding space trimmed. It stops at the
// first error fn returns, and reports lines over MaxLineBytes with their
// line number.
func Inputs(r io.Reader, fn func(input string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxLineBytes+1)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if err := fn(line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%w (over %d bytes)", ErrLineTooLong, MaxLineBytes)
		}
		return err
	}
	return nil
}

// Count returns how many inputs r holds, for a progress bar's total.
func Count(r io.Reader) (int64, error) {
	var n int64
	err := Inputs(r, func(string) error { n++; return nil })
	return n, err
}

// job is one input on its way through the pool.
type job struct {
	seq   int64
	input string
	res   Result
}

// Run checks every input of in and writes the lines to out. It returns
// when every input is written, when ctx ends (then what was finished before
// is written, whole lines only, and the error is ctx's), when a check
// aborts, or when reading or writing fails.
func Run(ctx context.Context, in io.Reader, out io.Writer, opts Options) (Summary, error) {
	if opts.Check == nil {
		return Summary{}, errors.New("batch: no Check function")
	}
	conc := opts.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	// window bounds the inputs between reading and writing: those in
	// flight and those finished but waiting for an earlier line.
	window := make(chan struct{}, 4*conc)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	jobs := make(chan *job)
	finished := make(chan *job, conc)
	var workers sync.WaitGroup
	for range conc {
		workers.Go(func() {
			for j := range jobs {
				j.res = opts.Check(ctx, j.input)
				finished <- j
			}
		})
	}

	var sum Summary
	var readErr error
	skipped := make(chan struct{}, 1) // wakes the writer for progress
	var skipCount int64
	var mu sync.Mutex // guards skipCount and sum.Read
	go func() {
		defer close(jobs)
		var seq int64
		err := Inputs(in, func(input string) error {
			mu.Lock()
			sum.Read++
			mu.Unlock()
			if k := opts.key(input); opts.Done[k] > 0 {
				opts.Done[k]--
				mu.Lock()
				skipCount++
				mu.Unlock()
				select {
				case skipped <- struct{}{}:
				default:
				}
				return nil
			}
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
			select {
			case jobs <- &job{seq: seq, input: input}:
				seq++
				return nil
			case <-ctx.Done():
				<-window
				return context.Cause(ctx)
			}
		})
		if err != nil && ctx.Err() == nil {
			mu.Lock()
			readErr = err
			mu.Unlock()
			cancel(err)
		}
	}()
	go func() {
		workers.Wait()
		close(finished)
	}()

	start := time.Now()
	w := &writer{out: out, ordered: !opts.Unordered, pending: map[int64]*job{}}
	report := func() {
		if opts.Progress == nil {
			return
		}
		mu.Lock()
		s := skipCount
		mu.Unlock()
		opts.Progress(Progress{Written: sum.Written, Skipped: s, Failed: sum.Failed, Elapsed: time.Since(start)})
	}
	var runErr error
	for j := range finishedOrSkips(finished, skipped, report) {
		if runErr != nil {
			<-window
			continue // draining after a failure: nothing more is written
		}
		if j.res.Abort != nil {
			runErr = j.res.Abort
			cancel(runErr)
			<-window
			continue
		}
		err := w.add(j, func(j *job) {
			sum.Written++
			if j.res.Failed {
				sum.Failed++
			}
			sum.Reached = sum.Reached || j.res.Reached
			<-window
			report()
		})
		if err != nil {
			runErr = err
			cancel(err)
		}
	}
	// Whatever is still pending waits for an earlier line that will never
	// come: it is not written, and a resumed run does it again.
	mu.Lock()
	sum.Skipped = skipCount
	rerr := readErr
	mu.Unlock()
	report()
	switch {
	case runErr != nil:
		return sum, runErr
	case rerr != nil:
		return sum, rerr
	case ctx.Err() != nil:
		return sum, context.Cause(ctx)
	}
	return sum, nil
}

// finishedOrSkips yields the finished jobs, calling report when the reader
// skips inputs while no job finishes.
func finishedOrSkips(finished <-chan *job, skipped <-chan struct{}, report func()) func(func(*job) bool) {
	return func(yield func(*job) bool) {
		for {
			select {
			case j, ok := <-finished:
				if !ok {
					return
				}
				if !yield(j) {
					return
				}
			case <-skipped:
				report()
			}
		}
	}
}

func (o *Options) key(input string) string {
	if o.Key == nil {
		return input
	}
	return o.Key(input)
}

// writer writes finished jobs, in sequence order unless unordered.
type writer struct {
	out     io.Writer
	ordered bool
	next    int64
	pending map[int64]*job
}

// add takes a finished job and writes every line now due, each in one
// Write call, calling done after each.
func (w *writer) add(j *job, done func(*job)) error {
	if !w.ordered {
		if _, err := w.out.Write(j.res.Line); err != nil {
			return err
		}
		done(j)
		return nil
	}
	w.pending[j.seq] = j
	for {
		j, ok := w.pending[w.next]
		if !ok {
			return nil
		}
		delete(w.pending, w.next)
		if _, err := w.out.Write(j.res.Line); err != nil {
			return err
		}
		w.next++
		done(j)
	}
}
