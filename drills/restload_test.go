package drills

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/futugw/gateway/drills/internal/stack"
	"github.com/futugw/gateway/platform/testkit/proctest"
)

// restloadEnv must be "1" for TestRESTLoadStack to run: `make restload-stack` runs
// it at the issue's size, `make drills` at a small one.
const restloadEnv = "FUTUGW_RESTLOAD"

// restloadConfig is the run's size, from the environment.
type restloadConfig struct {
	browsers, securities, samples int
	duration                      time.Duration
	report                        string
}

func restloadConfigFromEnv(t *testing.T) restloadConfig {
	t.Helper()
	c := restloadConfig{
		browsers:   envInt(t, "RESTLOAD_BROWSERS", 200),
		securities: envInt(t, "RESTLOAD_SECURITIES", 20),
		samples:    envInt(t, "RESTLOAD_SAMPLES", 500),
		duration:   time.Duration(envInt(t, "RESTLOAD_SECONDS", 60)) * time.Second,
		report:     os.Getenv("RESTLOAD_REPORT"),
	}
	// Each security's history costs one unit of the simulated account's 30-day
	// history K-line quota (opend-sim's default, 100).
	if c.securities > 100 {
		t.Fatalf("RESTLOAD_SECURITIES=%d: at most 100 (the history K-line quota)", c.securities)
	}
	return c
}

// The REST routes the browsers poll; the labels are their OpenD proto ids, as in
// the quote service's read-guard metrics.
const (
	routeOrderBook = "/api/orderbook"
	routeKL        = "/api/kline"
	routeHistoryKL = "/api/history-kline"
)

var restloadRoutes = []struct{ path, protoID string }{
	{routeOrderBook, "3012"}, {routeKL, "3006"}, {routeHistoryKL, "3103"},
}

