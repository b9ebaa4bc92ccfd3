package dmarcreport

import (
	"context"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// fuzzLimits keep every fuzz input cheap.
var fuzzLimits = Limits{MaxDecompressed: 1 << 20, MaxRatio: 100, RatioFloor: 64 << 10, MaxBuffered: 1 << 20, MaxMembers: 8,
	MaxMessages: 8, MaxNesting: 3, MaxXMLDepth: 10, MaxToken: 1024, MaxSources: 64, MaxNames: 4, MaxErrors: 8}

// FuzzReadXML feeds the XML reader anything: it must not panic, keep its
// limits, never count a negative number of messages, and read the same
// whether the document comes whole or one byte at a time.
func FuzzReadXML(f *testing.F) {
	f.Add(Plain("r1"))
	f.Add(Doc(`<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">`, "<domain>a.example</domain><p>reject</p><np>none</np><testing>y</testing>",
		Rec("2001:db8::1", "3", "pass", "pass", "fail", "a.example", "a.example", "pass", "a.example", "fail")))
	f.Add(`<!DOCTYPE x [<!ENTITY a "b">]><feedback>&a;</feedback>`)
	f.Add(`<feedback><record><row><count>-1</count></row></record></feedback>`)
	f.Add(`<feedback><report_metadata><org_name>a</org_name></report_metadata><record><row><source_ip>192.0.2.1</source_ip><count>1</count></row></record>` +
		`<!-- </record> --><x a=">"/><![CDATA[<record>]]><?pi?><record/><extension><record/></extension><record><row><count>2</count></row></record></feedback>`)
	f.Add(`<?xml version="1.0" encoding="latin1"?><feedback><report_metadata><org_name>` + "\xe9" + `</org_name></report_metadata></feedback>`)
	f.Fuzz(func(t *testing.T, x string) {
		lim := fuzzLimits.withDefaults()
		s := NewSet(lim)
		rep := &Report{File: "fuzz.xml"}
		_, _, _ = readXML(context.Background(), strings.NewReader(x), lim, rep, s)
		for _, src := range s.Sources() {
			if src.Messages < 0 || src.DMARCPass > src.Messages || len(src.HeaderFrom.List) > lim.MaxNames {
				t.Fatalf("source %+v", src)
			}
		}
		if len(s.Sources()) > lim.MaxSources+1 || len(rep.Problems) > lim.MaxErrors {
			t.Fatalf("%d sources, %d problems", len(s.Sources()), len(rep.Problems))
		}
		whole := ReadAll(t, fuzzLimits, "fuzz.xml", x)
		bytewise := Read(context.Background(), []Input{{Name: "fuzz.xml", Open: func() (io.ReadCloser, error) {
			return io.NopCloser(iotest.OneByteReader(strings.NewReader(x))), nil
		}}}, fuzzLimits)
		if d := diffSets(whole, bytewise); d != "" {
			t.Fatalf("whole and one byte at a time differ: %s", d)
		}
	})
}

// FuzzReadContainer feeds content detection and every container reader
// anything: no panic, the decompression budget holds, and every problem
// names the file.
func FuzzReadContainer(f *testing.F) {
	f.Add([]byte(Plain("r1")))
	f.Add(Gz([]byte(Plain("r1"))))
	f.Add(ZipOf("a.xml", Plain("r1"), "b.xml.gz", string(Gz([]byte(Plain("r2"))))))
	f.Add(Eml(Part{"application/gzip", "r.gz", Gz([]byte(Plain("r1")))}))
	f.Add(Mbox(Eml(Part{"text/xml", "r.xml", []byte(Plain("r1"))}), []byte("Subject: x\r\n\r\nno report\r\n")))
	f.Add([]byte("From: a@b.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nContent-Type: application/zip\r\n\r\nPK\x03\x04\r\n--b--\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := fuzzLimits
		s := ReadAll(t, lim, "fuzz.bin", data)
		for _, e := range s.Errors() {
			if e.File != "fuzz.bin" || e.Err == nil {
				t.Fatalf("error without its file or cause: %#v", e)
			}
		}
		if n := len(s.Errors()); n > lim.MaxErrors {
			t.Fatalf("%d errors kept", n)
		}
	})
}
