package drills

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/bench/loadgen"
	"github.com/futugw/gateway/drills/internal/stack"
)

// restUsage is what the stack had counted and consumed at one moment.
type restUsage struct {
	at          time.Time
	cpu         map[string]time.Duration // by process name; "load generator" is this process
	quote       metrics                  // the quote service's /metrics
	simRefusals float64                  // opend-sim's frequency refusals, every proto id
	// machine-wide CPU time (/proc/stat): all, idle (with iowait), stolen by the host
	all, idle, steal time.Duration
}

func takeRESTUsage(t *testing.T, edgeBase string, s *stack.Stack, pids map[string]int) restUsage {
	t.Helper()
	u := restUsage{at: time.Now(), cpu: cpuByProcess(t, pids)}
	var err error
	if u.all, u.idle, u.steal, err = machineCPU(); err != nil {
		t.Fatal(err)
	}
	u.quote = mustScrape(t, "http://"+s.QuoteAdmin)
	series := 0
	for name, v := range mustScrape(t, "http://"+s.OpenDAdmin) {
		if strings.HasPrefix(name, "futugw_opendsim_freq_refusals_total{") {
			u.simRefusals += v
			series++
		}
	}
	if series == 0 {
		t.Fatal("opend-sim's /metrics has no futugw_opendsim_freq_refusals_total: are its frequency limits on?")
	}
	return u
}

// restloadSummary is the run's report, one block.
func restloadSummary(c restloadConfig, started time.Time, u0, u1 restUsage, stats *routeStats, cached, uncached []time.Duration) string {
	var w strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&w, format+"\n", args...) }
	secs := u1.at.Sub(u0.at).Seconds()
	host, _ := os.Hostname()
	p("restload-stack %s on %s (%d CPUs): browsers -> edge REST -> quote -> opend-sim (OpenD's frequency limits on), clients in the test process",
		started.Format(time.RFC3339), host, runtime.NumCPU())
	p("  size: %d browsers (a qot:read key each) on %d securities, each polling GET %s (10 levels) and %s (day, 100 bars) every second "+
		"and paging %s (a closed year of day bars, pages of 100) every 5 s, for %v (measured %.1f s)",
		c.browsers, c.securities, routeOrderBook, routeKL, routeHistoryKL, c.duration, secs)

	guard := func(what, protoID string) float64 {
		series := fmt.Sprintf(`futugw_quote_read_%s_total{proto_id="%s"}`, what, protoID)
		return u1.quote[series] - u0.quote[series]
	}
	sum := func(what string) (n float64) {
		for _, r := range restloadRoutes {
			n += guard(what, r.protoID)
		}
		return n
	}
	var calls, ok, limited, server, transport int
	for _, r := range restloadRoutes {
		st := stats.of(r.path)
		calls, ok, limited, server, transport = calls+st.calls, ok+st.ok, limited+st.limited, server+st.server, transport+st.transport
	}
	opend, req := sum("opend_requests"), sum("requests")
	pct := func(n, of float64) float64 {
		if of == 0 {
			return 0
		}
		return 100 * n / of
	}
	p("  browser calls: %d (%.0f/s): %d answered 200, %d 429 with a retry delay, %d other answers, %d 5xx, %d unanswered",
		calls, float64(calls)/secs, ok, limited, calls-ok-limited-server-transport, server, transport)
	ratio := 0.0
	if opend > 0 {
		ratio = float64(calls) / opend
	}
	p("  OpenD requests (quote's read guard): %.0f (%.1f/s): %.1f browser calls per OpenD request; "+
		"opend-sim's frequency refusals (retType -1, errCode 1006): %.0f", opend, opend/secs, ratio, u1.simRefusals-u0.simRefusals)
	p("  read guard: %.0f calls, %.1f%% from a cache, %.1f%% coalesced; paced %.0f, refused %.0f",
		req, pct(sum("cache_hits"), req), pct(sum("coalesced"), req), sum("shaped"), sum("refused"))
	for _, r := range restloadRoutes {
		st := stats.of(r.path)
		p("  %s (%s): browser calls %d (200: %d, 429: %d), guard calls %.0f, cache hits %.0f, coalesced %.0f, OpenD %.0f, paced %.0f, refused %.0f; "+
			"latency under load p50 %v p99 %v",
			r.path, r.protoID, st.calls, st.ok, st.limited, guard("requests", r.protoID), guard("cache_hits", r.protoID),
			guard("coalesced", r.protoID), guard("opend_requests", r.protoID), guard("shaped", r.protoID), guard("refused", r.protoID),
			round(loadgen.Percentile(st.lat, 50)), round(loadgen.Percentile(st.lat, 99)))
	}
	p("  history pages read by next_req_key: %d", stats.pages.Load())
	p("  %s one at a time after the load (%d each): cached p50 %v p99 %v; uncached (a new req_num each) p50 %v p99 %v",
		routeKL, len(cached), round(loadgen.Percentile(cached, 50)), round(loadgen.Percentile(cached, 99)),
		round(loadgen.Percentile(uncached, 50)), round(loadgen.Percentile(uncached, 99)))
	var cpu []string
	ours := 0.0
	for _, name := range []string{"edge", "quote", "auth", "opend-sim", "load generator"} {
		v := (u1.cpu[name] - u0.cpu[name]).Seconds() / secs
		ours += v
		cpu = append(cpu, fmt.Sprintf("%s %.2f", name, v))
	}
	busy := (u1.all - u0.all - (u1.idle - u0.idle) - (u1.steal - u0.steal)).Seconds() / secs
	p("  cpu under load (cores): %s; machine: %.2f of %d cores busy, %.2f of them outside these processes (Redis, order, the rest of the machine), %.2f stolen by the host",
		strings.Join(cpu, ", "), busy, runtime.NumCPU(), busy-ours, (u1.steal-u0.steal).Seconds()/secs)
	return strings.TrimSuffix(w.String(), "\n")
}

// round keeps three significant figures of a latency.
func round(d time.Duration) time.Duration {
	switch {
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(100 * time.Microsecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}
