package smtpd

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

// TestDialogue: the server greets, lists its extensions, refuses mail and
// says goodbye; Close ends a silent connection.
func TestDialogue(t *testing.T) {
	s := start(t, Behavior{Hostname: "mx.test.example", Extensions: []string{"PIPELINING"}})
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	var got []string
	for _, cmd := range []string{"", "EHLO a.example", "MAIL FROM:<a@a.example>", "STARTTLS", "NOOP", "QUIT"} {
		if cmd != "" {
			c.Write([]byte(cmd + "\r\n"))
		}
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				t.Fatalf("after %q: %v", cmd, err)
			}
			got = append(got, strings.TrimRight(line, "\r\n"))
			if len(line) > 3 && line[3] == ' ' {
				break
			}
		}
	}
	want := "220 mx.test.example ESMTP mxray test server|250-mx.test.example greets you|250 PIPELINING|550 5.7.1 This server accepts no mail|502 5.5.1 STARTTLS not available|250 2.0.0 OK|221 2.0.0 Bye"
	if strings.Join(got, "|") != want {
		t.Errorf("dialogue\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	if s.Accepted() != 1 || s.Peak() != 1 {
		t.Errorf("accepted %d peak %d", s.Accepted(), s.Peak())
	}

	silent := start(t, Behavior{Silent: true})
	sc, err := net.Dial("tcp", silent.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	for silent.Accepted() == 0 {
		time.Sleep(time.Millisecond)
	}
	done := make(chan error, 1)
	go func() { done <- silent.Close() }()
	if err := <-done; err != nil {
		t.Errorf("Close: %v", err)
	}
	_ = sc.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := sc.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Errorf("silent server said %d bytes (%v)", n, err)
	}
}

func start(t *testing.T, b Behavior) *Server {
	t.Helper()
	s, err := Start(b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
