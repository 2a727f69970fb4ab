package substore

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/futugw/gateway/services/quote/internal/subs"
)

// acceptAll is an OpenD that accepts every subscription.
type acceptAll struct{}

func (acceptAll) Subscribe(_ context.Context, ps []subs.Pair) ([]subs.Pair, error) { return ps, nil }
func (acceptAll) Unsubscribe(context.Context, []subs.Pair) error                   { return nil }

// wired is a registry and lifetimes writing through a Writer, as the app wires them.
type wired struct {
	reg  *subs.Registry
	life *subs.Lifetimes
	w    *Writer
	stop func()
}

func newWired(t *testing.T, st *Store, o WriterOptions) *wired {
	t.Helper()
	x := &wired{}
	o.Store = st
	o.Snapshot = func(session string) Record {
		keys, live := x.life.Keys(session)
		if !live {
			return Record{}
		}
		return Record{Pairs: x.reg.Session(session), Keys: keys}
	}
	x.w = NewWriter(o)
	x.reg = subs.New(subs.Options{Upstream: acceptAll{}, Quota: 10,
		OnSessionChange: func(s string, _ []subs.Pair) { x.w.Changed(s) }})
	x.life = subs.NewLifetimes(subs.LifetimeOptions{Drop: x.reg.UnsubscribeAll, OnChange: x.w.Changed})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); x.w.Run(ctx) }()
	x.stop = func() { cancel(); <-done; x.reg.Close() }
	t.Cleanup(x.stop)
	return x
}

// TestWriteThrough follows a session through subscribe, unsubscribe, a refresh and
// unsubscribe-all: after each Flush, Redis holds exactly the registry's state.
func TestWriteThrough(t *testing.T) {
	forEachBackend(t, func(t *testing.T, addrs []string) {
		e := newEnv(t, addrs, Options{})
		x := newWired(t, e.st, WriterOptions{})
		ctx := ctxT(t)
		load := func() []Record {
			t.Helper()
			recs, err := e.st.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return recs
		}
		exp := time.Now().Add(time.Hour)
		x.life.Seen("alice", hash(1), exp)
		if err := x.reg.Subscribe(ctx, "alice", []subs.Pair{tencent, apple}); err != nil {
			t.Fatal(err)
		}
		if err := x.w.Flush(ctx, "alice"); err != nil {
			t.Fatal(err)
		}
		recs := load()
		if len(recs) != 1 {
			t.Fatalf("records %+v", recs)
		}
		sameRecord(t, recs[0], Record{Session: "alice", Pairs: []subs.Pair{tencent, apple}, Keys: map[string]time.Time{hash(1): exp}})

		x.reg.Unsubscribe("alice", []subs.Pair{apple})
		exp2 := time.Now().Add(2 * time.Hour)
		x.life.Seen("alice", hash(2), exp2) // a refresh extends the record
		if err := x.w.Flush(ctx, "alice"); err != nil {
			t.Fatal(err)
		}
		sameRecord(t, load()[0], Record{Session: "alice", Pairs: []subs.Pair{tencent},
			Keys: map[string]time.Time{hash(1): exp, hash(2): exp2}})
		if ttl := e.rdb.PTTL(ctx, e.st.Key("alice")).Val(); ttl < time.Until(exp2) {
			t.Fatalf("PTTL %v; want past the refreshed key's expiry", ttl)
		}

		x.reg.UnsubscribeAll("alice")
		if err := x.w.Flush(ctx, "alice"); err != nil {
			t.Fatal(err)
		}
		if recs := load(); len(recs) != 0 {
			t.Fatalf("records after unsubscribe-all: %+v", recs)
		}
		if err := x.w.Flush(ctx, "nobody"); err != nil {
			t.Fatalf("Flush of a clean session: %v", err)
		}
	})
}