// TestRESTLoadStack is issue 19's load figure through the edge's REST, every part its
// own process: opend-sim enforcing OpenD's frequency limits (its default table),
// auth, quote (its read guard on the stack's redis-server), order and one edge.
// RESTLOAD_BROWSERS browsers (200), each with its own qot:read key and on one of
// RESTLOAD_SECURITIES securities (20, 10 HK and 10 US), subscribe their security's
// order book and day K-lines, then every second GET its order book (10 levels) and
// day K-lines (100 bars) and, every fifth second, page a closed year of day bars
// through GET /api/history-kline (pages of 100, following next_req_key to the last),
// for RESTLOAD_SECONDS (60). After the load, /api/kline is timed one call at a
// time, RESTLOAD_SAMPLES (500) times each: the same request again (cached) and a new
// req_num each time (uncached).
//
// The figures are read from counters: the browsers' own (calls, statuses, latency
// per route), the quote service's read-guard metrics (calls, cache hits, coalesced,
// OpenD requests, paced, refused, by proto id) and opend-sim's frequency refusals.
// It asserts only invariants, never timings: opend-sim refused nothing for
// frequency, no call failed or was answered 5xx, every call was answered 200 or 429
// with a retry delay, and the history was paged by next_req_key.
// RESTLOAD_REPORT names a file the summary is appended to.
func TestRESTLoadStack(t *testing.T) {
	if os.Getenv(restloadEnv) != "1" {
		t.Skipf("the REST load test runs with `make restload-stack` (%s=1)", restloadEnv)
	}
	c := restloadConfigFromEnv(t)
	started := time.Now()
	s := stack.Start(t, "-freq-limits", "default", "-push-interval", "1s", "-log-level", "warn",
		"-extra-securities", strconv.Itoa(max(0, c.securities-len(builtinKeys))))
	e := s.StartEdge("")
	for _, p := range []*proctest.Proc{s.Sim, s.Auth, s.Quote, s.Order, e.Proc} {
		p.DiscardOutput() // one access log line per call on the edge
	}

	// One client for every browser, with an idle connection kept for each.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: c.browsers + 16, MaxIdleConnsPerHost: c.browsers + 16, IdleConnTimeout: time.Minute,
	}}
	defer client.CloseIdleConnections()

	browsers := make([]*browser, c.browsers)
	for i := range browsers {
		sec := secKeyAt(i % c.securities)
		b := &browser{client: client, base: e.Base, sec: sec,
			key: s.IssueKey(fmt.Sprintf("restload-%d", i), "qot:read")}
		// Its security's order book (2) and day K-lines (6), as the panel would
		// subscribe before reading them.
		if code, body := stack.Call(t, "POST", e.Base+"/api/subscribe", b.key, securitiesBody([]string{sec}, 2, 6)); code != 200 {
			t.Fatalf("subscribe browser %d to %s: %d %v", i, sec, code, body)
		}
		browsers[i] = b
	}
	end := time.Now().AddDate(0, 0, -2).Format("2006-01-02")
	begin := time.Now().AddDate(-1, 0, 0).Format("2006-01-02")

	stats := newRouteStats()
	pids := map[string]int{"edge": e.Proc.Pid(), "quote": s.Quote.Pid(), "auth": s.Auth.Pid(), "opend-sim": s.Sim.Pid()}
	u0 := takeRESTUsage(t, e.Base, s, pids)
	ctx, cancel := context.WithTimeout(context.Background(), c.duration)
	defer cancel()
	var wg sync.WaitGroup
	for i, b := range browsers {
		wg.Go(func() {
			// Browsers do not start in step.
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Duration(i) * time.Second / time.Duration(len(browsers))):
			}
			b.poll(ctx, stats, begin, end)
		})
	}
	wg.Wait()
	u1 := takeRESTUsage(t, e.Base, s, pids)

	cached, uncached := timeKL(t, client, e.Base, browsers[0], c.samples)
	summary := restloadSummary(c, started, u0, u1, stats, cached, uncached)
	t.Log("\n" + summary)
	if c.report != "" {
		f, err := os.OpenFile(c.report, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err == nil {
			_, err = f.WriteString(summary + "\n\n")
			err = errors.Join(err, f.Close())
		}
		if err != nil {
			t.Errorf("RESTLOAD_REPORT: %v", err)
		}
	}

	// Invariants.
	if n := u1.simRefusals - u0.simRefusals; n != 0 {
		t.Errorf("opend-sim refused %v requests for frequency (retType -1, errCode 1006)", n)
	}
	for _, r := range restloadRoutes {
		st := stats.of(r.path)
		if st.calls == 0 {
			t.Errorf("%s: no call answered", r.path)
		}
		if bad := st.calls - st.ok - st.limited; bad > 0 {
			t.Errorf("%s: %d of %d calls answered neither 200 nor 429 with a retry delay (%d 5xx, %d no answer), e.g. %s",
				r.path, bad, st.calls, st.server, st.transport, strings.Join(st.examples, "; "))
		}
	}
	if stats.pages.Load() == 0 {
		t.Errorf("no history page was read with a next_req_key")
	}
}

// browser is one simulated browser tab: its key, its security and the client it
// shares with every other.
type browser struct {
	client    *http.Client
	base, key string
	sec       string // "HK.00700"
}

// secQuery is the security as grpc-gateway query parameters.
func secQuery(secKey string) string {
	m, code, _ := strings.Cut(secKey, ".")
	market := "1"
	if m == "US" {
		market = "11"
	}
	return "security.market=" + market + "&security.code=" + url.QueryEscape(code)
}

func (b *browser) klURL(num int) string {
	return fmt.Sprintf("%s%s?rehab_type=REHAB_TYPE_FORWARD&kl_type=KL_TYPE_DAY&%s&req_num=%d", b.base, routeKL, secQuery(b.sec), num)
}

