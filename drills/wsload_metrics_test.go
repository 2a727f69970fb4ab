package drills

import (
	"bufio"
	"fmt"
	"math"
	"net/http"
	"os"
	rtmetrics "runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
)

// metrics is one scrape of a /metrics page: series (name plus labels) -> value.
type metrics map[string]float64

var metricsClient = &http.Client{Timeout: 30 * time.Second}

func scrape(base string) (metrics, error) {
	resp, err := metricsClient.Get(base + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	m := metrics{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
			m[line[:i]] = v
		}
	}
	return m, sc.Err()
}

func mustScrape(t *testing.T, base string) metrics {
	t.Helper()
	m, err := scrape(base)
	if err != nil {
		t.Fatalf("%s metrics: %v", base, err)
	}
	return m
}

// memory is the edge's memory at one moment.
type memory struct {
	heap, stack, rss, goroutines float64
	afterGC                      bool // read right after a garbage collection
}

// edgeMemory reads the edge's memory right after a garbage collection. The edge
// serves nothing that runs one, so this scrapes /metrics (every scrape allocates)
// until the collection count moves, then gives the background sweep a moment. When
// no collection comes within a minute, it returns the last reading (afterGC false).
func edgeMemory(t *testing.T, base string) memory {
	t.Helper()
	m := mustScrape(t, base)
	gcs := m["go_gc_duration_seconds_count"]
	afterGC := testkit.Within(time.Minute, func() bool {
		m = mustScrape(t, base)
		return m["go_gc_duration_seconds_count"] > gcs
	})
	time.Sleep(300 * time.Millisecond) // the point: the background sweep after the collection is not visible in /metrics
	m = mustScrape(t, base)
	return memory{heap: m["go_memstats_heap_inuse_bytes"], stack: m["go_memstats_stack_inuse_bytes"],
		rss: m["process_resident_memory_bytes"], goroutines: m["go_goroutines"], afterGC: afterGC}
}

// waitSockets waits until the edge counts n open sockets.
func waitSockets(t *testing.T, base string, n int) {
	t.Helper()
	var got float64
	if !testkit.Within(time.Minute, func() bool {
		got = mustScrape(t, base)["futugw_edge_ws_sockets"]
		return int(got) == n
	}) {
		t.Fatalf("the edge counts %v sockets, want %d", got, n)
	}
}

// usage is what the processes had consumed at one moment.
type usage struct {
	at     time.Time
	cpu    map[string]time.Duration // by process name; "load generator" is this process
	frames int64                    // quote frames received by the clients
	gcs    uint64                   // this process's completed GC cycles
	edge   metrics
	quote  metrics
	// machine-wide CPU time (/proc/stat): all, idle (with iowait), stolen by the host
	all, idle, steal time.Duration
}

func takeUsage(t *testing.T, edgeBase, quoteBase string, pids map[string]int, st *loadState) usage {
	t.Helper()
	u := usage{at: time.Now(), frames: st.frames.Load(), cpu: cpuByProcess(t, pids)}
	gc := []rtmetrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	rtmetrics.Read(gc)
	u.gcs = gc[0].Value.Uint64()
	var err error
	if u.all, u.idle, u.steal, err = machineCPU(); err != nil {
		t.Fatal(err)
	}
	u.edge = mustScrape(t, edgeBase)
	u.quote = mustScrape(t, quoteBase)
	return u
}

// machineCPU sums the "cpu" line of /proc/stat (Linux; USER_HZ ticks).
func machineCPU() (all, idle, steal time.Duration, err error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0, 0, fmt.Errorf("unexpected /proc/stat: %q", line)
	}
	// user nice system idle iowait irq softirq steal [guest guest_nice, inside user]
	var v [8]int64
	for i := range v {
		if v[i], err = strconv.ParseInt(f[i+1], 10, 64); err != nil {
			return 0, 0, 0, fmt.Errorf("unexpected /proc/stat: %q", line)
		}
	}
	tick := func(n int64) time.Duration { return time.Duration(n) * 10 * time.Millisecond }
	var sum int64
	for _, n := range v {
		sum += n
	}
	return tick(sum), tick(v[3] + v[4]), tick(v[7]), nil
}

// histQuantile estimates quantile q of the growth of a Prometheus histogram between
// a and b, as the upper bound of the bucket it falls in (+Inf above the last).
func histQuantile(a, b metrics, name string, q float64) (le float64, n float64) {
	type bucket struct{ le, count float64 }
	var bs []bucket
	prefix := name + `_bucket{le="`
	for series, v := range b {
		s, ok := strings.CutPrefix(series, prefix)
		if !ok {
			continue
		}
		le, err := strconv.ParseFloat(strings.TrimSuffix(s, `"}`), 64)
		if err != nil {
			continue
		}
		bs = append(bs, bucket{le, v - a[series]})
	}
	slices.SortFunc(bs, func(x, y bucket) int {
		switch {
		case x.le < y.le:
			return -1
		case x.le > y.le:
			return 1
		}
		return 0
	})
	if len(bs) == 0 || bs[len(bs)-1].count == 0 {
		return math.NaN(), 0
	}
	total := bs[len(bs)-1].count
	for _, bk := range bs {
		if bk.count >= q*total {
			return bk.le, total
		}
	}
	return math.Inf(1), total
}