// TestSessionEndDeletes: a logout (the latest key revoked) deletes the record at once,
// before the sweep ends the session; the sweep's drop keeps it deleted.
func TestSessionEndDeletes(t *testing.T) {
	e := newEnv(t, []string{redistest.Start(t)}, Options{})
	x := newWired(t, e.st, WriterOptions{})
	ctx := ctxT(t)
	x.life.Seen("bob", hash(7), time.Now().Add(time.Hour))
	if err := x.reg.Subscribe(ctx, "bob", []subs.Pair{tencent}); err != nil {
		t.Fatal(err)
	}
	if err := x.w.Flush(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	x.life.Revoked(hash(7))
	if err := x.w.Flush(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	if e.rdb.Exists(ctx, e.st.Key("bob")).Val() != 0 {
		t.Fatal("a logged-out session's record survives")
	}
	if got := x.life.Sweep(); len(got) != 1 || len(x.reg.Session("bob")) != 0 {
		t.Fatalf("sweep dropped %v", got)
	}
	if err := x.w.Flush(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	if e.rdb.Exists(ctx, e.st.Key("bob")).Val() != 0 {
		t.Fatal("record back after the drop")
	}
}

// TestRedisDown: subscriptions keep working while Redis is down; Flush does not hold
// requests up, failures are counted and logged once per LogEvery, and the latest
// state is saved when Redis is back.
func TestRedisDown(t *testing.T) {
	srv := redistest.StartServer(t)
	e := newEnv(t, []string{srv.Addr()}, Options{})
	x := newWired(t, e.st, WriterOptions{MinRetry: 20 * time.Millisecond, MaxRetry: 50 * time.Millisecond, LogEvery: time.Hour})
	ctx := ctxT(t)
	x.life.Seen("carol", hash(9), time.Now().Add(time.Hour))
	srv.Stop()

	if err := x.reg.Subscribe(ctx, "carol", []subs.Pair{tencent}); err != nil {
		t.Fatalf("subscribe with Redis down: %v", err)
	}
	if err := x.w.Flush(ctx, "carol"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Flush = %v; want ErrUnavailable after the failed write", err)
	}
	start := time.Now()
	if err := x.reg.Subscribe(ctx, "carol", []subs.Pair{apple}); err != nil {
		t.Fatal(err)
	}
	if err := x.w.Flush(ctx, "carol"); !errors.Is(err, ErrUnavailable) || time.Since(start) > 500*time.Millisecond {
		t.Fatalf("Flush while failing = %v after %v; want ErrUnavailable at once", err, time.Since(start))
	}
	testkit.Eventually(t, 10*time.Second, "a failed retry", func() bool {
		return testutil.ToFloat64(e.m.Writes.WithLabelValues(opSave, "error")) >= 2
	})
	if x.w.Pending() != 1 {
		t.Fatalf("pending %d; want carol", x.w.Pending())
	}
	logs := func(msg string) int { return strings.Count(e.logs.String(), msg) }
	if n := logs("saving session subscriptions to Redis failed"); n != 1 {
		t.Fatalf("%d failure lines; want 1 per LogEvery\n%s", n, e.logs.String())
	}

	srv.Restart()
	testkit.Eventually(t, 10*time.Second, "the save after Redis came back", func() bool { return x.w.Pending() == 0 })
	recs, err := e.st.Load(ctx)
	if err != nil || len(recs) != 1 || len(recs[0].Pairs) != 2 {
		t.Fatalf("after recovery: %+v, %v; want carol's two pairs", recs, err)
	}
	if logs("session subscription saves to Redis work again") != 1 {
		t.Fatalf("no recovery line\n%s", e.logs.String())
	}
	if err := x.w.Flush(ctx, "carol"); err != nil {
		t.Fatal(err)
	}
}

// TestFlushWaitsForItsChange: concurrent changes of one session are coalesced, every
// Flush returns once a write at least as new as its change is done, and the final
// record is the final state.
func TestFlushWaitsForItsChange(t *testing.T) {
	e := newEnv(t, []string{redistest.Start(t)}, Options{})
	x := newWired(t, e.st, WriterOptions{})
	ctx := ctxT(t)
	x.life.Seen("dave", hash(4), time.Now().Add(time.Hour))
	pairs := []subs.Pair{tencent, book, apple}
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Go(func() {
			p := pairs[i%len(pairs)]
			if i%2 == 0 {
				_ = x.reg.Subscribe(ctx, "dave", []subs.Pair{p})
			} else {
				x.reg.Unsubscribe("dave", []subs.Pair{p})
			}
			if err := x.w.Flush(ctx, "dave"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := x.reg.Subscribe(ctx, "dave", []subs.Pair{apple}); err != nil {
		t.Fatal(err)
	}
	if err := x.w.Flush(ctx, "dave"); err != nil {
		t.Fatal(err)
	}
	recs, err := e.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := x.reg.Session("dave")
	if len(recs) != 1 || len(recs[0].Pairs) != len(want) {
		t.Fatalf("saved %+v; registry holds %v", recs, want)
	}
	for i, p := range want {
		if recs[0].Pairs[i] != p {
			t.Fatalf("saved %v; registry holds %v", recs[0].Pairs, want)
		}
	}
	if saves := testutil.ToFloat64(e.m.Writes.WithLabelValues(opSave, "ok")) + testutil.ToFloat64(e.m.Writes.WithLabelValues(opDelete, "ok")); saves > 32 {
		t.Fatalf("%v writes for 31 changes", saves)
	}
}

// TestFinalFlushOnStop: what is pending when Run stops is written before it returns.
func TestFinalFlushOnStop(t *testing.T) {
	e := newEnv(t, []string{redistest.Start(t)}, Options{})
	x := newWired(t, e.st, WriterOptions{})
	ctx := ctxT(t)
	x.life.Seen("erin", hash(5), time.Now().Add(time.Hour))
	if err := x.reg.Subscribe(ctx, "erin", []subs.Pair{tencent}); err != nil {
		t.Fatal(err)
	}
	x.stop()
	if e.rdb.Exists(ctx, e.st.Key("erin")).Val() != 1 {
		t.Fatal("the pending save was not written on stop")
	}
}
