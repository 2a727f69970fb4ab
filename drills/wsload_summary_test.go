package drills

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// wsloadSummary is the run's report, one block.
func wsloadSummary(c wsloadConfig, started time.Time, tl timeline, before, after memory, u0, u1 usage, clients []*client) string {
	var w strings.Builder
	secs := u1.at.Sub(u0.at).Seconds()
	p := func(format string, args ...any) { fmt.Fprintf(&w, format+"\n", args...) }
	host, _ := os.Hostname()
	p("wsload-stack %s on %s (%d CPUs): opend-sim -> quote -> edge, clients in the test process",
		started.Format(time.RFC3339), host, runtime.NumCPU())
	p("  size: %d sockets (%d session keys x %d), %d of %d securities each, each security pushed every %v "+
		"(%.0f pushes/s): %.0f frames/s expected; warm-up %v, measured %v (WSLOAD_DURATION %v in whole push intervals)",
		c.sockets, c.sessions(), c.perSession, c.per, c.securities(), c.pushInterval,
		float64(c.securities())/c.pushInterval.Seconds(), c.expected(), c.warmup, c.measured(), c.duration)

	n := float64(c.sockets)
	how := "after a GC"
	if !before.afterGC || !after.afterGC {
		how = "NO GC could be triggered, so garbage included"
	}
	p("  idle (no subscriptions): edge heap_inuse %.1f KiB/socket (%s; %.1f -> %.1f MiB), stacks %.1f KiB/socket, "+
		"%.2f goroutines/socket, RSS %.1f KiB/socket",
		(after.heap-before.heap)/1024/n, how, before.heap/(1<<20), after.heap/(1<<20),
		(after.stack-before.stack)/1024/n, (after.goroutines-before.goroutines)/n, (after.rss-before.rss)/1024/n)

	var all []time.Duration
	other := map[string]int{}
	minQ, maxQ := int64(math.MaxInt64), int64(0)
	var foreign int64
	unexpected := 0
	for _, cl := range clients {
		all = append(all, cl.lats...)
		for k, v := range cl.other {
			other[k] += v
		}
		minQ, maxQ = min(minQ, cl.quotes), max(maxQ, cl.quotes)
		foreign += cl.foreign
		if cl.unexpected != nil {
			unexpected++
		}
	}
	slices.Sort(all)
	pct := func(q float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[int(float64(len(all)-1)*q)].Round(100 * time.Microsecond)
	}
	sent := `futugw_edge_ws_frames_sent_total{type="quote"}`
	conflated := "futugw_edge_ws_frames_conflated_total"
	p("  load: %.0f frames/s delivered (edge wrote %.0f quote frames/s, conflated %.0f/s); "+
		"latency update_timestamp -> client p50 %v p99 %v max %v (%d samples, 1 frame in %d)",
		float64(u1.frames-u0.frames)/secs, (u1.edge[sent]-u0.edge[sent])/secs,
		(u1.edge[conflated]-u0.edge[conflated])/secs, pct(0.5), pct(0.99), pct(1), len(all), sampleEvery)
	rate := func(m func(usage) metrics, series string) float64 { return (m(u1)[series] - m(u0)[series]) / secs }
	quote := func(u usage) metrics { return u.quote }
	p("  quote service: %.1f pushes/s received from opend-sim, %.1f frames/s handed to the edge's stream, %.1f/s conflated",
		rate(quote, `futugw_quote_pushes_received_total{proto="3005"}`), rate(quote, "futugw_quote_stream_frames_sent_total"),
		rate(quote, "futugw_quote_stream_frames_conflated_total"))
	h50, hn := histQuantile(u0.edge, u1.edge, "futugw_edge_fanout_latency_seconds", 0.5)
	h99, _ := histQuantile(u0.edge, u1.edge, "futugw_edge_fanout_latency_seconds", 0.99)
	p("  edge's own fan-out latency (quote service receipt -> socket write, its histogram): p50 <= %v, p99 <= %v (%.0f writes)",
		secondsDur(h50), secondsDur(h99), hn)
	names := []string{"edge", "quote", "opend-sim", "load generator"}
	var cpu []string
	ours := 0.0
	for _, name := range names {
		v := (u1.cpu[name] - u0.cpu[name]).Seconds() / secs
		ours += v
		cpu = append(cpu, fmt.Sprintf("%s %.2f", name, v))
	}
	busy := (u1.all - u0.all - (u1.idle - u0.idle) - (u1.steal - u0.steal)).Seconds() / secs
	gcs := u1.edge["go_gc_duration_seconds_count"] - u0.edge["go_gc_duration_seconds_count"]
	alloc := u1.edge["go_memstats_alloc_bytes_total"] - u0.edge["go_memstats_alloc_bytes_total"]
	p("  %s", tl.describe(c.pingInterval(), c.sockets))
	p("  cpu over the measured period (cores): %s; GC cycles: edge %.0f (it allocated %.1f MiB/s), load generator %d; "+
		"machine: %.2f of %d cores busy, %.2f of them outside these processes (a quiet machine: near 0), %.2f stolen by the host",
		strings.Join(cpu, ", "), gcs, alloc/secs/(1<<20), u1.gcs-u0.gcs, busy, runtime.NumCPU(), busy-ours,
		(u1.steal-u0.steal).Seconds()/secs)
	var closed []string
	for series, v := range u1.edge {
		if strings.HasPrefix(series, "futugw_edge_ws_closed_total{") && v > 0 {
			closed = append(closed, fmt.Sprintf("%s %.0f", strings.TrimPrefix(series, "futugw_edge_ws_closed_total"), v))
		}
	}
	slices.Sort(closed)
	var others []string
	for k, v := range other {
		others = append(others, fmt.Sprintf("%s %d", k, v))
	}
	slices.Sort(others)
	p("  quote frames per socket: min %d max %d; other frames: %s; foreign sec_keys: %d; sockets closed early: %d; "+
		"closes counted by the edge: %s", minQ, maxQ, orNone(others), foreign, unexpected, orNone(closed))
	return strings.TrimSuffix(w.String(), "\n")
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

func secondsDur(s float64) string {
	if math.IsNaN(s) {
		return "n/a"
	}
	if math.IsInf(s, 1) {
		return "+Inf"
	}
	return time.Duration(s * float64(time.Second)).String()
}
