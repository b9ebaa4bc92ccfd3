package paste

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxray/mxray/headers/headerstest"
	"github.com/mxray/mxray/headers/rfc5322"
)

// wellKnown are the fields the repair must never lose: those mxray reads.
var wellKnown = []string{
	"Received", "From", "To", "Cc", "Subject", "Date", "Message-ID", "Return-Path", "Reply-To",
	"DKIM-Signature", "Authentication-Results", "Received-SPF", "ARC-Seal", "ARC-Message-Signature",
	"ARC-Authentication-Results", "X-Forefront-Antispam-Report",
}

// strictField is a field as a strict reader finds it.
type strictField struct{ name, value string }

// strictFields reads text the way a strict RFC 5322 reader does, with no
// repair at all: after leading blank lines, fields ("Name:" at the start
// of a line) and their continuations (lines starting with white space),
// up to the first empty line or the first line that is neither.
func strictFields(text string) []strictField {
	var out []strictField
	started := false
	for l := range strings.Lines(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")) {
		l = strings.TrimSuffix(l, "\n")
		switch {
		case !started && isBlank(l):
			continue
		case l == "":
			return out
		case startsWSP(l):
			if len(out) == 0 {
				return out
			}
			out[len(out)-1].value += l
		case rfc5322.IsFieldLine(l):
			name, value, _ := strings.Cut(l, ":")
			out = append(out, strictField{strings.TrimRight(name, " \t"), value})
		default:
			return out
		}
		started = true
	}
	return out
}

// inOpenFieldList reports whether f is a tag-list field whose last tag is
// an h= or z= list not yet ended by ";": a field line right after it is
// read as the rest of that list in a damaged paste (TagListFields).
func inOpenFieldList(f strictField) bool {
	if !containsFold(TagListFields, f.name) {
		return false
	}
	last := strings.TrimLeft(f.value[strings.LastIndexByte(f.value, ';')+1:], " \t")
	return strings.HasPrefix(last, "h=") || strings.HasPrefix(last, "z=")
}

// oneSpace reads runs of white space as one space, as relaxed header
// canonicalization does (RFC 6376 §3.4.2).
func oneSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// FuzzRepair damages its input as pasting does (one of the damages of
// headerstest, chosen by how, or none) and splits it. Properties: no
// panic; the field limit holds; fields are well formed and in line order;
// only kinds that change bytes mark a field; and the repair never loses a
// field that parses in its input: every field a strict RFC 5322 reader
// finds in the text given to Split, with a name mxray reads, is a field of
// the result, in the same order, its value (white space aside) extended at
// most.
func FuzzRepair(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/headers/*.eml")
	for i, path := range files {
		if b, err := os.ReadFile(path); err == nil && i%4 == 0 {
			f.Add(b[:min(len(b), 2048)], uint8(i))
		}
	}
	f.Add([]byte("Received: from a (a [192.0.2.1])\n\tby b; Mon, 1 Jan 2024 00:00:00 +0000\nFrom: a@example.com\n\nbody\n"), uint8(0))
	f.Add([]byte("> From: a@example.com\n> To: b@example.org\n>\n> body\nthanks\n"), uint8(9))
	f.Add([]byte("DKIM-Signature: v=1; h=To:\nSubject: Date;\nbh=x=; b=y\nFrom: a@b\n"), uint8(9))
	f.Add([]byte("Subject: x\nRe: y\nX-Forefront-Antispam-Report: CIP:1.2.3.4;\nSFV:NSPM;\n"), uint8(2))
	const maxFields = 200
	f.Fuzz(func(t *testing.T, data []byte, how uint8) {
		in := string(data)
		if d := int(how) % (len(headerstest.Damages) + 1); d < len(headerstest.Damages) {
			in = headerstest.Damages[d].Apply(in)
		}
		res, tooMany := Split([]byte(in), maxFields)
		if res == nil {
			if tooMany <= 0 {
				t.Fatalf("no result and no line over the limit")
			}
			return
		}
		if len(res.Fields) > maxFields || res.HasBody != (len(res.Body) > 0) {
			t.Fatalf("%d fields, body %d bytes (has %v)", len(res.Fields), len(res.Body), res.HasBody)
		}
		last := 0
		for _, fl := range res.Fields {
			if fl.Name == "" || strings.ContainsAny(fl.Name, ": \t\r\n") || strings.ContainsAny(fl.Value, "\r\n") || fl.Line <= last {
				t.Fatalf("bad field %q=%q at line %d after %d", fl.Name, fl.Value, fl.Line, last)
			}
			last = fl.Line
			if fl.Repair != "" && !fl.Repair.BytesChanged() {
				t.Fatalf("field %s marked with %s, which changes no bytes", fl.Name, fl.Repair)
			}
		}
		text, _ := toText([]byte(in))
		strict := strictFields(text)
		next := 0
		for k, sf := range strict {
			if !containsFold(wellKnown, sf.name) || k > 0 && inOpenFieldList(strict[k-1]) {
				continue
			}
			want := oneSpace(sf.value)
			found := false
			for ; next < len(res.Fields); next++ {
				got := res.Fields[next]
				if strings.EqualFold(got.Name, sf.name) && strings.HasPrefix(oneSpace(got.Value), want) {
					found = true
					next++
					break
				}
			}
			if !found {
				t.Fatalf("field %d %s: %q parses in the input but is not in the result", k, sf.name, sf.value)
			}
		}
	})
}
