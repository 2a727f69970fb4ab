package main

import (
	"context"
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// embeddedRedis starts an in-memory Redis for the local stack. miniredis keeps TTLs
// frozen unless told time passed, so a ticker advances them in step with the clock:
// session keys must expire here as they do on a real Redis. It takes Redis's usual
// port, where tools look by default, only for the stack on the documented ports: a
// stack moved aside with -port-base (a test's) leaves 6379 alone.
func embeddedRedis(ctx context.Context, usualPort bool) (*miniredis.Miniredis, error) {
	m := miniredis.NewMiniRedis()
	if !usualPort || m.StartAddr("127.0.0.1:6379") != nil {
		// 6379 is taken (a real Redis, perhaps) or not ours to take: any free port will do.
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
