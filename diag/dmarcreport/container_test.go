package dmarcreport

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestContainers reads the same reports in every container; names lie on
// purpose, because detection is by content.
func TestContainers(t *testing.T) {
	r1, r2 := Plain("r1"), Plain("r2")
	gz := Gz([]byte(r1))
	zipped := ZipOf("a.xml", r1, "b.xml", r2)
	tests := []struct {
		name    string
		data    []byte
		reports int
		members [][]string // the member path of each report
	}{
		{"xml", []byte(r1), 1, [][]string{nil}},
		{"xml with BOM and leading space", append([]byte("\xef\xbb\xbf \n"), r1...), 1, [][]string{nil}},
		{"xml.gz", gz, 1, [][]string{{"gzip"}}},
		{"zip of two", zipped, 2, [][]string{{"zip member 1 a.xml"}, {"zip member 2 b.xml"}}},
		{"zip of a gzip", ZipOf("a.xml.gz", string(gz)), 1, [][]string{{"zip member 1 a.xml.gz", "gzip"}}},
		{"eml with base64 gzip", Eml(Part{"application/gzip", "r.xml.gz", gz}), 1, [][]string{{"message", "part 2 r.xml.gz", "gzip"}}},
		{"eml with base64 zip", Eml(Part{"application/zip", "r.zip", zipped}), 2, nil},
		{"eml with octet-stream xml and a wrong name", Eml(Part{"application/octet-stream", "r.zip", []byte(r1)}), 1, nil},
		{"eml with two attachments", Eml(Part{"application/gzip", "1.gz", gz}, Part{"text/xml", "2.xml", []byte(r2)}), 2, nil},
		{"mbox of three", Mbox(Eml(Part{"application/gzip", "1.gz", gz}), Eml(Part{"application/zip", "2.zip", ZipOf("b.xml", r2)}),
			Eml(Part{"application/gzip", "3.gz", Gz([]byte(Plain("r3")))})), 3,
			[][]string{{"mbox message 1", "part 2 1.gz", "gzip"}, {"mbox message 2", "part 2 2.zip", "zip member 1 b.xml"}, {"mbox message 3", "part 2 3.gz", "gzip"}}},
		{"zip in an eml in a gzip", Gz(Eml(Part{"application/zip", "r.zip", ZipOf("a.xml", r1)})), 1,
			[][]string{{"gzip", "message", "part 2 r.zip", "zip member 1 a.xml"}}},
		{"single-part message, zip body", []byte("From: a@receiver.example\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			b64(ZipOf("a.xml", r1)) + "\r\n"), 1, [][]string{{"message", "zip member 1 a.xml"}}},
		{"quoted-printable xml part", []byte("From: a@receiver.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/xml\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
			strings.ReplaceAll(r1, "=", "=3D") + "\r\n--x--\r\n"), 1, nil},
		{"forwarded message/rfc822", []byte("From: me@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nfwd\r\n--o\r\nContent-Type: message/rfc822\r\n\r\n" +
			string(Eml(Part{"application/gzip", "r.gz", gz})) + "\r\n--o--\r\n"), 1,
			[][]string{{"message", "part 2", "attached message", "part 2 r.gz", "gzip"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ReadAll(t, Limits{}, "report.bin", tt.data)
			for _, e := range s.Errors() {
				t.Errorf("error: %v", e)
			}
			reps := s.Reports()
			if len(reps) != tt.reports {
				t.Fatalf("%d reports, want %d", len(reps), tt.reports)
			}
			for i, m := range tt.members {
				if got := strings.Join(reps[i].Member, "|"); got != strings.Join(m, "|") {
					t.Errorf("report %d member %q, want %q", i, got, strings.Join(m, "|"))
				}
			}
			var msgs int64
			for _, src := range s.Sources() {
				msgs += src.Messages
			}
			if msgs != int64(5*tt.reports) {
				t.Errorf("%d messages, want %d", msgs, 5*tt.reports)
			}
		})
	}
}

func b64(b []byte) string {
	var out strings.Builder
	enc := []byte(b64enc(b))
	for len(enc) > 76 {
		out.Write(enc[:76])
		out.WriteString("\r\n")
		enc = enc[76:]
	}
	out.Write(enc)
	return out.String()
}

// TestZipOnDiskReadInPlace reads a zip file from disk (the ReaderAt path)
// and a gzip file, by path.
func TestZipOnDiskReadInPlace(t *testing.T) {
	dir := t.TempDir()
	zp, gp := filepath.Join(dir, "reports.xml"), filepath.Join(dir, "reports.zip")
	if err := os.WriteFile(zp, ZipOf("a.xml", Plain("r1"), "b.xml", Plain("r2")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gp, Gz([]byte(Plain("r3"))), 0o600); err != nil {
		t.Fatal(err)
	}
	s := Read(context.Background(), []Input{FileInput(zp), FileInput(gp), FileInput(filepath.Join(dir, "missing.xml"))}, Limits{})
	if n := len(s.Reports()); n != 3 {
		t.Errorf("%d reports, want 3", n)
	}
	errs := s.Errors()
	if len(errs) != 1 || !errors.Is(errs[0], os.ErrNotExist) || errs[0].File != filepath.Join(dir, "missing.xml") {
		t.Errorf("errors = %v", errs)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		head string
		want kind
	}{
		{"\x1f\x8b\x08", kindGzip},
		{"PK\x03\x04", kindZip},
		{"PK\x05\x06", kindZip},
		{"<?xml", kindXML},
		{"\xef\xbb\xbf<feedback>", kindXML},
		{"\n\n  <feedback>", kindXML},
		{"From dmarc@x Mon", kindMbox},
		{"Return-Path: <x@y>\r\n", kindMessage},
		{"\xff\xfe<\x00", kindUTF16},
		{"hello world", kindUnknown},
		{"", kindUnknown},
		{"{\"json\": 1}", kindUnknown},
	}
	for _, tt := range tests {
		if got := detect([]byte(tt.head)); got != tt.want {
			t.Errorf("detect(%q) = %d, want %d", tt.head, got, tt.want)
		}
	}
}

func TestMboxFromEscapes(t *testing.T) {
	msg := Eml(Part{"text/xml", "r.xml", []byte(Plain("r1"))})
	// A body line ">From " is an escaped "From " (mboxrd), not a message
	// boundary.
	msg = bytes.Replace(msg, []byte("This is a MIME message."), []byte("This is a MIME message.\r\n>From the receiver"), 1)
	s := ReadAll(t, Limits{}, "box", Mbox(msg, msg))
	if n := len(s.Reports()); n != 2 || len(s.Errors()) != 0 {
		t.Errorf("%d reports, errors %v", n, s.Errors())
	}
}

// TestLooksLikeReport: reports are told from a message whose header is to
// be read by their content alone.
func TestLooksLikeReport(t *testing.T) {
	plainMsg := "From: alice@example.com\r\nTo: bob@example.net\r\nSubject: lunch\r\n\r\nHi\r\n"
	withZip := "From: a@example.com\r\nSubject: photos\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/zip; name=\"photos.zip\"\r\n\r\nx\r\n--b--\r\n"
	tests := []struct {
		name string
		head []byte
		want bool
	}{
		{"xml", []byte(Plain("r1")), true},
		{"gzip", Gz([]byte(Plain("r1"))), true},
		{"zip", ZipOf("a.xml", Plain("r1")), true},
		{"mbox", Mbox(Eml(Part{"text/xml", "r.xml", []byte(Plain("r1"))})), true},
		{"report message by subject", Eml(Part{"application/gzip", "r.xml.gz", Gz([]byte(Plain("r1")))}), true},
		{"report message by file name", []byte(strings.Replace(string(Eml(Part{"application/zip", "receiver.example!example.com!1700000000!1700086399.zip", ZipOf("a.xml", Plain("r1"))})), "Subject: Report Domain: example.com", "Subject: dmarc", 1)), true},
		{"ordinary message", []byte(plainMsg), false},
		{"message with a zip that is no report", []byte(withZip), false},
		{"text", []byte("example.com"), false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		if got := LooksLikeReport(tt.head); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
