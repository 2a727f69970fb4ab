package qot

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
)

// TestRunSpreadsSteps: the price loop steps the securities one after another over
// the push interval, not all at once, so pushes arrive as a steady stream.
func TestRunSpreadsSteps(t *testing.T) {
	// Timer-driven and off the network: in a bubble the clock is fake, so the test
	// takes no real time and its spacing is exact.
	synctest.Test(t, func(t *testing.T) {
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		mkt := market.New(market.Config{Seed: 1})
		const interval = 400 * time.Millisecond // 20 securities: one step every 20 ms
		svc := Register(server.New(server.Config{Logger: logger}), mkt,
			Config{PushInterval: interval, StepAll: true, Logger: logger})
		var mu sync.Mutex
		var at []time.Time
		defer mkt.OnTick(func(market.Quote) {
			mu.Lock()
			at = append(at, time.Now())
			mu.Unlock()
		})()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); svc.Run(ctx) }()
		time.Sleep(2 * interval) // on the bubble's clock: instant, and the steps land exactly
		cancel()
		<-done

		mu.Lock()
		defer mu.Unlock()
		n := len(mkt.Instruments())
		if len(at) < n {
			t.Fatalf("%d steps in two intervals of %d securities", len(at), n)
		}
		// Steps more than a fifth of their even spacing (interval/n) apart count as
		// separate moments: one burst per interval gives about 2 of them, spread steps
		// about 2n.
		moments := 1
		for i := 1; i < len(at); i++ {
			if at[i].Sub(at[i-1]) >= interval/time.Duration(5*n) {
				moments++
			}
		}
		if moments < n/2 {
			t.Errorf("%d steps came in %d bursts; want them spread over the interval", len(at), moments)
		}
	})
}
