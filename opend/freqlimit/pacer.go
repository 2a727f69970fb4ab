package freqlimit

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"time"
)

// Shared keeps sliding windows outside the process, so that every process pacing
// one OpenD draws from the same window (platform/ratewindow keeps them in Redis).
type Shared interface {
	// Reserve is Limiter.Reserve on the window named key, holding at most n slots
	// in any span of window: it takes the earliest slot at most maxWait away and
	// returns the wait until it and true, or counts nothing and returns the wait
	// until that slot and false. It first counts the slots in earlier (offsets from
	// now, negative in the past) that this process took while the store failed.
	Reserve(ctx context.Context, key string, n int, window, maxWait time.Duration, earlier []time.Duration) (time.Duration, bool, error)
}

// PacerOptions configure a Pacer.
type PacerOptions struct {
	// Shared holds the windows of every process; nil paces in this process only,
	// at Local.
	Shared Shared
	// Limits is how the gateway as a whole reads the table (90% of each limit with
	// a second of margin, say): the windows in Shared hold these.
	Limits Policy
	// Local is this process's share of Limits (Scale divided by the number of
	// processes sharing the OpenD), paced in process while Shared fails and when
	// there is no Shared.
	Local Policy
	// Timeout bounds each call of Shared; 100ms when zero. A slower store costs a
	// local decision, never a stuck read.
	Timeout time.Duration
	// Retry is how long the Pacer paces locally after Shared failed before it asks
	// Shared again; a second when zero.
	Retry time.Duration
	// OnFallback, when set, is called with the proto id of each reservation
	// decided locally because Shared failed or is being given time to recover.
	OnFallback func(protoID uint32)
	Now        func() time.Time
}

// Pacer is Limiter.Reserve for processes sharing one OpenD: they reserve slots in
// one Shared window per interface (and account where OpenD counts per account),
// and each falls back to its own share in process while the store is unavailable,
// so an outage of the store never lets OpenD be flooded nor blocks a read.
//
// The Pacer's local Limiter also counts the slots it reserved in the store, so
// that a process falling back starts from what it already used, and the slots it
// reserved locally are handed to the store once it answers again (Shared's
// earlier), so the shared window knows of them.
type Pacer struct {
	o       PacerOptions
	windows *Limiter // Limits: which window a request counts in, and its limit
	local   *Limiter // Local

	mu        sync.Mutex
	downUntil time.Time           // ask Shared again from then
	carry     map[key][]time.Time // slots reserved locally, not yet in Shared
}

// NewPacer returns a Pacer.
func NewPacer(o PacerOptions) *Pacer {
	o.Timeout = cmp.Or(o.Timeout, 100*time.Millisecond)
	o.Retry = cmp.Or(o.Retry, time.Second)
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Pacer{o: o, windows: New(o.Limits, o.Now), local: New(o.Local, o.Now), carry: make(map[key][]time.Time)}
}

// errRecovering is the fallback reason while the Pacer waits to ask Shared again.
var errRecovering = errors.New("shared windows recovering")

// Reserve paces one request of protoID (body, its whole Request message) as
// Limiter.Reserve does, in the shared window when the store answers within the
// Timeout and in this process's share otherwise.
func (p *Pacer) Reserve(ctx context.Context, protoID uint32, body []byte, maxWait time.Duration) (time.Duration, bool) {
	w, counted := p.windows.Window(protoID, body)
	if !counted {
		return 0, true
	}
	k := key{protoID: w.ProtoID, account: w.Account}
	localLim, limited := p.local.limits[protoID]
	if p.o.Shared == nil {
		if !limited {
			return 0, true
		}
		return p.local.reserve(k, localLim, maxWait)
	}
	now := p.o.Now()
	if wait, ok, err := p.shared(ctx, k, w, now, maxWait); err == nil {
		if ok && limited {
			p.local.note(k, localLim.Window, now.Add(wait))
		}
		return wait, ok
	}
	if p.o.OnFallback != nil {
		p.o.OnFallback(protoID)
	}
	if !limited {
		return 0, true
	}
	wait, ok := p.local.reserve(k, localLim, maxWait)
	if ok {
		p.mu.Lock()
		// Keep only what the shared window would still count: a long outage
		// holds a window's worth per key, not every slot since it began.
		cutoff := now.Add(-w.Limit.Window)
		kept := p.carry[k][:0]
		for _, t := range p.carry[k] {
			if t.After(cutoff) {
				kept = append(kept, t)
			}
		}
		p.carry[k] = append(kept, now.Add(wait))
		p.mu.Unlock()
	}
	return wait, ok
}

// shared reserves in the store unless it failed less than Retry ago, handing it
// the slots reserved locally meanwhile.
func (p *Pacer) shared(ctx context.Context, k key, w Window, now time.Time, maxWait time.Duration) (time.Duration, bool, error) {
	p.mu.Lock()
	if now.Before(p.downUntil) {
		p.mu.Unlock()
		return 0, false, errRecovering
	}
	var earlier []time.Duration
	if ts := p.carry[k]; len(ts) > 0 {
		delete(p.carry, k)
		cutoff := now.Add(-w.Limit.Window)
		for _, t := range ts {
			if t.After(cutoff) {
				earlier = append(earlier, t.Sub(now))
			}
		}
	}
	p.mu.Unlock()

	sctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	wait, ok, err := p.o.Shared.Reserve(sctx, "opend:"+w.Key(), w.Limit.N, w.Limit.Window, maxWait, earlier)
	cancel()
	if err == nil {
		return wait, ok, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, d := range earlier { // the store may or may not have counted them: keep them
		p.carry[k] = append(p.carry[k], now.Add(d))
	}
	if ctx.Err() == nil { // the store failed, not the caller
		p.downUntil = now.Add(p.o.Retry)
	}
	return 0, false, err
}
