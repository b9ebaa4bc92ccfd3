package smtp

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mxray/mxray/diag/smtp/smtpd"
)

func BenchmarkReadReply(b *testing.B) {
	in := "250-mx.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n" +
		"250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n"
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		r, err := ReadReply(bufio.NewReader(strings.NewReader(in)), Limits{})
		if err != nil || len(ParseEHLO(r).Extensions) != 10 {
			b.Fatal(r, err)
		}
	}
}

// benchmarkProbe probes n addresses of one in-process server with STARTTLS
// and a CA-issued certificate: with n = 1 it is one full conversation, with
// n = 20 (10 MX x 2 addresses) the ratio to it shows the concurrency.
func benchmarkProbe(b *testing.B, n int) {
	p := newPKI(b)
	srv, err := smtpd.Start(smtpd.Behavior{Hostname: "mx.example.com", TLS: p.server(p.leaf("mx.example.com"))})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	rt := routes{}
	var targets []Target
	for i := range n {
		ip := fmt.Sprintf("192.0.2.%d", i+1)
		rt[ip+":25"] = srv.Addr()
		targets = append(targets, Target{Host: "mx.example.com", IP: addr(ip)})
	}
	o := quickOptions()
	o.Roots, o.Dial = p.ca.Pool(), rt.dial
	for b.Loop() {
		for _, r := range ProbeAll(context.Background(), targets, o) {
			if r.Status != StatusOK {
				b.Fatal(r.Status, r.Err)
			}
		}
	}
}

func BenchmarkProbe1(b *testing.B)  { benchmarkProbe(b, 1) }
func BenchmarkProbe20(b *testing.B) { benchmarkProbe(b, 20) }
