package drills

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/futugw/gateway/bench/loadgen"
	"github.com/futugw/gateway/drills/internal/stack"
	"github.com/futugw/gateway/platform/testkit/proctest"
)

// wsloadEnv must be "1" for TestWSLoadStack to run: `make wsload-stack` runs it at
// the issue's size, `make drills` at a small one.
const wsloadEnv = "FUTUGW_WSLOAD"

// sampleEvery: one quote frame in this many is decoded for its latency; decoding all
// would make the load generator, which shares the CPU, the bottleneck.
const sampleEvery = 8

// builtinKeys is opend-sim's built-in universe (opend/sim/market/universe.go);
// -extra-securities adds HK.80000 up. The test checks through /api/static-info that
// every one exists, so a change to the universe fails loudly.
var builtinKeys = []string{
	"HK.00700", "HK.09988", "HK.00005", "HK.00941", "HK.03690",
	"HK.01810", "HK.02318", "HK.00388", "HK.01299", "HK.00883",
	"US.AAPL", "US.MSFT", "US.NVDA", "US.TSLA", "US.AMZN",
	"US.GOOG", "US.META", "US.AMD", "US.NFLX", "US.BABA",
}

// wsloadConfig is the run's size, from the environment.
type wsloadConfig struct {
	sockets, per, perSession, extra int
	pushInterval, duration, warmup  time.Duration
	report                          string
	edgeArgs                        []string
}

func wsloadConfigFromEnv(t *testing.T) wsloadConfig {
	t.Helper()
	c := wsloadConfig{
		sockets:      envInt(t, "WSLOAD_SOCKETS", 10000),
		per:          envInt(t, "WSLOAD_PER", 20),
		perSession:   envInt(t, "WSLOAD_SOCKETS_PER_SESSION", 20),
		extra:        180,
		pushInterval: envDuration(t, "WSLOAD_PUSH_INTERVAL", 4*time.Second),
		duration:     envDuration(t, "WSLOAD_DURATION", 10*time.Second),
		warmup:       envDuration(t, "WSLOAD_WARMUP", 3*time.Second),
		report:       os.Getenv("WSLOAD_REPORT"),
		edgeArgs:     strings.Fields(os.Getenv("WSLOAD_EDGE_ARGS")),
	}
	if c.per > c.securities() || c.per > 50 {
		t.Fatalf("WSLOAD_PER=%d: at most %d securities (and 50, one subscribe call)", c.per, c.securities())
	}
	if c.sockets%c.perSession != 0 {
		t.Fatalf("WSLOAD_SOCKETS=%d is not a multiple of WSLOAD_SOCKETS_PER_SESSION=%d", c.sockets, c.perSession)
	}
	return c
}

func (c wsloadConfig) securities() int { return len(builtinKeys) + c.extra }
func (c wsloadConfig) sessions() int   { return c.sockets / c.perSession }

// measured is the measured period: WSLOAD_DURATION rounded up to whole push
// intervals. The simulator steps every security at the same moment once per
// interval, so frames arrive in one burst per interval, and only a whole number of
// intervals holds a fair share of them.
func (c wsloadConfig) measured() time.Duration {
	n := (c.duration + c.pushInterval - 1) / c.pushInterval
	return n * c.pushInterval
}

