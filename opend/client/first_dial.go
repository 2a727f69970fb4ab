package client

import (
	"context"
	"fmt"
	"time"

	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/obs"
)

// Backoff bounds the wait between first-dial attempts: it starts at Min and doubles,
// with jitter, up to Max. The zero value means 100ms and 5s.
type Backoff struct {
	Min, Max time.Duration
}

func (b Backoff) withDefaults() Backoff {
	b.Min = config.OrDefault(b.Min, 100*time.Millisecond)
	b.Max = config.OrDefault(b.Max, 5*time.Second)
	b.Max = max(b.Max, b.Min)
	return b
}

// DialUntilConnected calls Dial until an attempt succeeds or ctx ends, waiting per b
// between attempts and logging each failure to cfg.Logger. A service starts before
// OpenD is up (or while it restarts) and must not fail for it; once connected, the
// Conn reconnects by itself. When ctx ends first the error wraps ctx's cause and the
// last attempt's error.
func DialUntilConnected(ctx context.Context, cfg Config, b Backoff) (*Conn, error) {
	b = b.withDefaults()
	log := obs.OrDiscard(cfg.Logger)
	wait := b.Min
	for attempt := 1; ; attempt++ {
		c, err := Dial(ctx, cfg)
		if err == nil {
			return c, nil
		}
		if ctx.Err() == nil {
			next := jitter(wait)
			log.Warn("opend dial failed", "addr", cfg.Addr, "attempt", attempt, obs.Err(err), "retry_in", next)
			t := time.NewTimer(next)
			select {
			case <-t.C:
				wait = min(2*wait, b.Max)
				continue
			case <-ctx.Done():
				t.Stop()
			}
		}
		return nil, fmt.Errorf("opend client: gave up dialling %s after %d attempts: %w (last: %w)",
			cfg.Addr, attempt, context.Cause(ctx), err)
	}
}
