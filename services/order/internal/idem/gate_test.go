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

// countGate counts in its own key (under the record's hash tag) and refuses with
// {7, count} once the count reached its limit: a durable.Gate of the test's own.
type countGate struct {
	key   string
	limit int
}

func (g countGate) Lua() string {
	return `function(K, A)
  local n = tonumber(redis.call('GET', K[1]) or '0')
  if n >= tonumber(A[1]) then return {7, n} end
  redis.call('INCR', K[1])
  return {0}
end`
}
func (g countGate) Keys() []string { return []string{g.key} }
func (g countGate) Args() []any    { return []any{g.limit} }

func TestClaimGated(t *testing.T) { forEachBackend(t, testClaimGated) }

func testClaimGated(t *testing.T, rdb redis.UniversalClient) {
	s := New(rdb, Options{Lease: time.Minute, Wait: time.Hour}) // a claim never waits
	ctx := context.Background()
	counter := "futugw:{g}:gate"
	claim := func(key, body, attempt string, gate durable.Gate) (Outcome, error) {
		return s.Claim(ctx, Attempt{KeyID: "g", Key: key, BodyHash: body, ID: attempt, Gate: gate})
	}
	gate := func(limit int) durable.Gate { return countGate{counter, limit} }
	count := func() string { v, _ := rdb.Get(ctx, counter).Result(); return v }

	// A free key runs the gate; passing it claims the key in the same step.
	r, err := claim("k1", "h", "a1", gate(1))
	if err != nil || r.State != Fresh || r.Claim == nil || !slices.Equal(r.Gate, []int64{0}) || count() != "1" {
		t.Fatalf("first: %+v %v, count %q", r, err, count())
	}
	// A held key never runs the gate: wait, conflict, replay.
	if r, err := claim("k1", "h", "a2", gate(5)); err != nil || r.State != Wait || count() != "1" {
		t.Fatalf("pending: %+v %v, count %q", r, err, count())
	}
	if _, err := claim("k1", "other", "a3", gate(5)); !errors.Is(err, ErrConflict) || count() != "1" {
		t.Fatalf("conflict: %v, count %q", err, count())
	}
	if err := s.Done(ctx, r.Claim, "77"); err != nil {
		t.Fatal(err)
	}
	if r, err := claim("k1", "h", "a4", gate(5)); err != nil || r.State != Replay || r.OrderID != "77" || r.Gate != nil || count() != "1" {
		t.Fatalf("done: %+v %v, count %q", r, err, count())
	}
	// A refusing gate claims nothing: its reply comes back and the key stays free.
	r, err = claim("k2", "h", "b1", gate(1))
	if err != nil || r.State != Fresh || r.Claim != nil || !slices.Equal(r.Gate, []int64{7, 1}) {
		t.Fatalf("refused: %+v %v", r, err)
	}
	if n, _ := rdb.Exists(ctx, recordKey("g", "k2")).Result(); n != 0 {
		t.Fatal("a refused gate left a record")
	}
	// Looking only leaves a free key free and runs no gate.
	if r, err := s.Claim(ctx, Attempt{KeyID: "g", Key: "k2", BodyHash: "h", ID: "b2", Gate: gate(5), LookOnly: true}); err != nil ||
		r.State != Fresh || r.Claim != nil || r.Gate != nil || count() != "1" {
		t.Fatalf("look only: %+v %v, count %q", r, err, count())
	}
	if n, _ := rdb.Exists(ctx, recordKey("g", "k2")).Result(); n != 0 {
		t.Fatal("looking left a record")
	}
	if r, err := claim("k2", "other body", "b3", gate(2)); err != nil || r.Claim == nil || count() != "2" {
		t.Fatalf("after refusal: %+v %v, count %q", r, err, count())
	}
	// Without a gate the key is simply claimed.
	if r, err := claim("k3", "h", "c1", nil); err != nil || r.Claim == nil || r.Gate != nil || count() != "2" {
		t.Fatalf("no gate: %+v %v", r, err)
	}
}

// TestClaimWithTheLimits runs the limits' gate inside the claim, on a single Redis
// and on a Cluster (its keys share the record's hash tag): two keys claim and count,
// the third is refused by the window and leaves no record.
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
		g, err := c.Gate(pol, attempt, 10, now)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Claim(ctx, Attempt{KeyID: "lim", Key: idemKey, BodyHash: "h", ID: attempt, Gate: g})
		if err != nil || len(r.Gate) == 0 || r.Gate[0] != want || (r.Claim != nil) != (want == 0) {
			t.Fatalf("order %d: %+v %v, want gate %d", i, r, err, want)
		}
		if _, err := g.Settle(r.Gate, nil, 0); (err == nil) != (want == 0) {
			t.Fatalf("order %d: settled %v", i, err)
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
