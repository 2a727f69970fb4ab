package limits

import (
	"math"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/services/order/internal/durable"
)

// Gate is one attempt's counted limits, prepared: run, it checks the sliding window
// and the day's value and books both, or changes nothing. It runs on its own
// (Counter.Book) or as the gate of another package's script (it is a durable.Gate),
// so that the idempotency claim and the booking are one atomic step and one round
// trip. Either way Settle reads its reply. Its keys carry the API key's hash tag.
type Gate struct {
	keys    []string
	args    []any
	booked  Reservation // what a passing run books
	p       Policy
	value   float64
	observe func(time.Duration)
}

var _ durable.Gate = (*Gate)(nil)

// Gate prepares the booking of one attempt (attemptID, unique) worth value at time
// now; an out-of-range value is refused here, before anything runs.
func (c *Counter) Gate(p Policy, attemptID string, value float64, now time.Time) (*Gate, error) {
	g := &Gate{booked: Reservation{KeyID: p.KeyID}, p: p, value: value, observe: c.observe}
	if p.MaxPerMinute == nil && p.MaxDailyValue == nil {
		return g, nil
	}
	if !(value >= 0) || value > maxValue {
		return nil, refuse(KindInvalid, gatewayv1.Reason_REASON_INVALID_ORDER, "order value %g out of range (at most %g)", value, float64(maxValue))
	}
	maxN, maxV := int64(-1), int64(-1)
	if p.MaxPerMinute != nil {
		maxN = max(int64(*p.MaxPerMinute), 0)
	}
	micros := toMicros(value)
	day := dayOf(now)
	if p.MaxDailyValue != nil {
		maxV = int64(math.Round(max(*p.MaxDailyValue, 0) * microUnits))
		g.booked.Day, g.booked.Micros = day, micros
	}
	g.keys = []string{windowKey(p.KeyID), dayKey(p.KeyID, day)}
	g.args = []any{now.UnixMilli(), attemptID, maxN, MinuteWindow.Milliseconds(), micros, maxV, int64(dailyTTL / time.Second)}
	return g, nil
}

// Counts reports whether the key has counted limits: without, there is nothing to
// run and Settle books nothing.
func (g *Gate) Counts() bool { return g.keys != nil }

// Lua is the gate's function (durable.Gate).
func (g *Gate) Lua() string { return reserveFunc }

// Keys are the window's and the day's keys (durable.Gate).
func (g *Gate) Keys() []string { return g.keys }

// Args are reserveFunc's arguments (durable.Gate).
func (g *Gate) Args() []any { return g.args }

// Settle reads the gate's reply (err: the script's failure; elapsed: its latency,
// for the limit-script metric): the Reservation when booked, else a *Refusal.
func (g *Gate) Settle(reply []int64, err error, elapsed time.Duration) (Reservation, error) {
	if !g.Counts() {
		return g.booked, nil
	}
	if g.observe != nil {
		g.observe(elapsed)
	}
	none := Reservation{KeyID: g.p.KeyID}
	if err != nil {
		return none, refuse(KindUnavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE, "counting limits: %v", err)
	}
	if len(reply) == 0 {
		return none, refuse(KindUnavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE, "counting limits: empty script reply")
	}
	switch reply[0] {
	case 0:
		return g.booked, nil
	case 1:
		return none, refuse(KindExhausted, gatewayv1.Reason_REASON_MAX_ORDERS_PER_MINUTE, "at most %d orders per %s", *g.p.MaxPerMinute, MinuteWindow)
	case 2:
		used := 0.0
		if len(reply) > 1 {
			used = float64(reply[1]) / microUnits
		}
		return none, refuse(KindExhausted, gatewayv1.Reason_REASON_MAX_DAILY_VALUE,
			"order value %.2f would take today's (UTC) total past max_daily_value %.2f (used %.2f)", g.value, *g.p.MaxDailyValue, used)
	}
	return none, refuse(KindUnavailable, gatewayv1.Reason_REASON_REDIS_UNAVAILABLE, "counting limits: unexpected reply %v", reply)
}
