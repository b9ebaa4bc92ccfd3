package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"

	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/render"
	"github.com/mxray/mxray/diag/termsafe"
)

// traceLine is one DNS question of --trace --json, a JSON Lines record on
// stderr (stdout keeps the report).
type traceLine struct {
	Trace  string `json:"trace"` // always "dns"
	Name   string `json:"name"`
	Type   string `json:"type"`
	Server string `json:"server"`
	Status string `json:"status"`
	TTL    uint32 `json:"ttl"`
	RTTMS  int64  `json:"rtt_ms"`
	Cached bool   `json:"cached"`
	Merged bool   `json:"merged"`
	TCP    bool   `json:"tcp"`
	Error  string `json:"error,omitempty"`
}

// tracer writes the DNS query log of a command as it happens (--trace):
// one line per question, as text or, with --json, JSON Lines. The clients
// of a run call it from many goroutines.
type tracer struct {
	mu   sync.Mutex
	w    io.Writer // stderr (ASCII under --ascii)
	json bool
}

// onQuery is the dnsclient.Config.OnQuery hook, chained after next.
func (t *tracer) onQuery(next func(dnsclient.LogEntry)) func(dnsclient.LogEntry) {
	return func(e dnsclient.LogEntry) {
		if next != nil {
			next(e)
		}
		t.write(e)
	}
}

func (t *tracer) write(e dnsclient.LogEntry) {
	var line []byte
	if t.json {
		b, err := json.Marshal(traceLine{Trace: "dns", Name: e.Name, Type: e.Type, Server: e.Server, Status: string(e.Status),
			TTL: e.TTL, RTTMS: e.RTT.Milliseconds(), Cached: e.Cached, Merged: e.Merged, TCP: e.TCP, Error: e.Err})
		if err != nil {
			return
		}
		line = append(termsafe.JSON(b), '\n')
	} else {
		how := ""
		switch {
		case e.Cached:
			how = " cached"
		case e.Merged:
			how = " merged"
		case e.TCP:
			how = " tcp"
		}
		server := e.Server
		if server == "" {
			server = "-"
		}
		s := fmt.Sprintf("dns: %s %s @%s %s ttl=%d rtt=%dms%s", e.Type, e.Name, server, e.Status, e.TTL, e.RTT.Milliseconds(), how)
		if e.Err != "" {
			s += ": " + e.Err
		}
		line = []byte(termsafe.String(s) + "\n")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	_, _ = t.w.Write(line)
}

// asciiWriter makes everything written through it ASCII (--ascii): JSON
// with \u escapes (the same values), anything else spelled out by
// render.ASCII. A character split across two writes is held until it is
// whole; flush writes what is left.
type asciiWriter struct {
	mu   sync.Mutex // the progress bar and --trace share stderr
	w    io.Writer
	json bool
	tail []byte
}

func (a *asciiWriter) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	buf := append(a.tail, p...)
	cut := len(buf)
	for k := 1; k <= utf8.UTFMax && k <= len(buf); k++ {
		c := buf[len(buf)-k]
		if c < utf8.RuneSelf {
			break
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(buf[len(buf)-k:]) {
				cut = len(buf) - k
			}
			break
		}
	}
	a.tail = append([]byte(nil), buf[cut:]...)
	if err := a.emit(buf[:cut]); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (a *asciiWriter) emit(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if a.json {
		b = render.ASCIIJSON(b)
	} else {
		b = []byte(render.ASCII(string(b)))
	}
	_, err := a.w.Write(b)
	return err
}

// flush writes a character left incomplete at the end.
func (a *asciiWriter) flush() {
	a.mu.Lock()
	defer a.mu.Unlock()
	_ = a.emit(a.tail)
	a.tail = nil
}
