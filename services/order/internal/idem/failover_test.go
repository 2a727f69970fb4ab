package idem_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/limits"
)

// book is a fake OpenD order list: orders by remark tag.
type book struct {
	mu     sync.Mutex
	next   int
	byTag  map[string][]string
	placed int
}

func (b *book) place(tag string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next++
	id := fmt.Sprint(b.next)
	b.byTag[tag] = append(b.byTag[tag], id)
	b.placed++
	return id
}

func (b *book) find(tag string) (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if ids := b.byTag[tag]; len(ids) > 0 {
		return ids[0], true
	}
	return "", false
}

// placeOnce is the order service's placement protocol (server.admit, then send)
// reduced to its Redis steps: claim the idempotency key with the limits as the claim's
// gate; replay a finished record, resume a taken-over one (find its order, else book
// and place), place on a fresh claim, or wait and claim again; record the result. It
// returns the order id, refused for a limit, or an error to retry on.
func placeOnce(ctx context.Context, st *idem.Store, c *limits.Counter, b *book, pol limits.Policy, key string, n int) (id string, refused bool, err error) {
	var w *idem.Waiter
	attempt := fmt.Sprint(key, "#", n)
	for {
		g, err := c.Gate(pol, attempt, 1, time.Now())
		if err != nil {
			return "", false, err
		}
		out, err := st.Claim(ctx, idem.Attempt{KeyID: pol.KeyID, Key: key, BodyHash: "body", ID: attempt, Gate: g})
		if err != nil {
			_ = st.ReleaseAttempt(ctx, pol.KeyID, key, attempt)
			return "", false, err
		}
		cl := out.Claim
		switch out.State {
		case idem.Replay:
			return out.OrderID, false, nil
		case idem.Wait:
			if w == nil {
				w = st.Waiter()
			}
			if err := w.Await(ctx, pol.KeyID, key); err != nil {
				return "", false, err
			}
			continue
		case idem.Fresh:
			if _, err := g.Settle(out.Gate, nil, 0); err != nil {
				if isExhausted(err) {
					return "", true, nil
				}
				return "", false, err
			}
		case idem.Resume:
			if id, ok := b.find(cl.Tag); ok {
				_ = st.Done(ctx, cl, id)
				return id, false, nil
			}
			if cl.PriorState != idem.StateUnknown {
				if _, err := c.Book(ctx, g); err != nil {
					_ = st.Release(ctx, cl)
					if isExhausted(err) {
						return "", true, nil
					}
					return "", false, err
				}
			}
		}
		id = b.place(cl.Tag)
		if err := st.Done(ctx, cl, id); err != nil {
			// The order exists; the next attempt finds it by its tag after the lease.
			return "", false, err
		}
		return id, false, nil
	}
}

func isExhausted(err error) bool {
	r, ok := limits.AsRefusal(err)
	return ok && r.Kind == limits.KindExhausted
}

// Orders keep being placed while the Sentinel-managed master fails over: no
// idempotency key yields two orders, a retried key returns its order id, and the
// per-minute limit is never exceeded (errors during the switch are retried, as a
// client retries a 503).
//
// Replication is asynchronous and the client keeps writing to the old master until
// the Sentinels announce the switch, so without MinReplicas writes it acknowledged
// are lost: window entries (the limit is exceeded) and idempotency records (a retry
// claims the key afresh and would place again). With MinReplicas 1 every limit and
// idempotency write waits for the replica (WAIT 1 in the script's pipeline) and
// fails closed when it is not acknowledged.
func TestSentinelFailoverWhilePlacing(t *testing.T) {
	s := redistest.StartSentinel(t)
	rdb, err := redisx.New(redisx.Options{Addrs: strings.Join(s.Addrs, ","), MasterName: s.MasterName})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	st := idem.New(rdb, idem.Options{Lease: time.Second, Wait: 2 * time.Second, MinReplicas: 1})
	c := limits.NewCounter(rdb, limits.Options{MinReplicas: 1})
	const maxPerMinute = 120
	pol := limits.Policy{KeyID: "drill", MaxPerMinute: func() *int32 { v := int32(maxPerMinute); return &v }()}
	b := &book{byTag: map[string][]string{}}

	ctx, cancel := context.WithTimeout(context.Background(), 35*time.Second)
	defer cancel()
	// Six workers at ~60 orders a second from before the switch until the limit
	// refuses, after it.
	const workers = 6
	ids := make(map[string]string)
	var mu sync.Mutex
	var refusedN, retries int
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range workers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("w%d-%d", w, i)
				for n := 0; ; n++ {
					id, refused, err := placeOnce(ctx, st, c, b, pol, key, n)
					if err == nil {
						mu.Lock()
						if refused {
							refusedN++
						} else {
							ids[key] = id
						}
						mu.Unlock()
						break
					}
					if ctx.Err() != nil {
						t.Errorf("key %s: gave up: %v", key, err)
						return
					}
					mu.Lock()
					retries++
					mu.Unlock()
					if !errors.Is(err, idem.ErrPending) {
						time.Sleep(50 * time.Millisecond) // the point: a client's pause before its retry
					}
				}
				time.Sleep(100 * time.Millisecond) // the point: each worker's pace
			}
		})
	}
	time.Sleep(time.Second) // the point: a second of placements before the switch
	ferr := s.Failover(ctx)
	// Keep placing until the limit refuses (writes fail closed until the old master
	// is back as a replica, so that is well after the switch): a window entry lost in
	// the failover would let more than the limit through by then.
	limitHit := func() bool { mu.Lock(); defer mu.Unlock(); return refusedN > 0 }
	if ferr == nil {
		testkit.Within(30*time.Second, func() bool { return limitHit() || ctx.Err() != nil })
	}
	time.Sleep(500 * time.Millisecond) // the point: placements go on past the limit
	close(stop)
	wg.Wait()
	if ferr != nil {
		t.Fatal(ferr)
	}
	if refusedN == 0 {
		t.Errorf("the limit of %d was never reached (placed %d)", maxPerMinute, b.placed)
	}
	for tag, list := range b.byTag {
		if len(list) > 1 {
			t.Errorf("tag %s placed %d times: %v", tag, len(list), list)
		}
	}
	if b.placed > maxPerMinute {
		t.Errorf("%d orders placed, limit %d per minute", b.placed, maxPerMinute)
	}
	// A retry of every key returns its order id.
	for key, id := range ids {
		id2, _, err := placeOnce(ctx, st, c, b, pol, key, 999)
		if err != nil || id2 != id {
			t.Errorf("retry of %s = %q, %v; want %s", key, id2, err, id)
		}
	}
	t.Logf("placed %d, refused %d, keys %d, retried attempts %d", b.placed, refusedN, len(ids), retries)
}
