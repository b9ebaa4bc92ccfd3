package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mxray/mxray/diag"
	"github.com/mxray/mxray/diag/demo"
	"github.com/mxray/mxray/diag/dmarcreport"
	"github.com/mxray/mxray/diag/dnsclient"
)

// runReport runs "mxray report FILE...|-": read every DMARC aggregate
// report given (merged), name each source through DNS, compare with today's
// SPF and DMARC, and print the readiness answer. Under --demo with no FILE
// it reads the demo's reports. Exit status 2 when not one report could be
// read, 1 when a finding is an error (a file that could not be read).
func runReport(ctx context.Context, o *options, env *environment) (int, error) {
	inputs, err := reportInputs(o, env.stdin)
	if err != nil {
		return exitCannot, err
	}
	set := dmarcreport.Read(ctx, inputs, dmarcreport.Limits{})
	if len(set.Reports()) == 0 {
		return exitCannot, noReports(set)
	}
	dnsSet, err := setupDNS(o)
	if err != nil {
		return exitCannot, err
	}
	defer dnsSet.close()
	client := dnsSet.newClient()
	ctx, cancel := context.WithTimeout(ctx, o.deadline)
	defer cancel()
	res := diag.AnalyseReports(ctx, client, set, diag.ReportsOptions{Now: env.clock()}, nil)
	if dnsclient.NoServerAnswered(client.Log()) {
		return exitCannot, fmt.Errorf("no DNS server answered (asked %s); check the network or give one with --resolver", strings.Join(dnsSet.config.Servers, ", "))
	}
	if err := writeReport(env.stdout, o, res, res.Doc()); err != nil {
		return exitCannot, err
	}
	return exitFor(res.Findings), nil
}

// noReports says why nothing could be read: the first files' problems.
func noReports(set *dmarcreport.Set) error {
	errs := set.Errors()
	if len(errs) == 0 {
		return errors.New("no DMARC aggregate report was read")
	}
	var lines []string
	for i, e := range errs {
		if i == 3 {
			lines = append(lines, fmt.Sprintf("and %d more", len(errs)-i))
			break
		}
		lines = append(lines, e.Error())
	}
	return fmt.Errorf("no DMARC aggregate report could be read: %s", strings.Join(lines, "; "))
}

// reportInputs are the files given ("-" for stdin, once), or the demo's
// reports under --demo with none.
func reportInputs(o *options, stdin io.Reader) ([]dmarcreport.Input, error) {
	if len(o.args) == 0 {
		if o.demo {
			return demo.ReportInputs(), nil
		}
		return nil, fmt.Errorf("%w: report needs one or more FILEs (.xml, .xml.gz, .zip, .eml, mbox), or - to read stdin", errUsage)
	}
	var ins []dmarcreport.Input
	stdinUsed := false
	for _, a := range o.args {
		if a != "-" {
			ins = append(ins, dmarcreport.FileInput(a))
			continue
		}
		if stdinUsed {
			return nil, fmt.Errorf("%w: - (stdin) may be given once", errUsage)
		}
		stdinUsed = true
		ins = append(ins, dmarcreport.Input{Name: "stdin", Open: func() (io.ReadCloser, error) { return io.NopCloser(stdin), nil }})
	}
	return ins, nil
}

// inputKind tells a FILE or "-" that holds DMARC aggregate reports from
// one that holds a message's header, by its first bytes (diag.KindOf). For
// "-" it returns the reader the rest of the run must use for stdin, with
// the bytes looked at still in it.
func inputKind(name string, stdin io.Reader) (diag.InputKind, io.Reader, error) {
	if name == "-" {
		br := bufio.NewReaderSize(stdin, diag.SniffLen)
		head, err := br.Peek(diag.SniffLen)
		if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
			return diag.InputHeaders, br, fmt.Errorf("stdin: %w", err)
		}
		return diag.KindOf(head), br, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return diag.InputHeaders, stdin, err
	}
	defer f.Close()
	head := make([]byte, diag.SniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return diag.InputHeaders, stdin, fmt.Errorf("%s: %w", name, err)
	}
	return diag.KindOf(head[:n]), stdin, nil
}