// poll reads the order book and K-lines every second, and pages the history every
// fifth, until ctx ends; a call started before then is finished.
func (b *browser) poll(ctx context.Context, stats *routeStats, begin, end string) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	book := fmt.Sprintf("%s%s?%s&num=10", b.base, routeOrderBook, secQuery(b.sec))
	kl := b.klURL(100)
	history := fmt.Sprintf("%s%s?rehab_type=REHAB_TYPE_NONE&kl_type=KL_TYPE_DAY&%s&begin_time=%s&end_time=%s&max_ack_kl_num=100",
		b.base, routeHistoryKL, secQuery(b.sec), begin, end)
	for n := 0; ; n++ {
		b.get(stats, routeOrderBook, book, nil)
		if ctx.Err() != nil {
			return
		}
		b.get(stats, routeKL, kl, nil)
		if n%5 == 0 {
			var page struct {
				NextReqKey string `json:"next_req_key"`
			}
			for u := history; ctx.Err() == nil; {
				page.NextReqKey = ""
				if !b.get(stats, routeHistoryKL, u, &page) || page.NextReqKey == "" {
					break
				}
				stats.pages.Add(1)
				u = history + "&next_req_key=" + url.QueryEscape(page.NextReqKey)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// get sends one GET with the browser's key and records it under route; it decodes
// a 200's body into out when set, and reports whether the answer was 200.
func (b *browser) get(stats *routeStats, route, u string, out any) bool {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		panic(err) // the URLs are built above
	}
	req.Header.Set("Authorization", "Bearer "+b.key)
	t0 := time.Now()
	resp, err := b.client.Do(req)
	if err != nil {
		stats.record(route, 0, time.Since(t0), err.Error(), false)
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	d := time.Since(t0)
	switch {
	case err != nil:
		stats.record(route, 0, d, "reading the body: "+err.Error(), false)
	case resp.StatusCode == http.StatusOK:
		if out != nil {
			if err := json.Unmarshal(body, out); err != nil {
				stats.record(route, resp.StatusCode, d, "200 not JSON: "+err.Error(), false)
				return false
			}
		}
		stats.record(route, resp.StatusCode, d, "", false)
		return true
	case resp.StatusCode == http.StatusTooManyRequests:
		var refusal struct {
			RetryAfter int    `json:"retry_after"`
			Error      string `json:"error"`
		}
		secs, herr := strconv.Atoi(resp.Header.Get("Retry-After"))
		ok := json.Unmarshal(body, &refusal) == nil && refusal.RetryAfter >= 1 && herr == nil && secs >= 1 && refusal.Error != ""
		stats.record(route, resp.StatusCode, d, fmt.Sprintf("429 without a retry delay: Retry-After %q, %.200s",
			resp.Header.Get("Retry-After"), body), ok)
	default:
		stats.record(route, resp.StatusCode, d, fmt.Sprintf("%d %.200s", resp.StatusCode, body), false)
	}
	return false
}

// timeKL times /api/kline one call at a time, n times each: the same request right
// after it was answered (from the read guard's cache) and a new req_num each time
// (a request never seen, so OpenD is asked).
func timeKL(t *testing.T, client *http.Client, base string, b *browser, n int) (cached, uncached []time.Duration) {
	t.Helper()
	call := func(u string) time.Duration {
		req, err := http.NewRequest("GET", u, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+b.key)
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", routeKL, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		d := time.Since(t0)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s one at a time: %d %.200s %v", routeKL, resp.StatusCode, body, err)
		}
		return d
	}
	for i := range n {
		uncached = append(uncached, call(b.klURL(101+i)))
		call(b.klURL(100))
		cached = append(cached, call(b.klURL(100)))
	}
	return cached, uncached
}

// routeStats is what the browsers saw, by route.
type routeStats struct {
	mu     sync.Mutex
	routes map[string]*routeStat
	pages  atomic.Int64 // history pages read with a next_req_key
}

type routeStat struct {
	calls, ok, limited int // limited: 429 with Retry-After and retry_after
	server, transport  int // 5xx, no answer
	statuses           map[int]int
	lat                []time.Duration
	examples           []string // the first few calls answered neither 200 nor a proper 429
}

func newRouteStats() *routeStats {
	rs := &routeStats{routes: map[string]*routeStat{}}
	for _, r := range restloadRoutes {
		rs.routes[r.path] = &routeStat{statuses: map[int]int{}}
	}
	return rs
}

// record counts one call: its status (0: no answer), its time and, for a call
// answered neither 200 nor 429 with a retry delay (limitedOK), what it got.
func (rs *routeStats) record(route string, status int, d time.Duration, what string, limitedOK bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	st := rs.routes[route]
	st.calls++
	st.statuses[status]++
	st.lat = append(st.lat, d)
	switch {
	case status == http.StatusOK && what == "":
		st.ok++
		return
	case status == http.StatusTooManyRequests && limitedOK:
		st.limited++
		return
	case status == 0:
		st.transport++
	case status >= 500:
		st.server++
	}
	if len(st.examples) < 3 {
		st.examples = append(st.examples, what)
	}
}

// of returns a copy of route's figures.
func (rs *routeStats) of(route string) routeStat {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return *rs.routes[route]
}
