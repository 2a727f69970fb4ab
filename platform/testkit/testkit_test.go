package testkit

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// fatal records a test's failure and ends its goroutine, as testing.T does.
type fatal struct {
	testing.TB
	msg string
}

func (f *fatal) Helper() {}

func (f *fatal) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls body with a recorder in its own goroutine and returns the failure, if any.
func run(t *testing.T, body func(testing.TB)) string {
	f := &fatal{TB: t}
	done := make(chan struct{})
	go func() { defer close(done); body(f) }()
	<-done
	return f.msg
}

func TestEventually(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if msg := run(t, func(tb testing.TB) {
			Eventually(tb, time.Second, "a second", func() bool { return time.Since(start) >= 500*time.Millisecond })
		}); msg != "" {
			t.Fatalf("held after 500ms: %s", msg)
		}
		msg := run(t, func(tb testing.TB) { Eventually(tb, time.Second, "never", func() bool { return false }) })
		if !strings.Contains(msg, "timed out after 1s waiting for never") {
			t.Fatalf("failure %q", msg)
		}
	})
}

func TestEventuallyNilReportsLastError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := 0
		msg := run(t, func(tb testing.TB) {
			EventuallyNil(tb, time.Second, "ping", func() error { n++; return fmt.Errorf("attempt %d", n) })
		})
		if !strings.HasSuffix(msg, fmt.Sprintf("waiting for ping: attempt %d", n)) || n < 2 {
			t.Fatalf("failure %q after %d attempts", msg, n)
		}
		if msg := run(t, func(tb testing.TB) { EventuallyNil(tb, time.Second, "ok", func() error { return nil }) }); msg != "" {
			t.Fatal(msg)
		}
	})
}

func TestRecv(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan int, 1)
		ch <- 7
		if v := Recv(t, time.Second, "seven", ch); v != 7 {
			t.Fatalf("got %d", v)
		}
		if msg := run(t, func(tb testing.TB) { Recv(tb, time.Second, "nothing", ch) }); !strings.Contains(msg, "timed out after 1s") {
			t.Fatalf("failure %q", msg)
		}
		close(ch)
		if msg := run(t, func(tb testing.TB) { Recv(tb, time.Second, "closed", ch) }); !strings.Contains(msg, "closed") {
			t.Fatalf("failure %q", msg)
		}
	})
}

func TestMarkedSectionAndFencedCode(t *testing.T) {
	file := filepath.Join(t.TempDir(), "README.md")
	doc := "intro\n<!-- demo:start -->\n```sh\necho hi\n```\n<!-- demo:end -->\nafter\n"
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	section := MarkedSection(t, file, "demo")
	if got := FencedCode(t, section, "sh"); got != "echo hi\n" {
		t.Errorf("FencedCode = %q, want the block's body", got)
	}
}
