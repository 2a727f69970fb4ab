package idem

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/futugw/gateway/services/order/internal/durable"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/redis/go-redis/v9"
)

// testGate counts in its own key (under the record's hash tag) and refuses with
// {7, count} once the count reached A[1].
const testGate = `function(K, A)
  local n = tonumber(redis.call('GET', K[1]) or '0')
  if n >= tonumber(A[1]) then return {7, n} end
  redis.call('INCR', K[1])
  return {0}
end`

func TestAcquireGated(t *testing.T) { forEachBackend(t, testAcquireGated) }

func testAcquireGated(t *testing.T, rdb redis.UniversalClient) {
	s := New(rdb, Options{Lease: time.Minute, Wait: time.Hour}) // a gated call must not wait
	ctx := context.Background()
	counter := "futugw:{g}:gate"
	gate := func(limit int) *durable.Step {
		return &durable.Step{Func: testGate, Keys: []string{counter}, Args: []any{limit}}
	}
	count := func() string { v, _ := rdb.Get(ctx, counter).Result(); return v }

	// A free key runs the gate; passing it claims the key in the same step.
	r, err := s.AcquireGated(ctx, "g", "k1", "h", "a1", gate(1))
	if err != nil || r.Claim == nil || !slices.Equal(r.Gate, []int64{0}) || count() != "1" {
		t.Fatalf("first: %+v %v, count %q", r, err, count())
	}
	// A held key never runs the gate: pending (no wait with a gate), conflict, done.
	if _, err := s.AcquireGated(ctx, "g", "k1", "h", "a2", gate(5)); !errors.Is(err, ErrPending) || count() != "1" {
		t.Fatalf("pending: %v, count %q", err, count())
	}
	if _, err := s.AcquireGated(ctx, "g", "k1", "other", "a3", gate(5)); !errors.Is(err, ErrConflict) || count() != "1" {
		t.Fatalf("conflict: %v, count %q", err, count())
	}
	if err := s.Done(ctx, r.Claim, "77"); err != nil {
		t.Fatal(err)
	}
	if r, err := s.AcquireGated(ctx, "g", "k1", "h", "a4", gate(5)); err != nil || r.OrderID != "77" || r.Gate != nil || count() != "1" {
		t.Fatalf("done: %+v %v, count %q", r, err, count())
	}
	// A refusing gate claims nothing: its reply comes back and the key stays free.
	r, err = s.AcquireGated(ctx, "g", "k2", "h", "b1", gate(1))
	if err != nil || r.Claim != nil || !slices.Equal(r.Gate, []int64{7, 1}) {
		t.Fatalf("refused: %+v %v", r, err)
	}
	if n, _ := rdb.Exists(ctx, recordKey("g", "k2")).Result(); n != 0 {
		t.Fatal("a refused gate left a record")
	}
	if r, err := s.AcquireGated(ctx, "g", "k2", "other body", "b2", gate(2)); err != nil || r.Claim == nil || count() != "2" {
		t.Fatalf("after refusal: %+v %v, count %q", r, err, count())
	}
	// Without a gate it is plain Acquire.
	if r, err := s.AcquireGated(ctx, "g", "k3", "h", "c1", nil); err != nil || r.Claim == nil || r.Gate != nil || count() != "2" {
		t.Fatalf("no gate: %+v %v", r, err)
	}
}

// TestClaimWithTheLimits runs the real limits step inside the claim, on a single
// Redis and on a Cluster (its keys share the record's hash tag): two keys claim and
// count, the third is refused by the window and leaves no record.
func TestClaimWithTheLimits(t *testing.T) { forEachBackend(t, testClaimWithTheLimits) }

func testClaimWithTheLimits(t *testing.T, rdb redis.UniversalClient) {
	s := New(rdb, Options{Lease: time.Minute, Wait: time.Millisecond})
	c := limits.NewCounter(rdb, limits.Options{})
	ctx := context.Background()
	two := int32(2)
	pol := limits.Policy{KeyID: "lim", MaxPerMinute: &two}
	now := time.UnixMilli(1_800_000_000_000)
	for i, want := range []int64{0, 0, 1} {
		idemKey, attempt := fmt.Sprint("order-", i), fmt.Sprint("a", i)
		b, err := c.Booking(pol, attempt, 10, now)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.AcquireGated(ctx, "lim", idemKey, "h", attempt, b.Step)
		if err != nil || len(r.Gate) == 0 || r.Gate[0] != want || (r.Claim != nil) != (want == 0) {
			t.Fatalf("order %d: %+v %v, want gate %d", i, r, err, want)
		}
	}
	if n, _, err := c.Usage(ctx, "lim", now); err != nil || n != 2 {
		t.Fatalf("window holds %d (%v), want 2", n, err)
	}
	if n, _ := rdb.Exists(ctx, recordKey("lim", "order-2")).Result(); n != 0 {
		t.Fatal("the refused order left a record")
	}
}

// TestReleaseAttempt frees a key only for the attempt holding it.
func TestReleaseAttempt(t *testing.T) { forEachBackend(t, testReleaseAttempt) }

func testReleaseAttempt(t *testing.T, rdb redis.UniversalClient) {
	s := New(rdb, Options{Lease: time.Minute, Wait: time.Millisecond})
	ctx := context.Background()
	if r, err := s.Acquire(ctx, "r", "k", "h", "a1"); err != nil || r.Claim == nil {
		t.Fatalf("claim: %+v %v", r, err)
	}
	if err := s.ReleaseAttempt(ctx, "r", "k", "someone else"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Acquire(ctx, "r", "k", "h", "a2"); !errors.Is(err, ErrPending) {
		t.Fatalf("another attempt's release freed the key: %v", err)
	}
	if err := s.ReleaseAttempt(ctx, "r", "k", "a1"); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Acquire(ctx, "r", "k", "other body", "a3"); err != nil || r.Claim == nil {
		t.Fatalf("after release: %+v %v", r, err)
	}
}
