package batch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxOutputLineBytes bounds one line of an earlier run's output that
// ReadComplete accepts.
const MaxOutputLineBytes = 64 << 20

// ErrNotOutput: the file to resume is not what a batch run writes.
var ErrNotOutput = errors.New("not the JSON Lines output of a batch run")

// A line of a batch run's JSON output is complete when it is a whole line
// (it ends in a newline) holding one JSON object that names what it is
// about: "domain" for a report, "input" for an input that could not be
// checked. A last line without its newline that starts like one ("{") is
// the torn end of an interrupted run: dropped and redone. Anything else is
// an error: the file is not a batch run's output, and nothing of it is cut.

// ReportKey is the key of a line reporting on domain.
func ReportKey(domain string) string { return domain }

// InputKey is the key of a line saying that input could not be checked.
func InputKey(input string) string { return "input:" + input }

// Previous is what an earlier run wrote.
type Previous struct {
	// Done counts the complete lines per key (ReportKey, InputKey): the
	// inputs Run may skip.
	Done map[string]int
	// Keep is the length of the output up to the end of its last complete
	// line: a torn last line lies beyond it and should be cut off before
	// appending.
	Keep int64
	// Lines and Failed count the complete lines, and those that report an
	// error-severity finding or an input that could not be checked.
	Lines, Failed int64
}

// ReadComplete reads the output of an earlier run.
func ReadComplete(r io.Reader) (Previous, error) {
	p := Previous{Done: map[string]int{}}
	br := bufio.NewReaderSize(r, 1<<16)
	for n := 1; ; n++ {
		line, rerr := readLine(br)
		if len(line) == 0 && rerr == io.EOF {
			return p, nil
		}
		if rerr != nil && rerr != io.EOF {
			return Previous{}, fmt.Errorf("line %d: %w", n, rerr)
		}
		if rerr == io.EOF {
			// No newline: the torn end of a run killed while writing (Run
			// writes every line whole, in one call). Only what starts as
			// one of its lines is dropped; anything else is not ours to cut.
			if bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("{")) {
				return p, nil
			}
			return Previous{}, fmt.Errorf("line %d: %w", n, ErrNotOutput)
		}
		key, failed, ok := lineKey(line)
		if !ok {
			return Previous{}, fmt.Errorf("line %d: %w", n, ErrNotOutput)
		}
		p.Done[key]++
		p.Lines++
		if failed {
			p.Failed++
		}
		p.Keep += int64(len(line))
	}
}

// readLine reads one line including its newline, refusing lines over
// MaxOutputLineBytes.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > MaxOutputLineBytes {
			return nil, fmt.Errorf("a line over %d bytes", MaxOutputLineBytes)
		}
		if err != bufio.ErrBufferFull {
			return buf, err
		}
	}
}

// lineKey returns the key of one complete output line, and whether it
// reports an error-severity finding or an input that could not be checked.
func lineKey(line []byte) (key string, failed, ok bool) {
	var v struct {
		Domain   *string `json:"domain"`
		Input    *string `json:"input"`
		Findings []struct {
			Severity string `json:"severity"`
		} `json:"findings"`
	}
	trimmed := bytes.TrimSpace(line)
	if len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(trimmed, &v) != nil {
		return "", false, false
	}
	switch {
	case v.Domain != nil && *v.Domain != "":
		for _, f := range v.Findings {
			failed = failed || f.Severity == "error"
		}
		return ReportKey(*v.Domain), failed, true
	case v.Input != nil:
		return InputKey(*v.Input), true, true
	}
	return "", false, false
}
