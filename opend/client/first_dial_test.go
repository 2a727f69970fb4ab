package client

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/logtest"
)

// A service may start before OpenD: DialUntilConnected keeps trying until a
// listener appears on the address, then returns a working Conn.
func TestDialUntilConnectedWaitsForLateListener(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens yet: attempts are refused

	type result struct {
		c   *Conn
		err error
	}
	done := make(chan result, 1)
	logs := &logtest.Buffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go func() {
		c, err := DialUntilConnected(ctx, Config{Addr: addr, Logger: slog.New(slog.NewTextHandler(logs, nil))},
			Backoff{Min: 5 * time.Millisecond, Max: 20 * time.Millisecond})
		done <- result{c, err}
	}()

	testkit.Eventually(t, 10*time.Second, "several refused attempts",
		func() bool { return strings.Count(logs.String(), "opend dial failed") >= 3 })
	select {
	case r := <-done:
		t.Fatalf("returned before anything listened: %v, %v", r.c, r.err)
	default:
	}
	l2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot rebind %s: %v", addr, err)
	}
	serveOn(t, l2, server.Config{})

	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	defer r.c.Close()
	if err := echo(ctx, r.c, 3); err != nil {
		t.Fatal(err)
	}
}

// Ending ctx stops the attempts; the error names both the cause and the last failure.
func TestDialUntilConnectedGivesUpWithContext(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	cause := errors.New("service stopping")
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(50*time.Millisecond, func() { cancel(cause) })
	c, err := DialUntilConnected(ctx, Config{Addr: addr, Logger: quiet}, Backoff{Min: 5 * time.Millisecond, Max: 10 * time.Millisecond})
	if c != nil || !errors.Is(err, cause) {
		t.Fatalf("DialUntilConnected = %v, %v; want no Conn and an error wrapping %v", c, err, cause)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Errorf("error %v does not carry the last dial failure", err)
	}
}

func TestBackoffDefaults(t *testing.T) {
	for _, tc := range []struct {
		in, want Backoff
	}{
		{Backoff{}, Backoff{100 * time.Millisecond, 5 * time.Second}},
		{Backoff{Min: time.Second}, Backoff{time.Second, 5 * time.Second}},
		{Backoff{Min: 10 * time.Second, Max: time.Second}, Backoff{10 * time.Second, 10 * time.Second}},
	} {
		if got := tc.in.withDefaults(); got != tc.want {
			t.Errorf("%+v.withDefaults() = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}
