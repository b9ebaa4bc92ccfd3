package spfcheck

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dnsclient"
	"github.com/mxray/mxray/diag/zoneserver/zoneservertest"
	"github.com/mxray/mxray/spf"
)

type bulkLine struct {
	Line       int64   `json:"line"`
	IP         string  `json:"ip"`
	Result     string  `json:"result"`
	HELOResult *string `json:"helo_result"`
	Lookups    int     `json:"lookups"`
	Matched    *struct {
		Term string `json:"term"`
	} `json:"matched"`
}

func readBulk(t *testing.T, out []byte) []bulkLine {
	t.Helper()
	var got []bulkLine
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var l bulkLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, l)
	}
	return got
}

func TestSPFBulkDemo(t *testing.T) {
	srv := zoneservertest.New(t, demo.ZoneText())
	cfg := dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second}
	input := "# clients\n203.0.113.10\n\n198.51.100.250  # a stranger\nnot-an-ip\n[2001:db8:1::5]\n::ffff:192.0.2.3\nfe80::1%eth0\n" + strings.Repeat("x", 5000) + "\n192.0.2.30\n"
	var out, errs bytes.Buffer
	sum, err := Bulk(context.Background(), cfg, Query{Domain: "healthy.example", HELO: "mx1.healthy.example"},
		strings.NewReader(input), &out, BulkOptions{JSON: true, Errs: &errs})
	if err != nil {
		t.Fatal(err)
	}
	got := readBulk(t, out.Bytes())
	want := []struct {
		line   int64
		ip     string
		result string
	}{
		{2, "203.0.113.10", "pass"},
		{4, "198.51.100.250", "fail"},
		{6, "2001:db8:1::5", "pass"},
		{7, "192.0.2.3", "pass"},
		{10, "192.0.2.30", "pass"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d verdicts, want %d:\n%s", len(got), len(want), out.String())
	}
	for i, w := range want {
		if g := got[i]; g.Line != w.line || g.IP != w.ip || g.Result != w.result {
			t.Errorf("verdict %d = line %d %s %s, want line %d %s %s", i, g.Line, g.IP, g.Result, w.line, w.ip, w.result)
		}
	}
	if got[0].HELOResult == nil || *got[0].HELOResult != "none" {
		t.Errorf("helo_result %v, want none (mx1.healthy.example has no SPF record)", got[0].HELOResult)
	}
	if sum.IPs != 5 || sum.BadLines != 3 || sum.Results[spf.Pass] != 4 || sum.Results[spf.Fail] != 1 {
		t.Errorf("summary %+v", sum)
	}
	for _, line := range []string{"line 5:", "line 8:", "line 9:"} {
		if !strings.Contains(errs.String(), line) {
			t.Errorf("bad %s not reported:\n%s", line, errs.String())
		}
	}
	if strings.Contains(errs.String(), strings.Repeat("x", 2000)) {
		t.Error("the over-long line is echoed whole")
	}

	// The text table: a header, then one row per IP in order.
	out.Reset()
	if _, err := Bulk(context.Background(), cfg, Query{Domain: "healthy.example"}, strings.NewReader("198.51.100.250\n203.0.113.10\n"), &out, BulkOptions{}); err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(rows) != 3 || !strings.HasPrefix(rows[0], "IP ") || !strings.HasPrefix(rows[1], "198.51.100.250") || !strings.Contains(rows[1], "fail") ||
		!strings.Contains(rows[2], "healthy.example → spf.mailer.example: a:relay.mailer.example") {
		t.Errorf("text table:\n%s", out.String())
	}
}

// dynamicZone's record needs DNS for every client: exists with %{i} and a
// ptr at the end.
const dynamicZone = `
$ORIGIN dyn.example.
@ SOA ns.dyn.example. h.dyn.example. 1 3600 600 86400 60
@ TXT "v=spf1 exists:%{i}._allow.dyn.example ptr:dyn.example -all"
192.0.2.2._allow A 127.0.0.2
192.0.2.4._allow A 127.0.0.2
mail A 192.0.2.9

$ORIGIN 2.0.192.in-addr.arpa.
@ SOA ns.dyn.example. h.dyn.example. 1 3600 600 86400 60
9 PTR mail.dyn.example.
`