// pingInterval is the edge's keepalive period: its -ws-ping-interval among
// WSLOAD_EDGE_ARGS, else its default (20s).
func (c wsloadConfig) pingInterval() time.Duration {
	for i, a := range c.edgeArgs {
		name, v, hasV := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != "ws-ping-interval" {
			continue
		}
		if !hasV && i+1 < len(c.edgeArgs) {
			v = c.edgeArgs[i+1]
		}
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return 20 * time.Second
}

// expected is the frame rate the run should deliver: each subscribed security is
// pushed once per push interval to every socket of every session holding it.
func (c wsloadConfig) expected() float64 {
	return float64(c.sockets*c.per) / c.pushInterval.Seconds()
}

// secKeyAt is the i-th security of the simulator's universe with c.extra extra ones.
func secKeyAt(i int) string {
	if i < len(builtinKeys) {
		return builtinKeys[i]
	}
	return "HK." + strconv.Itoa(80000+i-len(builtinKeys))
}

// sessionSecurities spreads sessions over the universe: session n holds per
// securities spaced secs/per apart, starting at n, so consecutive sessions cover
// every security once there are secs/per of them.
func sessionSecurities(n, secs, per int) []string {
	out := make([]string, per)
	step := secs / per
	for j := range per {
		out[j] = secKeyAt((n + j*step) % secs)
	}
	return out
}

// securitiesBody is a request body naming the securities keys ("HK.00700"), with
// sub_type_list when subTypes are given (POST /api/subscribe) or without it
// (POST /api/static-info).
func securitiesBody(keys []string, subTypes ...int) string {
	type sec struct {
		Market int    `json:"market"`
		Code   string `json:"code"`
	}
	var body struct {
		SecurityList []sec `json:"security_list"`
		SubTypeList  []int `json:"sub_type_list,omitempty"`
	}
	for _, k := range keys {
		m, code, _ := strings.Cut(k, ".")
		market := 1
		if m == "US" {
			market = 11
		}
		body.SecurityList = append(body.SecurityList, sec{market, code})
	}
	body.SubTypeList = subTypes
	b, _ := json.Marshal(body)
	return string(b)
}

// TestWSLoadStack is issue 4's WebSocket fan-out load through the real binaries:
// opend-sim with 200 securities pushing each every WSLOAD_PUSH_INTERVAL, auth, quote
// and one edge, and WSLOAD_SOCKETS WebSocket clients in this process, each session
// key's sockets subscribed to WSLOAD_PER securities. It measures, on the client,
// delivered frames/s and the delay from a quote's update_timestamp to its frame's
// arrival; on the edge, heap per idle socket; and the CPU of every process over the
// measured period. It asserts only invariants, never timings: a socket receives
// quotes only of its session's securities, no socket closes before the test closes
// it, and every socket receives quotes.
//
// Environment: WSLOAD_SOCKETS (10000), WSLOAD_PER (20), WSLOAD_SOCKETS_PER_SESSION
// (20), WSLOAD_PUSH_INTERVAL (4s), WSLOAD_DURATION (10s, rounded up to whole push
// intervals), WSLOAD_WARMUP (3s), WSLOAD_REPORT (a file the summary is appended to)
// and WSLOAD_EDGE_ARGS (extra edge flags, e.g. "-ws-ping-interval 5m").
func TestWSLoadStack(t *testing.T) {
	if os.Getenv(wsloadEnv) != "1" {
		t.Skipf("the stack load test runs with `make wsload-stack` (%s=1)", wsloadEnv)
	}
	c := wsloadConfigFromEnv(t)
	started := time.Now()
	if os.Getenv("GOGC") == "" {
		// As bench/cmd/wsload does: the generator's own collections stall its
		// readers and would show up as delivery latency. The stack's processes keep
		// the default.
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	// This process holds a client end of each socket and the edge (which inherits the
	// limit) the other; both need room for their other files too.
	raiseFileLimit(t, uint64(c.sockets)+1024)

	s := stack.Start(t, "-extra-securities", strconv.Itoa(c.extra),
		"-push-interval", c.pushInterval.String(), "-log-level", "warn")
	e := s.StartEdge("", c.edgeArgs...)
	// The processes' logs are not needed from here on; parsing them would take the
	// load generator's CPU.
	for _, p := range []*proctest.Proc{s.Sim, s.Auth, s.Quote, s.Order, e.Proc} {
		p.DiscardOutput()
	}

	keys := make([]string, c.sessions())
	for i := range keys {
		keys[i] = s.IssueKey(fmt.Sprintf("wsload-%d", i), "qot:read")
	}
	checkUniverse(t, e.Base, keys[0], c.securities())
	covered := map[string]bool{}
	allowed := make([]map[string]bool, c.sessions())
	for i := range allowed {
		allowed[i] = map[string]bool{}
		for _, k := range sessionSecurities(i, c.securities(), c.per) {
			allowed[i][k], covered[k] = true, true
		}
	}
	if len(covered) < c.securities() {
		t.Logf("%d sessions cover %d of the %d securities", c.sessions(), len(covered), c.securities())
	}

	// Idle sockets: the sessions subscribe nothing yet.
	before := edgeMemory(t, e.Base)
	var st loadState
	tl := timeline{dialStart: time.Now()}
	clients := dialAll(t, e.Addr, keys, c, allowed, &st)
	defer closeAll(clients, &st)
	tl.dialEnd = time.Now()
	waitSockets(t, e.Base, c.sockets)
	after := edgeMemory(t, e.Base)

	for i, k := range keys {
		body := securitiesBody(sessionSecurities(i, c.securities(), c.per), 1) // 1: basic quotes
		if code, b := stack.Call(t, "POST", e.Base+"/api/subscribe", k, body); code != 200 {
			t.Fatalf("subscribe session %d: %d %v", i, code, b)
		}
	}
	time.Sleep(c.warmup) // the point: a fixed warm-up, so the measured window starts in a steady state

	pids := map[string]int{"edge": e.Proc.Pid(), "quote": s.Quote.Pid(), "opend-sim": s.Sim.Pid()}
	u0 := takeUsage(t, e.Base, "http://"+s.QuoteAdmin, pids, &st)
	st.measuring.Store(true)
	resumeGC := loadgen.PauseGC()
	time.Sleep(c.measured()) // the point: the measured window is a fixed length of time
	resumeGC()
	st.measuring.Store(false)
	u1 := takeUsage(t, e.Base, "http://"+s.QuoteAdmin, pids, &st)

	closeAll(clients, &st)
	tl.from, tl.to = u0.at, u1.at
	summary := wsloadSummary(c, started, tl, before, after, u0, u1, clients)
	t.Log("\n" + summary)
	if c.report != "" {
		f, err := os.OpenFile(c.report, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err == nil {
			_, err = f.WriteString(summary + "\n\n")
			err = errors.Join(err, f.Close())
		}
		if err != nil {
			t.Errorf("WSLOAD_REPORT: %v", err)
		}
	}

	// Invariants, each reported with its first few sockets.
	liveness := c.warmup+c.measured() >= 2*c.pushInterval
	var foreign, early, silent []string
	for i, cl := range clients {
		if cl.foreign > 0 {
			foreign = append(foreign, fmt.Sprintf("socket %d (session %d): %d frames, e.g. %q", i, cl.session, cl.foreign, cl.foreignKey))
		}
		if cl.unexpected != nil {
			early = append(early, fmt.Sprintf("socket %d (session %d): %v", i, cl.session, cl.unexpected))
		}
		if liveness && cl.quotes == 0 {
			silent = append(silent, fmt.Sprintf("socket %d (session %d)", i, cl.session))
		}
	}
	for _, v := range []struct {
		what string
		list []string
	}{
		{"received quotes of securities their session did not subscribe", foreign},
		{"closed before the test closed them", early},
		{fmt.Sprintf("received no quote in %v with a push every %v", c.warmup+c.measured(), c.pushInterval), silent},
	} {
		if len(v.list) > 0 {
			t.Errorf("%d sockets %s: %s", len(v.list), v.what, strings.Join(v.list[:min(5, len(v.list))], "; "))
		}
	}
}

// raiseFileLimit sets the soft open-file limit to at least need (within the hard
// limit) and fails when that is not enough. Setting it also makes child processes
// inherit it (Go otherwise gives them the limit this process started with).
func raiseFileLimit(t *testing.T, need uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	lim.Cur = max(lim.Cur, min(need, lim.Max))
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("setrlimit NOFILE %d: %v", lim.Cur, err)
	}
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur < need {
		t.Fatalf("open-file limit %d (hard %d) is below the %d this run needs: raise it (ulimit -Hn) or lower WSLOAD_SOCKETS",
			lim.Cur, lim.Max, need)
	}
}

// checkUniverse asks the gateway for the static info of every security the run
// subscribes, so a simulator whose universe differs from builtinKeys fails here.
func checkUniverse(t *testing.T, base, key string, secs int) {
	t.Helper()
	all := make([]string, secs)
	for i := range all {
		all[i] = secKeyAt(i)
	}
	for chunk := range slices.Chunk(all, 50) {
		code, b := stack.Call(t, "POST", base+"/api/static-info", key, securitiesBody(chunk))
		list, _ := b["static_info_list"].([]any)
		if code != 200 || len(list) != len(chunk) {
			t.Fatalf("static info of %v: %d, %d entries: %v", chunk, code, len(list), b)
		}
	}
}
