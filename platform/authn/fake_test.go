package authn

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"google.golang.org/grpc/codes"
)

// fakeValidator knows a fixed set of keys and counts calls.
type fakeValidator struct {
	mu    sync.Mutex
	keys  map[string]*Principal
	calls atomic.Int64
	// block, when set, is waited on inside Validate (to interleave with revocations).
	block chan struct{}
	// entered is signalled when Validate starts (if set).
	entered chan struct{}
	last    CallInfo
	// down, when set, answers as an auth service that cannot be reached.
	down atomic.Bool
}

func newFakeValidator() *fakeValidator {
	return &fakeValidator{keys: make(map[string]*Principal)}
}

func (f *fakeValidator) add(token string, p *Principal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys[token] = p
}

func (f *fakeValidator) remove(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.keys, token)
}

func (f *fakeValidator) lastCall() CallInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

func (f *fakeValidator) Validate(ctx context.Context, token string, info CallInfo) (*Principal, error) {
	f.calls.Add(1)
	if f.entered != nil {
		f.entered <- struct{}{}
	}
	if f.block != nil {
		<-f.block
	}
	if f.down.Load() {
		return nil, errinfo.New(codes.Unavailable, gatewayv1.Reason_REASON_AUTH_UNAVAILABLE, "auth service unavailable")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = info
	p, ok := f.keys[token]
	if !ok {
		return nil, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_INVALID_KEY, "unknown API key")
	}
	if !p.ExpiresAt.IsZero() && !time.Now().Before(p.ExpiresAt) && p.KeyID == "expired" {
		return nil, errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_EXPIRED_KEY, "this key expired")
	}
	cp := *p
	return &cp, nil
}

// fakeClock is a settable clock for the cache.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