// TestSPFBulkAsksDNSInOrder evaluates IPs whose verdicts need DNS at
// evaluation time (exists:%{i}, ptr) and requires the right verdicts in
// input order, each question asked once per IP.
func TestSPFBulkAsksDNSInOrder(t *testing.T) {
	srv := zoneservertest.New(t, dynamicZone)
	srv.SetLatency(5 * time.Millisecond)
	cfg := dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second}
	var in strings.Builder
	var want []string
	for i := range 200 {
		ip := netip.AddrFrom4([4]byte{192, 0, 2, byte(i)})
		fmt.Fprintln(&in, ip)
		r := "fail"
		if i == 2 || i == 4 || i == 9 {
			r = "pass"
		}
		want = append(want, ip.String()+" "+r)
	}
	var out bytes.Buffer
	sum, err := Bulk(context.Background(), cfg, Query{Domain: "dyn.example"}, strings.NewReader(in.String()), &out, BulkOptions{JSON: true})
	if err != nil {
		t.Fatal(err)
	}
	got := readBulk(t, out.Bytes())
	for i, w := range want {
		if i >= len(got) {
			t.Fatalf("%d verdicts, want %d", len(got), len(want))
		}
		if g := got[i].IP + " " + got[i].Result; g != w || got[i].Line != int64(i+1) {
			t.Errorf("verdict %d: line %d %s, want %s", i, got[i].Line, g, w)
		}
	}
	if sum.IPs != 200 {
		t.Errorf("%d IPs", sum.IPs)
	}
	// Each IP asks its exists name once and, unless it passed there, its
	// PTR once; the record itself was asked once.
	if q := srv.Queries(); q < 200 || q > 1+200+200+4 {
		t.Errorf("server asked %d times for 200 IPs", q)
	}
}

func TestSPFBulkCancel(t *testing.T) {
	srv := zoneservertest.New(t, dynamicZone)
	srv.SetLatency(20 * time.Millisecond)
	cfg := dnsclient.Config{Servers: []string{srv.Addr()}, Timeout: 30 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	var in strings.Builder
	for i := range 5000 {
		fmt.Fprintln(&in, netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}))
	}
	w := &cancelWriter{cancel: cancel, after: 1}
	_, err := Bulk(ctx, cfg, Query{Domain: "dyn.example"}, strings.NewReader(in.String()), w, BulkOptions{JSON: true})
	if err == nil {
		t.Fatal("a cancelled run returned no error")
	}
	for i, l := range bytes.Split(bytes.TrimSuffix(w.buf.Bytes(), []byte("\n")), []byte("\n")) {
		var v map[string]any
		if json.Unmarshal(l, &v) != nil {
			t.Fatalf("line %d is not whole JSON: %q", i+1, l)
		}
	}
}

type cancelWriter struct {
	buf    bytes.Buffer
	after  int
	cancel context.CancelFunc
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	if w.after--; w.after == 0 {
		w.cancel()
	}
	return len(p), nil
}

// FuzzReadBulkLine reads arbitrary bytes line by line as --ip-file does:
// no panic, no line longer than the cap, and the lines read never exceed
// the input.
func FuzzReadBulkLine(f *testing.F) {
	f.Add("192.0.2.1\n2001:db8::1\r\nnot an ip\n")
	f.Add(strings.Repeat("9", 3000) + "\n192.0.2.1")
	f.Fuzz(func(t *testing.T, text string) {
		br := bufio.NewReaderSize(strings.NewReader(text), 64)
		total := 0
		for {
			line, err := readBulkLine(br)
			if err == io.EOF && line == nil {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(line) > bulkMaxLine+1 {
				t.Fatalf("line of %d bytes", len(line))
			}
			total += len(line)
			if total > len(text) {
				t.Fatalf("read %d bytes from %d", total, len(text))
			}
		}
	})
}
