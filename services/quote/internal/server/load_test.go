package server

import (
	"context"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/protobuf/proto"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/futugw/gateway/services/quote/internal/readguard"
	"github.com/futugw/gateway/services/quote/internal/subs"
)

// TestLoadBrowsers is the load figure of docs/benchmarks.md ("Protecting the one
// OpenD"): FUTUGW_LOAD_BROWSERS browsers (200) each poll the order book and the
// day K-lines of one of 20 securities every second and page a closed year of day
// bars every 5 seconds, for FUTUGW_LOAD_SECONDS, over gRPC against one quote
// service (readguard with a real Redis) and the simulator enforcing OpenD's
// frequency limits. It runs only when FUTUGW_LOAD_SECONDS is set.
func TestLoadBrowsers(t *testing.T) {
	secsEnv := os.Getenv("FUTUGW_LOAD_SECONDS")
	if secsEnv == "" {
		t.Skip("set FUTUGW_LOAD_SECONDS to run the load figure")
	}
	seconds, _ := strconv.Atoi(secsEnv)
	browsers := 200
	if v, err := strconv.Atoi(os.Getenv("FUTUGW_LOAD_BROWSERS")); err == nil && v > 0 {
		browsers = v
	}
	rdb, err := redisx.New(redisx.Options{Addrs: redistest.Start(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	c, wrap := counting()
	g := newGuard(t, readguard.Options{Redis: rdb, Metrics: prometheus.NewRegistry()})
	e := newEnv(t, envOpts{sim: sim.Config{PushInterval: time.Second}, guard: g, wrap: wrap})

	type security struct {
		market int32
		code   string
	}
	var secs []security
	for _, code := range []string{"00700", "09988", "00005", "00941", "03690", "01810", "02318", "00388", "01299", "00883"} {
		secs = append(secs, security{1, code})
	}
	for _, code := range []string{"AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "GOOG", "META", "AMD", "NFLX", "BABA"} {
		secs = append(secs, security{11, code})
	}
	var gsecs []*gatewayv1.Security
	var pairs []subs.Pair
	for _, s := range secs {
		gsecs = append(gsecs, sec(s.market, s.code))
		pairs = append(pairs, subs.Pair{Sec: subs.Security{Market: s.market, Code: s.code}, SubType: 6}) // KL_Day
	}
	subscribe(t, e, 0, []int32{2}, gsecs...) // order books
	if _, err := e.up.Subscribe(t.Context(), pairs); err != nil {
		t.Fatal(err)
	}
	qc := catalogv1.NewQuoteCatalogServiceClient(e.cc)
	cat := func(s security) *catalogv1.Security {
		return &catalogv1.Security{Market: proto.Int32(s.market), Code: proto.String(s.code)}
	}
	end := time.Now().AddDate(0, 0, -2).Format("2006-01-02")
	begin := time.Now().AddDate(-1, 0, 0).Format("2006-01-02")

	var calls, failures atomic.Int64
	var klMu sync.Mutex
	var klLat []time.Duration
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(seconds)*time.Second)
	defer cancel()
	started := time.Now()
	var wg sync.WaitGroup
	for b := range browsers {
		wg.Go(func() {
			s := secs[b%len(secs)]
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			time.Sleep(time.Duration(b) * time.Second / time.Duration(browsers)) // browsers do not start in step
			for n := 0; ; n++ {
				_, err := qc.GetOrderBook(as(0), &catalogv1.GetOrderBookRequest{Security: cat(s), Num: proto.Int32(10)})
				calls.Add(1)
				if err != nil && ctx.Err() == nil {
					failures.Add(1)
				}
				t0 := time.Now()
				_, err = qc.GetKL(as(0), &catalogv1.GetKLRequest{RehabType: catalogv1.RehabType_REHAB_TYPE_FORWARD.Enum(),
					KlType: catalogv1.KLType_KL_TYPE_DAY.Enum(), Security: cat(s), ReqNum: proto.Int32(100)})
				d := time.Since(t0)
				calls.Add(1)
				if err != nil && ctx.Err() == nil {
					failures.Add(1)
				}
				klMu.Lock()
				klLat = append(klLat, d)
				klMu.Unlock()
				if n%5 == 0 { // page a closed year of day bars
					var key []byte
					for {
						out, err := qc.RequestHistoryKL(as(0), &catalogv1.RequestHistoryKLRequest{RehabType: catalogv1.RehabType_REHAB_TYPE_NONE.Enum(),
							KlType: catalogv1.KLType_KL_TYPE_DAY.Enum(), Security: cat(s), BeginTime: proto.String(begin), EndTime: proto.String(end),
							MaxAckKlNum: proto.Int32(100), NextReqKey: key})
						calls.Add(1)
						if err != nil {
							if ctx.Err() == nil {
								failures.Add(1)
								t.Logf("history: %v", err)
							}
							break
						}
						if key = out.GetNextReqKey(); len(key) == 0 {
							break
						}
					}
				}
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(started)

	m := g.Metrics()
	sum := func(v *prometheus.CounterVec) (n float64) {
		for _, id := range []uint32{protoid.QotGetOrderBook, protoid.QotGetKL, protoid.QotRequestHistoryKL} {
			n += testutil.ToFloat64(v.WithLabelValues(strconv.Itoa(int(id))))
		}
		return n
	}
	opendCalls := 0
	for _, id := range []uint32{protoid.QotGetOrderBook, protoid.QotGetKL, protoid.QotRequestHistoryKL} {
		n, _ := c.count(id)
		opendCalls += n
	}
	_, refused := c.count(0)
	req := sum(m.Requests)
	t.Logf("%d browsers, %s: %d browser calls (%.0f/s), %d failed; %d OpenD requests (%.1f/s); OpenD frequency refusals %d",
		browsers, elapsed.Round(time.Second), calls.Load(), float64(calls.Load())/elapsed.Seconds(), failures.Load(),
		opendCalls, float64(opendCalls)/elapsed.Seconds(), refused)
	t.Logf("cache hits %.1f%%, coalesced %.1f%%, shaped %v, refused by the gateway %v",
		100*sum(m.CacheHits)/req, 100*sum(m.Coalesced)/req, sum(m.Shaped), sum(m.Refused))
	for _, id := range []uint32{protoid.QotGetOrderBook, protoid.QotGetKL, protoid.QotRequestHistoryKL} {
		l := strconv.Itoa(int(id))
		n, _ := c.count(id)
		t.Logf("  proto %s: requests %v, cache hits %v, coalesced %v, OpenD %d", l,
			testutil.ToFloat64(m.Requests.WithLabelValues(l)), testutil.ToFloat64(m.CacheHits.WithLabelValues(l)),
			testutil.ToFloat64(m.Coalesced.WithLabelValues(l)), n)
	}
	t.Logf("GetKL under load: p50 %v, p99 %v (n=%d)", pct(klLat, 50), pct(klLat, 99), len(klLat))

	// Cached and uncached GetKL, one at a time: distinct req_num values miss the cache.
	var cached, uncached []time.Duration
	kl := func(num int32) time.Duration {
		t0 := time.Now()
		if _, err := qc.GetKL(as(0), &catalogv1.GetKLRequest{RehabType: catalogv1.RehabType_REHAB_TYPE_FORWARD.Enum(),
			KlType: catalogv1.KLType_KL_TYPE_DAY.Enum(), Security: cat(secs[0]), ReqNum: proto.Int32(num)}); err != nil {
			t.Fatal(err)
		}
		return time.Since(t0)
	}
	for i := range 500 {
		uncached = append(uncached, kl(int32(101+i)))
		kl(100)
		cached = append(cached, kl(100))
	}
	t.Logf("GetKL one at a time: cached p50 %v p99 %v; uncached p50 %v p99 %v",
		pct(cached, 50), pct(cached, 99), pct(uncached, 50), pct(uncached, 99))
	if refused != 0 {
		t.Errorf("OpenD refused %d requests for frequency", refused)
	}
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)].Round(time.Microsecond)
}
