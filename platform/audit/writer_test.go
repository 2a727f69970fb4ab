package audit

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/logtest"

	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/redis/go-redis/v9"
)

func TestWriterWritesEveryEntryByClose(t *testing.T) {
	for _, queue := range []int{1, 8, 0} { // 1: most Appends find the queue full
		t.Run(fmt.Sprint("queue=", queue), func(t *testing.T) {
			rdb := redistest.Client(t, redistest.Start(t))
			l := New(rdb, 0)
			w := NewWriter(l, queue, nil)
			ctx := testCtx(t)
			const producers, each = 20, 50
			var wg sync.WaitGroup
			for p := range producers {
				wg.Go(func() {
					for i := range each {
						if err := w.Append(ctx, Entry{Action: "order_place", KeyID: fmt.Sprint("k", p),
							Fields: map[string]string{"i": fmt.Sprint(i)}}); err != nil {
							t.Error(err)
						}
					}
				})
			}
			wg.Wait()
			if err := w.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if n, err := rdb.XLen(ctx, Stream).Result(); err != nil || n != producers*each {
				t.Fatalf("stream holds %d entries (%v), want %d", n, err, producers*each)
			}
			// One producer's queued entries keep their order (with room for all of
			// them: a full queue makes an Append synchronous, ahead of the queue).
			got, _ := l.List(ctx, MaxList)
			last := map[string]time.Time{}
			for i := len(got) - 1; i >= 0; i-- {
				e := got[i]
				if e.Time.IsZero() || queue == 0 && e.Time.Before(last[e.KeyID]) {
					t.Fatalf("entry %+v out of order or without time", e)
				}
				last[e.KeyID] = e.Time
			}
		})
	}
}

func TestWriterAppendAfterCloseIsSynchronous(t *testing.T) {
	rdb := redistest.Client(t, redistest.Start(t))
	l := New(rdb, 0)
	w := NewWriter(l, 0, nil)
	ctx := testCtx(t)
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal("second Close:", err)
	}
	if err := w.Append(ctx, Entry{Action: "order_place"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.XLen(ctx, Stream).Result(); n != 1 {
		t.Fatalf("stream holds %d entries right after Append on a closed Writer, want 1", n)
	}
	if err := w.Append(ctx, Entry{}); err == nil {
		t.Fatal("Append accepted an entry without action")
	}
}

func TestWriterRetriesUntilRedisIsBack(t *testing.T) {
	srv := redistest.StartServer(t)
	rdb := redistest.Client(t, srv.Addr())
	var pipelines atomic.Int64
	rdb.AddHook(pipelineCounter{&pipelines})
	w := NewWriter(New(rdb, 0), 0, nil)
	ctx := testCtx(t)
	srv.Stop()
	for i := range 5 {
		if err := w.Append(ctx, Entry{Action: "order_place", Fields: map[string]string{"i": fmt.Sprint(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	// A second attempt starts only once the first write failed.
	testkit.Eventually(t, 5*time.Second, "a retried write", func() bool { return pipelines.Load() >= 2 })
	srv.Restart()
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := rdb.XLen(ctx, Stream).Result(); err != nil || n != 5 {
		t.Fatalf("stream holds %d entries (%v) after Redis came back, want 5", n, err)
	}
}

func TestWriterCloseDeadlineLogsUnwrittenEntries(t *testing.T) {
	srv := redistest.StartServer(t)
	var logs logtest.Buffer
	w := NewWriter(New(redistest.Client(t, srv.Addr()), 0), 0, slog.New(slog.NewTextHandler(&logs, nil)))
	srv.Stop()
	if err := w.Append(testCtx(t), Entry{Action: "order_place", KeyID: "k-lost"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := w.Close(ctx); err == nil {
		t.Fatal("Close reported success with Redis down")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Close took %v past its deadline", d)
	}
	if !strings.Contains(logs.String(), "audit entry lost") || !strings.Contains(logs.String(), "k-lost") {
		t.Fatalf("unwritten entry not logged: %q", logs.String())
	}
}

// TestWriterBatchesABurst: entries queued within a few milliseconds of each other
// reach Redis in one or two pipelines, not one each; a lone entry is written within
// moments.
func TestWriterBatchesABurst(t *testing.T) {
	rdb := redistest.Client(t, redistest.StartServer(t).Addr())
	var pipelines atomic.Int64
	rdb.AddHook(pipelineCounter{&pipelines})
	w := NewWriter(New(rdb, 0), 0, nil)
	ctx := testCtx(t)
	defer w.Close(ctx)
	start := time.Now()
	for i := range 10 {
		if err := w.Append(ctx, Entry{Action: "order_place", Fields: map[string]string{"i": fmt.Sprint(i)}}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Microsecond) // the point: appends spread over several lingers
	}
	spread := time.Since(start)
	waitLen := func(want int64) {
		t.Helper()
		testkit.Eventually(t, 5*time.Second, fmt.Sprintf("%d entries in the stream", want),
			func() bool { n, _ := rdb.XLen(ctx, Stream).Result(); return n == want })
	}
	waitLen(10)
	// One batch per linger the appends spanned, plus one for a batch cut short.
	limit := int64(spread/linger) + 2
	if limit >= 10 {
		t.Skipf("the appends took %v on this machine: too slow to tell batches from single writes", spread)
	}
	if n := pipelines.Load(); n > limit {
		t.Fatalf("10 entries queued over %v took %d pipelines, want at most %d", spread, n, limit)
	}
	_ = w.Append(ctx, Entry{Action: "order_place"})
	waitLen(11)
}

type pipelineCounter struct{ n *atomic.Int64 }

func (pipelineCounter) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (pipelineCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (c pipelineCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 && cmds[0].Name() == "xadd" { // not the connection's handshake
			c.n.Add(1)
		}
		return next(ctx, cmds)
	}
}
