package server

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/freqlimit"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/futugw/gateway/services/quote/internal/readguard"
	"github.com/futugw/gateway/services/quote/internal/subs"
)

// countingOpenD counts the requests that reach OpenD, per proto id, and OpenD's
// frequency refusals.
type countingOpenD struct {
	next OpenD

	mu      sync.Mutex
	calls   map[uint32]int
	refused int // retType -1 with errCode 1006
}

func counting() (*countingOpenD, func(OpenD) OpenD) {
	c := &countingOpenD{calls: make(map[uint32]int)}
	return c, func(o OpenD) OpenD { c.next = o; return c }
}

func (c *countingOpenD) Call(ctx context.Context, id uint32, req, resp proto.Message) error {
	c.mu.Lock()
	c.calls[id]++
	c.mu.Unlock()
	err := c.next.Call(ctx, id, req, resp)
	var ee *envelope.Error
	if errors.As(err, &ee) && ee.ErrCode == freqlimit.ErrCode {
		c.mu.Lock()
		c.refused++
		c.mu.Unlock()
	}
	return err
}

func (c *countingOpenD) count(id uint32) (calls, refused int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[id], c.refused
}

func newGuard(t *testing.T, o readguard.Options) *readguard.Guard {
	t.Helper()
	g, err := readguard.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// 1,000 concurrent identical /api/kline calls make one OpenD request; the calls
// right after it are answered from the one-second cache. The guard's clock stands
// still, so that a slow machine (-race, 2 cores) does not see the second pass.
func TestCatalogCoalescesAndCachesKL(t *testing.T) {
	c, wrap := counting()
	now := time.Now()
	g := newGuard(t, readguard.Options{Metrics: prometheus.NewRegistry(), Now: func() time.Time { return now }})
	e := newEnv(t, envOpts{sim: sim.Config{PushInterval: time.Second}, guard: g, wrap: wrap})
	// The gateway's Subscribe offers no K-line sub types yet: subscribe OpenD's side directly.
	if _, err := e.up.Subscribe(t.Context(), []subs.Pair{{Sec: subs.Security{Market: 1, Code: "00700"}, SubType: 6}}); err != nil { // KL_Day
		t.Fatal(err)
	}
	qc := catalogv1.NewQuoteCatalogServiceClient(e.cc)
	kl := &catalogv1.GetKLRequest{RehabType: catalogv1.RehabType_REHAB_TYPE_FORWARD.Enum(), KlType: catalogv1.KLType_KL_TYPE_DAY.Enum(),
		Security: &catalogv1.Security{Market: proto.Int32(1), Code: proto.String("00700")}, ReqNum: proto.Int32(100)}

	const n = 1000
	start := make(chan struct{})
	var wg sync.WaitGroup
	var failed atomic.Int32
	for range n {
		wg.Go(func() {
			<-start
			out, err := qc.GetKL(as(0), kl)
			if err != nil || len(out.GetKlList()) == 0 {
				failed.Add(1)
				t.Errorf("GetKL: %v, %d bars", err, len(out.GetKlList()))
			}
		})
	}
	close(start)
	wg.Wait()
	calls, refused := c.count(protoid.QotGetKL)
	if calls != 1 || refused != 0 {
		t.Fatalf("%d identical concurrent calls made %d OpenD requests (%d refused); want 1", n, calls, refused)
	}
	id := "3006"
	m := g.Metrics()
	if got := testutil.ToFloat64(m.Requests.WithLabelValues(id)); got != n {
		t.Errorf("requests = %v, want %d", got, n)
	}
	shared := testutil.ToFloat64(m.Coalesced.WithLabelValues(id))
	hits := testutil.ToFloat64(m.CacheHits.WithLabelValues(id))
	if shared+hits != n-1 || testutil.ToFloat64(m.OpenD.WithLabelValues(id)) != 1 {
		t.Errorf("coalesced %v + cache hits %v, want %d; opend %v", shared, hits, n-1, testutil.ToFloat64(m.OpenD.WithLabelValues(id)))
	}
	t.Logf("%d calls: 1 OpenD request, %v coalesced, %v cache hits", n, shared, hits)
}

// A closed history range is asked of OpenD once: the second call, and a second
// quote instance sharing Redis, are answered from Redis.
func TestCatalogHistoryFromRedis(t *testing.T) {
	addr := redistest.Start(t)
	rdb, err := redisx.New(redisx.Options{Addrs: addr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	c1, wrap1 := counting()
	g1 := newGuard(t, readguard.Options{Redis: rdb, Metrics: prometheus.NewRegistry()})
	e1 := newEnv(t, envOpts{sim: sim.Config{PushInterval: time.Second}, guard: g1, wrap: wrap1})
	c2, wrap2 := counting()
	g2 := newGuard(t, readguard.Options{Redis: rdb, Metrics: prometheus.NewRegistry()})
	e2 := newEnv(t, envOpts{reuse: e1.sim, guard: g2, wrap: wrap2})

	end := time.Now().AddDate(0, 0, -2).Format("2006-01-02")
	begin := time.Now().AddDate(0, 0, -60).Format("2006-01-02")
	req := func() *catalogv1.RequestHistoryKLRequest {
		return &catalogv1.RequestHistoryKLRequest{RehabType: catalogv1.RehabType_REHAB_TYPE_NONE.Enum(), KlType: catalogv1.KLType_KL_TYPE_DAY.Enum(),
			Security: &catalogv1.Security{Market: proto.Int32(1), Code: proto.String("00700")}, BeginTime: proto.String(begin), EndTime: proto.String(end)}
	}
	first, err := catalogv1.NewQuoteCatalogServiceClient(e1.cc).RequestHistoryKL(as(0), req())
	if err != nil {
		t.Fatal(err)
	}
	if len(first.GetKlList()) == 0 {
		t.Fatalf("no bars in %s..%s", begin, end)
	}
	for i, e := range []*env{e1, e2} {
		again, err := catalogv1.NewQuoteCatalogServiceClient(e.cc).RequestHistoryKL(as(0), req())
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(again, first) {
			t.Errorf("instance %d: the kept answer differs from OpenD's", i+1)
		}
	}
	if n1, _ := c1.count(protoid.QotRequestHistoryKL); n1 != 1 {
		t.Errorf("instance 1 asked OpenD %d times, want 1", n1)
	}
	if n2, _ := c2.count(protoid.QotRequestHistoryKL); n2 != 0 {
		t.Errorf("instance 2 asked OpenD %d times, want 0 (Redis)", n2)
	}
	if hits := testutil.ToFloat64(g2.Metrics().CacheHits.WithLabelValues("3103")); hits != 1 {
		t.Errorf("instance 2 cache hits %v, want 1", hits)
	}

	// A range reaching today is open: never kept.
	open := req()
	open.EndTime = proto.String(time.Now().AddDate(0, 0, 1).Format("2006-01-02"))
	for range 2 {
		if _, err := catalogv1.NewQuoteCatalogServiceClient(e1.cc).RequestHistoryKL(as(0), open); err != nil {
			t.Fatal(err)
		}
	}
	if n1, _ := c1.count(protoid.QotRequestHistoryKL); n1 != 3 {
		t.Errorf("open ranges: instance 1 asked OpenD %d times in all, want 3", n1)
	}
}

// marketStateBurst sends 20 distinct GetMarketState calls at once (10 HK, 10 US
// securities: no coalescing, no cache), spread over the quote services es in turn,
// and sorts the answers: ok, refused as rate_limited with a retry delay, other.
func marketStateBurst(es ...*env) (ok, limited int, other []error) {
	var secs []*catalogv1.Security
	for _, code := range []string{"00700", "09988", "00005", "00941", "03690", "01810", "02318", "00388", "01299", "00883"} {
		secs = append(secs, &catalogv1.Security{Market: proto.Int32(1), Code: proto.String(code)})
	}
	for _, code := range []string{"AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "GOOG", "META", "AMD", "NFLX", "BABA"} {
		secs = append(secs, &catalogv1.Security{Market: proto.Int32(11), Code: proto.String(code)})
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, s := range secs {
		qc := catalogv1.NewQuoteCatalogServiceClient(es[i%len(es)].cc)
		wg.Go(func() {
			_, err := qc.GetMarketState(as(0), &catalogv1.GetMarketStateRequest{SecurityList: []*catalogv1.Security{s}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case status.Code(err) == codes.ResourceExhausted && errinfo.Reason(err) == gatewayv1.Reason_REASON_RATE_LIMITED:
				if d, has := errinfo.RetryAfter(err); !has || d <= 0 || d > 32*time.Second {
					other = append(other, err)
				}
				limited++
			default:
				other = append(other, err)
			}
		})
	}
	wg.Wait()
	return ok, limited, other
}

// A burst beyond Qot_GetMarketState's limit (10 per 30s) is shaped by the gateway:
// it sends at most 9 and refuses the rest as rate_limited with a retry delay, and the
// simulator, which enforces the same table, refuses none. Without the guard the
// simulator refuses.
func TestCatalogShapesBelowOpenDLimit(t *testing.T) {
	c, wrap := counting()
	g := newGuard(t, readguard.Options{Metrics: prometheus.NewRegistry()})
	e := newEnv(t, envOpts{sim: sim.Config{PushInterval: time.Second}, guard: g, wrap: wrap})
	ok, limited, other := marketStateBurst(e)
	calls, refused := c.count(protoid.QotGetMarketState)
	if ok != 9 || limited != 11 || len(other) != 0 || calls != 9 || refused != 0 {
		t.Fatalf("guarded burst of 20: %d ok, %d rate_limited, others %v; OpenD got %d, refused %d; want 9, 11, none, 9, 0",
			ok, limited, other, calls, refused)
	}
	if r := testutil.ToFloat64(g.Metrics().Refused.WithLabelValues("3223")); r != 11 {
		t.Errorf("refused metric %v, want 11", r)
	}

	c2, wrap2 := counting()
	bare := newEnv(t, envOpts{sim: sim.Config{PushInterval: time.Second}, wrap: wrap2})
	ok, _, other = marketStateBurst(bare)
	if _, refused := c2.count(protoid.QotGetMarketState); refused != 10 || ok != 10 {
		t.Fatalf("unguarded burst of 20: %d ok, OpenD refused %d (%v); want the simulator to refuse 10", ok, refused, other)
	}
}

// replicas starts n quote services on one simulator (OpenD's limits enforced),
// each with its own readguard on rdb (nil: none) at o, and counts what reaches
// OpenD from each.
func replicas(t *testing.T, n int, rdb redis.UniversalClient, o readguard.Options) ([]*env, []*countingOpenD, []*readguard.Guard) {
	var es []*env
	var cs []*countingOpenD
	var gs []*readguard.Guard
	o.Redis = rdb
	for i := range n {
		c, wrap := counting()
		o.Metrics = prometheus.NewRegistry()
		g := newGuard(t, o)
		eo := envOpts{sim: sim.Config{PushInterval: time.Second}, guard: g, wrap: wrap}
		if i > 0 {
			eo.reuse = es[0].sim
		}
		es = append(es, newEnv(t, eo))
		cs = append(cs, c)
		gs = append(gs, g)
	}
	return es, cs, gs
}

// sent sums the OpenD requests of proto id of every replica, and OpenD's refusals.
func sent(cs []*countingOpenD, id uint32) (calls, refused int) {
	for _, c := range cs {
		n, r := c.count(id)
		calls += n
		refused += r
	}
	return calls, refused
}

func fallbacks(gs []*readguard.Guard, id string) (n float64) {
	for _, g := range gs {
		n += testutil.ToFloat64(g.Metrics().Fallbacks.WithLabelValues(id))
	}
	return n
}

// Two quote replicas on one OpenD and one Redis pace in one window per interface:
// a burst split between them sends the gateway's 9 of Qot_GetMarketState's 10 in
// all, and OpenD refuses none, although each replica is left at -opend-replicas=1
// (as when a replica is added without changing the flag). Pacing per process at
// that setting sends 18 and OpenD refuses 8. (Redis is given a generous timeout:
// a slow first connection under -race would otherwise fall back, which
// TestCatalogReplicasFallBackWithoutRedis covers.)
func TestCatalogReplicasShareOpenDLimit(t *testing.T) {
	rdb, err := redisx.New(redisx.Options{Addrs: redistest.Start(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	es, cs, gs := replicas(t, 2, rdb, readguard.Options{Replicas: 1, PaceTimeout: 5 * time.Second})
	ok, limited, other := marketStateBurst(es...)
	calls, refused := sent(cs, protoid.QotGetMarketState)
	if ok != 9 || limited != 11 || len(other) != 0 || calls != 9 || refused != 0 {
		t.Fatalf("burst of 20 over 2 replicas: %d ok, %d rate_limited, others %v; OpenD got %d, refused %d; want 9, 11, none, 9, 0",
			ok, limited, other, calls, refused)
	}
	if f := fallbacks(gs, "3223"); f != 0 {
		t.Errorf("%v fallbacks with Redis up", f)
	}
	n1, _ := cs[0].count(protoid.QotGetMarketState)
	t.Logf("replica 1 sent %d, replica 2 sent %d", n1, calls-n1)

	es, cs, _ = replicas(t, 2, nil, readguard.Options{Replicas: 1})
	ok, _, _ = marketStateBurst(es...)
	if calls, refused := sent(cs, protoid.QotGetMarketState); calls != 18 || refused != 8 || ok != 10 {
		t.Fatalf("paced per process: OpenD got %d, refused %d, %d ok; want 18, 8, 10", calls, refused, ok)
	}
}

// With Redis down, or accepting connections and never answering, each replica
// falls back to its share of the limits (-opend-replicas=2: 5 of 10 each, rounded
// up from 4.5): the reads are answered or refused at once, the fallbacks are
// counted, and OpenD still refuses none.
func TestCatalogReplicasFallBackWithoutRedis(t *testing.T) {
	for _, c := range []struct {
		name string
		addr func(t *testing.T) string
	}{
		{"down", func(t *testing.T) string {
			srv := redistest.StartServer(t)
			srv.Stop()
			return srv.Addr()
		}},
		{"silent", silentRedis},
	} {
		t.Run(c.name, func(t *testing.T) {
			rdb, err := redisx.New(redisx.Options{Addrs: c.addr(t)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = rdb.Close() })
			es, cs, gs := replicas(t, 2, rdb, readguard.Options{Replicas: 2})
			start := time.Now()
			ok, limited, other := marketStateBurst(es...)
			took := time.Since(start)
			calls, refused := sent(cs, protoid.QotGetMarketState)
			if ok != 10 || limited != 10 || len(other) != 0 || calls != 10 || refused != 0 {
				t.Fatalf("burst of 20 over 2 replicas without Redis: %d ok, %d rate_limited, others %v; OpenD got %d, refused %d; want 10, 10, none, 10, 0",
					ok, limited, other, calls, refused)
			}
			if f := fallbacks(gs, "3223"); f != 20 {
				t.Errorf("%v fallbacks, want 20", f)
			}
			if took > 5*time.Second {
				t.Errorf("the burst took %v without Redis", took)
			}
			t.Logf("burst answered in %v", took)
		})
	}
}

// silentRedis is an address that accepts connections and never answers, until
// the test ends.
func silentRedis(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().String()
}
