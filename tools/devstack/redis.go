package main

import (
	"context"
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// embeddedRedis starts an in-memory Redis for the local stack. miniredis keeps TTLs
// frozen unless told time passed, so a ticker advances them in step with the clock:
// session keys must expire here as they do on a real Redis.
func embeddedRedis(ctx context.Context) (*miniredis.Miniredis, error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:6379"); err != nil {
		// 6379 is taken (a real Redis, perhaps): any free port will do.
		if err := m.StartAddr("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("embedded redis: %w", err)
		}
	}
	go func() {
		last := time.Now()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				m.FastForward(now.Sub(last))
				last = now
			}
		}
	}()
	return m, nil
}
