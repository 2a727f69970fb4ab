// Package simtest serves the OpenD simulator in tests; only _test.go files import it.
package simtest

import (
	"context"
	"net"
	"testing"

	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/platform/obs"
)

// Start serves a simulator built from cfg (its logs discarded unless cfg has a
// Logger) on a loopback port until the test ends, and returns the simulator and its
// address.
func Start(t testing.TB, cfg sim.Config) (*sim.Sim, string) {
	t.Helper()
	cfg.Logger = obs.OrDiscard(cfg.Logger)
	s, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return s, ln.Addr().String()
}
