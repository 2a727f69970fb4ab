package idem

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestAbandon(t *testing.T) { forEachBackend(t, testAbandon) }

// testAbandon: giving up a claim deletes only a record the claim created; a record it
// took over goes back to its earlier state, so the order that may exist under its tag
// is looked for, and a pending attempt's checks still run, on the next retry.
func testAbandon(t *testing.T, rdb redis.UniversalClient) {
	now := time.UnixMilli(1_800_000_000_000)
	s := New(rdb, Options{Lease: time.Second, Wait: time.Millisecond, Now: func() time.Time { return now }})
	ctx := context.Background()
	acquire := func(key, attempt string) Outcome {
		t.Helper()
		r, err := s.Acquire(ctx, "k", key, "h", attempt)
		if err != nil {
			t.Fatalf("acquire %s by %s: %v", key, attempt, err)
		}
		return r
	}
	abandon := func(key, attempt string) {
		t.Helper()
		if err := s.ReleaseAttempt(ctx, "k", key, attempt); err != nil {
			t.Fatal(err)
		}
	}

	// A fresh claim: abandoning it frees the key.
	acquire("fresh", "a1")
	abandon("fresh", "a1")
	if r := acquire("fresh", "a2"); r.Claim == nil || r.State != Fresh {
		t.Fatalf("after abandoning a fresh claim: %+v", r.Claim)
	}

	// A takeover of an unknown outcome: abandoning it keeps the outcome unknown with
	// its reservation, for the next retry to look for the order.
	first := acquire("unknown", "b1").Claim
	if err := s.Unknown(ctx, first, "20270115", 42); err != nil {
		t.Fatal(err)
	}
	if c := acquire("unknown", "b2").Claim; c == nil || c.PriorState != StateUnknown {
		t.Fatalf("takeover: %+v", c)
	}
	abandon("unknown", "b2")
	r := acquire("unknown", "b3")
	c := r.Claim
	if c == nil || r.State != Resume || c.PriorState != StateUnknown || c.PriorDay != "20270115" || c.PriorMicros != 42 {
		t.Fatalf("after abandoning a takeover of unknown: %+v", c)
	}

	// A takeover of a pending record whose owner vanished: abandoning it leaves it
	// pending and free to take over at once, never unknown.
	acquire("pending", "c1")
	now = now.Add(2 * time.Second)
	if c := acquire("pending", "c2").Claim; c == nil || c.PriorState != StatePending {
		t.Fatalf("takeover: %+v", c)
	}
	if err := s.Abandon(ctx, &Claim{key: recordKey("k", "pending"), attempt: "c2"}); err != nil {
		t.Fatal(err)
	}
	if r := acquire("pending", "c3"); r.Claim == nil || r.State != Resume || r.Claim.PriorState != StatePending {
		t.Fatalf("after abandoning a takeover of pending: %+v", r)
	}

	// Someone else's attempt id changes nothing.
	abandon("pending", "not-the-holder")
	if _, err := s.Acquire(ctx, "k", "pending", "h", "c4"); err != ErrPending {
		t.Fatalf("a stranger's abandon freed the key: %v", err)
	}
}
