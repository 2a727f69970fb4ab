package server

import (
	"context"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/services/order/internal/limits"
)

func TestZZSpans(t *testing.T) {
	e := newEnvVia(t, false)
	ctx := context.Background()
	f := 1e12
	n := int32(1 << 30)
	pol := limits.Policy{KeyID: "bench", MaxPerMinute: &n, MaxDailyValue: &f}
	var res, aud, lot []time.Duration
	for range 3000 {
		s := time.Now()
		if _, err := e.counter.Reserve(ctx, pol, newAttemptID(), 1, time.Now()); err != nil {
			t.Fatal(err)
		}
		res = append(res, time.Since(s))
		s = time.Now()
		if err := e.srv.d.Audit.Append(ctx, audit.Entry{Action: "order_place", KeyID: "x", Fields: map[string]string{"a": "b", "c": "d", "e": "f", "g": "h", "i": "j", "k": "l", "m": "n", "o": "p", "q": "r", "s": "t", "u": "v"}}); err != nil {
			t.Fatal(err)
		}
		aud = append(aud, time.Since(s))
		s = time.Now()
		if _, err := e.placer.LotSize(ctx, 1, "00700"); err != nil {
			t.Fatal(err)
		}
		lot = append(lot, time.Since(s))
	}
	t.Logf("reserve p50 %v p99 %v; audit p50 %v p99 %v; lot p50 %v p99 %v", pct(res, 50), pct(res, 99), pct(aud, 50), pct(aud, 99), pct(lot, 50), pct(lot, 99))
}
