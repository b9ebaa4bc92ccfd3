package dmarcreport

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// genHeader and genRecord make a report in the layout large receivers send:
// indented, one DKIM and one SPF result per record.
const genHeader = `<?xml version="1.0" encoding="UTF-8" ?>
<feedback>
  <report_metadata>
    <org_name>receiver.example</org_name>
    <email>noreply-dmarc@receiver.example</email>
    <report_id>%d</report_id>
    <date_range>
      <begin>1700000000</begin>
      <end>1700086399</end>
    </date_range>
  </report_metadata>
  <policy_published>
    <domain>example.com</domain>
    <adkim>r</adkim>
    <aspf>r</aspf>
    <p>none</p>
    <sp>none</sp>
    <pct>100</pct>
  </policy_published>
`

const genRecord = `  <record>
    <row>
      <source_ip>%s</source_ip>
      <count>%d</count>
      <policy_evaluated>
        <disposition>none</disposition>
        <dkim>%s</dkim>
        <spf>pass</spf>
      </policy_evaluated>
    </row>
    <identifiers>
      <header_from>example.com</header_from>
      <envelope_from>example.com</envelope_from>
    </identifiers>
    <auth_results>
      <dkim>
        <domain>example.com</domain>
        <selector>s1</selector>
        <result>%s</result>
      </dkim>
      <spf>
        <domain>example.com</domain>
        <scope>mfrom</scope>
        <result>pass</result>
      </spf>
    </auth_results>
  </record>
`

// generate streams a report of rows records over distinct source IPs
// (the rows cycle through them), never holding it whole.
func generate(rows, distinct int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 256<<10)
		fmt.Fprintf(bw, genHeader, rows)
		// Render each source's record once, with a count of 1; only the
		// count's one digit changes from row to row.
		recs := make([][]byte, distinct)
		at := make([]int, distinct)
		for d := range distinct {
			ip := "10." + strconv.Itoa(d>>16&255) + "." + strconv.Itoa(d>>8&255) + "." + strconv.Itoa(d&255)
			res := "pass"
			if d%7 == 0 {
				res = "fail"
			}
			recs[d] = fmt.Appendf(nil, genRecord, ip, 1, res, res)
			at[d] = bytes.Index(recs[d], []byte("<count>1<")) + len("<count>")
		}
		for i := range rows {
			d := i % distinct
			recs[d][at[d]] = byte('1' + i%5)
			_, _ = bw.Write(recs[d])
		}
		bw.WriteString("</feedback>\n")
		_ = bw.Flush()
		_ = pw.Close()
	}()
	return pr
}

// benchmarkRead reads a generated report of rows records over distinct
// sources and reports the peak heap, rows per second and CPU time.
func benchmarkRead(b *testing.B, rows, distinct int) {
	b.ReportAllocs()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		// Sample the heap while reading: its peak, not its end state, is
		// what must not grow with the row count. runtime/metrics reads it
		// without stopping the world (runtime.ReadMemStats would, and
		// slow the reader down).
		defer close(sampled)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				metrics.Read(sample)
				if v := sample[0].Value.Uint64(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	cpu0 := cpuSeconds()
	for b.Loop() {
		in := Input{Name: "generated.xml", Open: func() (io.ReadCloser, error) { return io.NopCloser(generate(rows, distinct)), nil }}
		s := Read(context.Background(), []Input{in}, Limits{})
		if errs := s.Errors(); len(errs) > 0 {
			b.Fatal(errs[0])
		}
		if got := len(s.Sources()); got != distinct {
			b.Fatalf("%d sources, want %d", got, distinct)
		}
		if got := s.Reports()[0].Rows; got != int64(rows) {
			b.Fatalf("%d rows, want %d", got, rows)
		}
	}
	close(stop)
	<-sampled
	b.ReportMetric(float64(peak.Load())/(1<<20), "MiB-peak-heap")
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	// CPU time is what a machine shared with other work says best: on an
	// idle one, wall time is about CPU time divided by the cores used.
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}

// BenchmarkRead100k and BenchmarkRead1M read generated reports of 100,000
// and 1,000,000 rows (about 65 and 650 MB of XML) over the same 1,000
// sources, on one goroutine; the peak heap must not grow with the row
// count.
func BenchmarkRead100k(b *testing.B) { benchmarkRead(b, 100_000, 1000) }
func BenchmarkRead1M(b *testing.B)   { benchmarkRead(b, 1_000_000, 1000) }

// BenchmarkGenerate100k is the generator alone, whose CPU time the reads
// include.
func BenchmarkGenerate100k(b *testing.B) {
	cpu0 := cpuSeconds()
	for b.Loop() {
		if _, err := io.Copy(io.Discard, generate(100_000, 1000)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}
