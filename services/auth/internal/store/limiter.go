package store

import (
	"sync"
	"time"
)

// limiter is a token bucket: up to rate events per second, bursting to rate. It
// guards the audit and log of failed validations.
type limiter struct {
	now  func() time.Time
	rate float64

	mu     sync.Mutex
	tokens float64
	last   time.Time
}

func newLimiter(rate int, now func() time.Time) *limiter {
	return &limiter{now: now, rate: float64(rate), tokens: float64(rate), last: now()}
}

// allow takes a token if one is left.
func (l *limiter) allow() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if d := now.Sub(l.last); d > 0 {
		l.tokens = min(l.rate, l.tokens+d.Seconds()*l.rate)
		l.last = now
	}
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}
