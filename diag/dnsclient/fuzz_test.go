package dnsclient

import (
	"context"
	"encoding/binary"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// FuzzTXTRoundTrip puts arbitrary bytes into TXT character-strings on the
// wire, unpacks them with miekg/dns (which escapes them to presentation
// form) and checks that Answer.TXT gives back exactly the bytes sent.
func FuzzTXTRoundTrip(f *testing.F) {
	f.Add([]byte(`say "hi" back\slash`))
	f.Add([]byte("caf\xc3\xa9 \xff\x00\x7f end"))
	f.Add([]byte("\\123\\\\\\\""))
	f.Add(make([]byte, 600))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 4000 {
			return
		}
		var rdata []byte
		for rest := raw; ; {
			n := min(len(rest), 255)
			rdata = append(rdata, byte(n))
			rdata = append(rdata, rest[:n]...)
			rest = rest[n:]
			if len(rest) == 0 {
				break
			}
		}
		msg := []byte{0, 1, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0} // ID 1, QR AA, 1 answer
		msg = append(msg, 1, 'x', 0)                         // owner x.
		msg = binary.BigEndian.AppendUint16(msg, dns.TypeTXT)
		msg = binary.BigEndian.AppendUint16(msg, dns.ClassINET)
		msg = binary.BigEndian.AppendUint32(msg, 60)
		msg = binary.BigEndian.AppendUint16(msg, uint16(len(rdata)))
		msg = append(msg, rdata...)
		m := new(dns.Msg)
		if err := m.Unpack(msg); err != nil {
			t.Fatalf("unpack: %v", err)
		}
		a := Answer{Records: m.Answer}
		got := a.TXT()
		if len(got) != 1 || got[0] != string(raw) {
			t.Fatalf("TXT() = %q, sent %q", got, raw)
		}
	})
}

// FuzzWireName checks that the name the client sends is a fixed point of
// pack/unpack, so a server's echo of it always matches, and that it never
// panics on hostile input.
func FuzzWireName(f *testing.F) {
	for _, s := range []string{"example.com", "Caf\xc3\xa9.example.", `a\.b.example.`, `\000.x.`, "", ".", "..", "a b.example."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		w, err := wireName(dns.Fqdn(name))
		if err != nil {
			return
		}
		w2, err := wireName(w)
		if err != nil || w2 != w {
			t.Fatalf("wireName(%q) = %q, then %q, %v", name, w, w2, err)
		}
	})
}

// FuzzHostileReply answers every question with a reply built from fuzz
// input (the query's ID and question, then arbitrary sections). Properties:
// no panic; the status is one of the seven; records are of the asked type
// and owned by the end of the CNAME chain; the chain bound holds.
func FuzzHostileReply(f *testing.F) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	defer pc.Close()
	var current atomic.Pointer[[]byte]
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			q := new(dns.Msg)
			if q.Unpack(buf[:n]) != nil || len(q.Question) != 1 {
				continue
			}
			tail := *current.Load()
			reply := hostileReply(q, tail)
			_, _ = pc.WriteTo(reply, from)
		}
	}()

	// Seeds: a real answer, a CNAME to itself, a truncated reply, garbage.
	good := new(dns.Msg)
	good.Answer = []dns.RR{mustRR(f, "x.example. 60 IN A 192.0.2.1"), mustRR(f, "x.example. 60 IN CNAME x.example.")}
	packed, _ := good.Pack()
	f.Add(uint16(0x8400), packed[12:])
	f.Add(uint16(0x8600), []byte{})
	f.Add(uint16(0x8403), []byte{0, 0, 0, 1, 0, 0})
	f.Add(uint16(0x8400), []byte{0xff, 0xff, 0xff, 0xff, 0xc0, 0x0c})

	f.Fuzz(func(t *testing.T, flags uint16, tail []byte) {
		if len(tail) > 1500 {
			return
		}
		in := append(binary.BigEndian.AppendUint16(nil, flags), tail...)
		current.Store(&in)
		c := New(Config{Servers: []string{pc.LocalAddr().String()}, Timeout: 40 * time.Millisecond, MaxQueries: 20})
		for _, qtype := range []uint16{dns.TypeA, dns.TypeTXT} {
			a := c.Lookup(context.Background(), "x.example.", qtype)
			switch a.Status {
			case StatusRecords, StatusNXDomain, StatusNoData, StatusServFail, StatusRefused, StatusTimeout, StatusError:
			default:
				t.Fatalf("status %q", a.Status)
			}
			if (a.Err != nil) != a.Status.Temporary() {
				t.Fatalf("status %s with err %v", a.Status, a.Err)
			}
			if len(a.CNAMEs) > DefaultMaxCNAMEs {
				t.Fatalf("%d CNAMEs", len(a.CNAMEs))
			}
			if a.Status == StatusRecords && len(a.Records) == 0 {
				t.Fatal("records status without records")
			}
			for _, rr := range a.Records {
				if rr.Header().Rrtype != qtype || !sameName(rr.Header().Name, a.Target()) {
					t.Fatalf("record %v for %s %d", rr, a.Target(), qtype)
				}
			}
			_ = a.TXT()
			_ = a.Addrs()
		}
	})
}

// hostileReply is the query's ID and question under the fuzzed flags
// (forced to be a response to a standard query, so it is not ignored), and
// then the fuzzed counts and sections.
func hostileReply(q *dns.Msg, in []byte) []byte {
	flags := binary.BigEndian.Uint16(in[:2])
	flags = flags&^0x7800 | 0x8000 // QR=1, OPCODE=QUERY
	counts := make([]byte, 6)
	copy(counts, in[2:])
	body := in[2:]
	if len(body) > 6 {
		body = body[6:]
	} else {
		body = nil
	}
	qm := new(dns.Msg)
	qm.Question = q.Question
	qpacked, _ := qm.Pack()
	out := binary.BigEndian.AppendUint16(nil, q.Id)
	out = binary.BigEndian.AppendUint16(out, flags)
	out = append(out, 0, 1)
	out = append(out, counts...)
	out = append(out, qpacked[12:]...)
	return append(out, body...)
}

func mustRR(tb testing.TB, s string) dns.RR {
	rr, err := dns.NewRR(s)
	if err != nil {
		tb.Fatal(err)
	}
	return rr
}
