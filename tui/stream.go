package tui

import (
	"context"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/tui/kit"
)

const (
	// logBuffer is how many DNS log entries may wait for the program
	// before the live stream drops some (the final report keeps them all).
	logBuffer = 4096
	// logBatch caps the entries one queryMsg carries.
	logBatch = 512
)

// stream carries one run's output from its goroutines into the program:
// what the investigation or the message pipeline sends (parts, the final
// report, the re-check), and the DNS log as the client records it. The
// model never reads it directly: commands do.
type stream struct {
	run     int
	events  chan diag.Event
	logs    chan dnsclient.LogEntry
	dropped atomic.Int64
	// reports carries the naming of a run's DMARC report sources;
	// repState is what waitReports builds its answers from.
	reports  chan reportsEvent
	repState *reportsState
}

func newStream(run int) *stream {
	return &stream{run: run, events: make(chan diag.Event), logs: make(chan dnsclient.LogEntry, logBuffer)}
}

// onQuery is the client's OnQuery hook: it never blocks the lookup.
func (s *stream) onQuery(e dnsclient.LogEntry) {
	select {
	case s.logs <- e:
	default:
		s.dropped.Add(1)
	}
}

// pipe runs produce in a goroutine and hands each event it sends to the
// program (waitEvent) until the session ends; after that it drains them,
// so produce always finishes. It closes the stream's events when produce
// returns: waitEvent then returns nil.
func (s *stream) pipe(session context.Context, produce func(events chan<- diag.Event)) tea.Cmd {
	return func() tea.Msg {
		in := make(chan diag.Event)
		go func() {
			produce(in)
			close(in)
		}()
		for ev := range in {
			select {
			case s.events <- ev:
			case <-session.Done():
			}
		}
		close(s.events)
		return nil
	}
}

// investigate runs a domain's investigation in a command: each part as
// diag.Investigate sends it, then the final report.
func (s *stream) investigate(session, ctx context.Context, client *dnsclient.Client, domain string, opts diag.Options) tea.Cmd {
	return s.pipe(session, func(events chan<- diag.Event) {
		rep := diag.Investigate(ctx, client, domain, opts, events)
		events <- diag.Event{Done: true, Report: rep}
	})
}

// checkMessage runs the message pipeline in a command: the re-check and,
// when the message has a From domain to investigate (noDomain false), its
// investigation, as diag.CheckMessage sends them. With no domain the run's
// domain side is done at once, with nothing in it.
func (s *stream) checkMessage(session, ctx context.Context, client *dnsclient.Client, m *diag.Message, opts diag.MessageOptions, noDomain bool) tea.Cmd {
	return s.pipe(session, func(events chan<- diag.Event) {
		if noDomain {
			events <- diag.Event{Done: true, Report: &diag.Report{}}
		}
		diag.CheckMessage(ctx, client, m, opts, events)
	})
}

// waitEvent waits for the next thing the run's pipeline sends; the root
// issues it again after each, until the pipeline is over. Every part is
// passed on, the last one included: diag.Investigate never changes a
// snapshot once it is delivered (it finishes the final report on a copy).
func (s *stream) waitEvent() tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-s.events
		switch {
		case !ok:
			return nil
		case ev.Done:
			return kit.RunDoneMsg{Run: s.run, Report: ev.Report, Dropped: s.dropped.Load()}
		case ev.Recheck != nil:
			return kit.RecheckMsg{Run: s.run, Report: ev.Recheck}
		}
		return kit.PartMsg{Run: s.run, Part: ev.Part, Report: ev.Report}
	}
}

// waitLog waits for DNS log entries and returns those that have arrived,
// until ctx (the run's) ends. The root issues it again after each batch.
func (s *stream) waitLog(ctx context.Context) tea.Cmd {
	return func() tea.Msg {
		var batch []dnsclient.LogEntry
		select {
		case e := <-s.logs:
			batch = append(batch, e)
		case <-ctx.Done():
			return nil
		}
		for len(batch) < logBatch {
			select {
			case e := <-s.logs:
				batch = append(batch, e)
			default:
				return kit.QueryMsg{Run: s.run, Entries: batch}
			}
		}
		return kit.QueryMsg{Run: s.run, Entries: batch}
	}
}
