package sim

import (
	"context"
	"time"
)

// expiryPeriod is how often, in wall time, Serve expires Day orders under
// calendar hours, when no market may be ticking to do it.
const expiryPeriod = 200 * time.Millisecond

// expireLoop expires due Day orders every expiryPeriod until ctx ends.
func (s *Sim) expireLoop(ctx context.Context) {
	t := time.NewTicker(expiryPeriod)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.trade.ExpireDue()
		}
	}
}
