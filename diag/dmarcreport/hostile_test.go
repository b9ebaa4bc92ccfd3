package dmarcreport

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// small are limits small enough for bombs to be cheap in tests.
var small = Limits{MaxDecompressed: 4 << 20, MaxRatio: 50, RatioFloor: 256 << 10, MaxMembers: 3, MaxMessages: 2, MaxNesting: 3, MaxXMLDepth: 12, MaxToken: 4 << 10}

// bomb is n bytes of well-formed XML that compresses about 1000:1.
func bomb(n int) []byte {
	b := []byte(Plain("bomb")[:strings.Index(Plain("bomb"), "<record>")])
	return append(b, bytes.Repeat([]byte("<a/>"), n/4)...)
}

// lyingZip is a zip whose member says it holds declared bytes while its
// deflate data holds content.
func lyingZip(declared uint64, content []byte) []byte {
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	_, _ = fw.Write(content)
	_ = fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "bomb.xml", Method: zip.Deflate, CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
	_, _ = w.Write(comp.Bytes())
	_ = zw.Close()
	return buf.Bytes()
}

func nest(levels int, inner []byte) []byte {
	for range levels {
		inner = Gz(inner)
	}
	return inner
}

func TestHostileInputs(t *testing.T) {
	manyMembers := ZipOf("1.xml", Plain("a"), "2.xml", Plain("b"), "3.xml", Plain("c"), "4.xml", Plain("d"), "5.xml", Plain("e"))
	deep := Doc("<feedback>", "<domain>example.com</domain><p>none</p>", strings.Repeat("<x>", 20)+strings.Repeat("</x>", 20))
	tests := []struct {
		name    string
		data    []byte
		lim     *Limits  // small when nil
		err     error    // the FileError's kind
		words   []string // in the error text
		reports int      // reports still read
	}{
		{"DOCTYPE with entity expansion (billion laughs)", []byte(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><feedback>&lol2;</feedback>`),
			nil, ErrDTD, []string{"DOCTYPE"}, 0},
		{"external entity", []byte(`<?xml version="1.0"?><!DOCTYPE f [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><feedback>&xxe;</feedback>`), nil, ErrDTD, nil, 0},
		{"undeclared entity", []byte(strings.Replace(Plain("r1"), "receiver.example</org_name>", "&xxe;</org_name>", 1)), nil, ErrEntity, []string{"line 3"}, 0},
		{"gzip bomb", Gz(bomb(1 << 20)), nil, ErrBomb, []string{"gzip", "ratio over 50:1"}, 0},
		{"gzip over the size cap", Gz([]byte(Doc("<feedback>", "<domain>example.com</domain><p>none</p>", slices.Repeat([]string{Rec("192.0.2.1", "1", "none", "pass", "pass", "example.com", "example.com", "pass", "example.com", "pass")}, 700)...))),
			&Limits{MaxDecompressed: 256 << 10, MaxRatio: 1 << 20}, ErrBomb, []string{"more than 256.0 KiB"}, 1},
		{"zip bomb declared", lyingZip(1<<40, bomb(1000)), nil, ErrBomb, []string{"zip member 1 bomb.xml", "1.0 TiB"}, 0},
		{"zip bomb by ratio", lyingZip(3<<20, bomb(3<<20)), nil, ErrBomb, []string{"ratio over 50:1"}, 0},
		{"zip member lying small", lyingZip(100, []byte(Plain("r1"))), nil, ErrSyntax, []string{"zip member 1 bomb.xml"}, 0},
		{"too many zip members", manyMembers, nil, ErrTooMany, []string{"5 members", "first 3"}, 3},
		{"too many mbox messages", Mbox(Eml(Part{"text/xml", "1.xml", []byte(Plain("a"))}), Eml(Part{"text/xml", "2.xml", []byte(Plain("b"))}), Eml(Part{"text/xml", "3.xml", []byte(Plain("c"))})),
			nil, ErrTooMany, []string{"more than 2 messages"}, 2},
		{"too many MIME parts", Eml(Part{"text/xml", "1.xml", []byte(Plain("a"))}, Part{"text/xml", "2.xml", []byte(Plain("b"))}, Part{"text/xml", "3.xml", []byte(Plain("c"))}),
			nil, ErrTooMany, []string{"more than 3 MIME parts"}, 1},
		{"containers nested too deep", nest(4, []byte(Plain("r1"))), nil, ErrTooDeep, []string{"gzip: gzip: gzip", "more than 3 deep"}, 0},
		{"XML nested too deep", []byte(deep), nil, ErrTooDeep, []string{"deeper than 12"}, 0},
		{"huge element text", []byte(strings.Replace(Plain("r1"), "receiver.example</org_name>", strings.Repeat("A", 10<<10)+"</org_name>", 1)), nil, ErrTooLarge, []string{"4.0 KiB"}, 0},
		{"huge attribute", []byte(strings.Replace(Plain("r1"), "<feedback>", `<feedback a="`+strings.Repeat(">", 5<<10)+`">`, 1)), nil, ErrTooLarge, []string{"attribute"}, 0},
		{"huge comment", []byte(strings.Replace(Plain("r1"), "<feedback>", "<feedback><!--"+strings.Repeat("<>", 3<<10)+"-->", 1)), nil, ErrTooLarge, []string{"comment"}, 0},
		{"not a report: other XML root", []byte(`<html><body>hi</body></html>`), nil, ErrNotReport, []string{"<html>"}, 0},
		{"not a report: binary", []byte("\x00\x01\x02binary"), nil, ErrUnknownFormat, nil, 0},
		{"empty file", nil, nil, ErrUnknownFormat, nil, 0},
		{"message without a report", []byte("From: a@b.example\r\nSubject: hi\r\n\r\njust text\r\n"), nil, ErrNotReport, []string{"message"}, 0},
		{"truncated XML keeps earlier rows", []byte(Plain("r1")[:strings.LastIndex(Plain("r1"), "<record>")+40]), nil, ErrSyntax, []string{"1 records before this point were counted", "line"}, 1},
		{"second root element after the records", []byte(Plain("r1") + "\n\n<feedback/>\n"), nil, ErrSyntax, []string{"line 15", "second root"}, 1},
		{"comment, CDATA and '>' in attributes between records", []byte(strings.Replace(Plain("r1"), "<record>", "<!-- <record> --><![CDATA[</feedback>]]><?pi </record>?><record a=\"/>\">", 1) + "<x"), nil, ErrSyntax, []string{"line 13"}, 1},
		{"malformed element between records stops the count there", []byte(strings.Replace(Plain("r1"), "</record>\n<record>", "</record>\n<bad></wrong>\n<record>", 1)), nil, ErrSyntax, []string{"line 9", "does not close <bad>", "1 records"}, 1},
		{"mismatched end tag", []byte(strings.Replace(Plain("r1"), "</org_name>", "</email>", 1)), nil, ErrSyntax, []string{"does not close <org_name>"}, 0},
		{"UTF-16", []byte("\xff\xfe<\x00f\x00"), nil, ErrCharset, []string{"UTF-16"}, 0},
		{"unknown charset", []byte(strings.Replace(Plain("r1"), "UTF-8", "EBCDIC-US", 1)), nil, ErrCharset, []string{"EBCDIC"}, 0},
		{"corrupt gzip", append(Gz([]byte(Plain("r1")))[:30], 0xff, 0xff, 0xff), nil, ErrSyntax, []string{"gzip"}, 0},
		{"corrupt base64", []byte("From: a@b.example\r\nContent-Type: application/gzip\r\nContent-Transfer-Encoding: base64\r\n\r\nH4sI!!!!\r\n"), nil, ErrSyntax, []string{"base64"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := small
			if tt.lim != nil {
				lim = *tt.lim
			}
			s := ReadAll(t, lim, "bad.file", tt.data, "good.xml", Plain("good"))
			errs := s.Errors()
			if len(errs) == 0 {
				t.Fatalf("no error")
			}
			e := errs[0]
			if !errors.Is(e, tt.err) || e.File != "bad.file" {
				t.Errorf("error %q, want %v in bad.file", e, tt.err)
			}
			for _, w := range tt.words {
				if !strings.Contains(e.Error(), w) {
					t.Errorf("error %q does not say %q", e, w)
				}
			}
			var fromBad, good int
			for _, r := range s.Reports() {
				if r.File == "bad.file" {
					fromBad++
				} else {
					good++
				}
			}
			if fromBad != tt.reports || good != 1 {
				t.Errorf("%d reports from the bad file (want %d), %d good (want 1)", fromBad, tt.reports, good)
			}
		})
	}
}

// TestLyingReports: counts and dates that cannot be true are findings, and
// the rows are not trusted.
func TestLyingReports(t *testing.T) {
	pub := "<domain>example.com</domain><p>none</p>"
	row := func(ip, n string) string {
		return Rec(ip, n, "none", "pass", "pass", "example.com", "example.com", "pass", "example.com", "pass")
	}
	tests := []struct {
		name     string
		xml      string
		codes    []string
		messages int64
	}{
		{"negative count", Doc("<feedback>", pub, row("192.0.2.1", "-5"), row("192.0.2.2", "2")), []string{"report.negative_count"}, 2},
		{"absurd count", Doc("<feedback>", pub, row("192.0.2.1", "99999999999999"), row("192.0.2.2", "2")), []string{"report.absurd_count"}, 2},
		{"count not a number", Doc("<feedback>", pub, row("192.0.2.1", "many"), row("192.0.2.2", "")), []string{"report.bad_count", "report.bad_count"}, 0},
		{"end before begin", strings.Replace(Doc("<feedback>", pub, row("192.0.2.1", "1")), "<end>1700086399</end>", "<end>1600000000</end>", 1),
			[]string{"report.end_before_begin"}, 1},
		{"bad source_ip kept under its text", Doc("<feedback>", pub, row("not-an-ip", "3")), []string{"report.bad_source_ip"}, 3},
		{"bad pct and policy", Doc("<feedback>", "<domain>example.com</domain><p>block</p><pct>250</pct>", row("192.0.2.1", "1")),
			[]string{"report.bad_policy", "report.bad_pct"}, 1},
		{"bad policy_evaluated words", Doc("<feedback>", pub, Rec("192.0.2.1", "1", "drop", "yes", "pass", "example.com", "example.com", "pass", "example.com", "pass")),
			[]string{"report.bad_result", "report.bad_disposition"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ReadAll(t, Limits{}, "r.xml", tt.xml)
			if len(s.Errors()) != 0 {
				t.Fatalf("errors %v", s.Errors())
			}
			if got := Codes(s); fmt.Sprint(got) != fmt.Sprint(tt.codes) {
				t.Errorf("codes %v, want %v", got, tt.codes)
			}
			var n int64
			for _, src := range s.Sources() {
				n += src.Messages
			}
			if n != tt.messages || s.Reports()[0].Messages != tt.messages {
				t.Errorf("%d messages counted, want %d", n, tt.messages)
			}
		})
	}
}

func TestTooManySourcesOverflow(t *testing.T) {
	var recs []string
	for i := range 10 {
		recs = append(recs, Rec(fmt.Sprintf("192.0.2.%d", i), "1", "none", "pass", "pass", "example.com", "example.com", "pass", "example.com", "pass"))
	}
	s := ReadAll(t, Limits{MaxSources: 4}, "r.xml", Doc("<feedback>", "<domain>example.com</domain><p>none</p>", recs...))
	srcs := s.Sources()
	if len(srcs) != 5 || srcs[4].Text != "(other sources)" || srcs[4].Messages != 6 {
		t.Errorf("sources: %d, last %+v", len(srcs), srcs[len(srcs)-1])
	}
}
