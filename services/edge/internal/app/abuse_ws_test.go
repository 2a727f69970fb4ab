package app

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/futugw/gateway/platform/testkit"
)

// handshake opens one connection, sends a /ws upgrade request with the given
// target and extra header lines, and returns the status of the answer.
func handshake(addr, target string, extra ...string) (int, error) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	req := "GET " + target + " HTTP/1.1\r\nHost: edge\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	for _, h := range extra {
		req += h + "\r\n"
	}
	if _, err := c.Write([]byte(req + "\r\n")); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// heapAfterGC is the live heap after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// waitGoroutines waits until at most n goroutines run, and returns the count.
func waitGoroutines(n int, within time.Duration) int {
	var g int
	testkit.Within(within, func() bool { g = runtime.NumGoroutine(); return g <= n })
	return g
}

// 10,000 WebSocket handshakes with bad keys, 500 at a time, from 50 client
// addresses (behind the trusted proxy): each address reaches auth 20 times, then
// gets 429; goroutines return to the baseline, the heap does not keep the flood,
// and the log stays under its rate.
func TestAbuseHandshakeFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 handshakes")
	}
	const (
		total    = 10_000
		inflight = 500 // file descriptors: client and server ends stay well under ulimit
		clients  = 50
		perIP    = 20
	)
	s := startAbuseStack(t, func(c *Config) { c.TrustProxy = true; c.AuthFailCooldown = 30 * time.Second })
	addr := strings.TrimPrefix(s.base, "http://")
	// Warm up: the upstream connection and the server's pools exist before the baseline.
	for range 3 {
		if code, err := handshake(addr, "/ws?token="+s.key, "X-Forwarded-For: 192.0.2.200"); err != nil || code != 101 {
			t.Fatalf("warm-up handshake: %d %v", code, err)
		}
	}
	waitMetric(t, s.base, "futugw_edge_ws_sockets", "0") // the warm-up sockets close (peer gone)
	baseG := waitGoroutines(0, 0)
	baseHeap := heapAfterGC()
	baseLines := s.logLines()
	baseValidates := s.up.validates.Load()

	var codes sync.Map // status -> *atomic.Int64
	var errs atomic.Int64
	count := func(code int) {
		v, _ := codes.LoadOrStore(code, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}
	keys := make([]string, 64)
	for i := range keys {
		keys[i] = randomKey(t)
	}
	var peakG atomic.Int64
	start := time.Now()
	sem := make(chan struct{}, inflight)
	var wg sync.WaitGroup
	for i := range total {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			xff := fmt.Sprintf("X-Forwarded-For: 198.18.%d.%d", i%clients/256, i%clients%256)
			k := keys[i%len(keys)] + strconv.Itoa(i) // malformed on purpose half the time below
			var code int
			var err error
			switch i % 4 {
			case 0:
				code, err = handshake(addr, "/ws?token="+keys[i%len(keys)], xff)
			case 1:
				code, err = handshake(addr, "/ws", xff, "Sec-WebSocket-Protocol: bearer, "+keys[i%len(keys)])
			case 2:
				code, err = handshake(addr, "/ws", xff, "Authorization: Bearer "+keys[i%len(keys)])
			default:
				code, err = handshake(addr, "/ws?token="+k, xff)
			}
			if err != nil {
				errs.Add(1)
				return
			}
			count(code)
			if g := int64(runtime.NumGoroutine()); g > peakG.Load() {
				peakG.Store(g)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	got := map[int]int64{}
	codes.Range(func(k, v any) bool { got[k.(int)] = v.(*atomic.Int64).Load(); return true })
	afterG := waitGoroutines(baseG+2, 5*time.Second) // then asserted with a margin
	afterHeap := heapAfterGC()
	lines := s.logLines() - baseLines
	window := time.Since(start) // the lines above were written within it
	validates := s.up.validates.Load() - baseValidates
	t.Logf("%d handshakes in %v (%.0f/s), %d in flight: codes %v, %d errors", total, elapsed.Round(time.Millisecond),
		float64(total)/elapsed.Seconds(), inflight, got, errs.Load())
	t.Logf("goroutines: baseline %d, peak %d, after %d; heap after GC: baseline %.1f MiB, after %.1f MiB (%+.1f MiB)",
		baseG, peakG.Load(), afterG, float64(baseHeap)/(1<<20), float64(afterHeap)/(1<<20), (float64(afterHeap)-float64(baseHeap))/(1<<20))
	t.Logf("key checks reaching auth: %d; edge log lines: %d", validates, lines)

	if errs.Load() > 0 {
		t.Errorf("%d handshakes failed at the transport", errs.Load())
	}
	if got[401]+got[429] != total {
		t.Errorf("codes %v: want only 401 and 429", got)
	}
	// At most each address's first perIP failures are answered 401 (fewer when the
	// shared keys hit their own limit first); a few more may race the block.
	if got[401] > clients*perIP+inflight {
		t.Errorf("%d answered 401, want at most about %d", got[401], clients*perIP)
	}
	if got[429] < total*8/10 {
		t.Errorf("only %d of %d refused with 429", got[429], total)
	}
	if validates > clients*perIP+inflight {
		t.Errorf("auth saw %d key checks", validates)
	}
	if afterG > baseG+20 { // a leak would be thousands: one or more per handshake
		t.Errorf("goroutines: %d after the flood, baseline %d", afterG, baseG)
	}
	if afterHeap > baseHeap+16<<20 {
		t.Errorf("heap grew by %d bytes", afterHeap-baseHeap)
	}
	// The log budget: a burst of 10 lines, then 10 a second.
	if maxLines := 10 + int(10*window.Seconds()) + 5; lines > maxLines {
		t.Errorf("%d log lines in %v, cap %d", lines, window, maxLines)
	}
	_, metrics := testkit.Send(t, "GET", s.base+"/metrics", "", nil)
	if !regexp.MustCompile(`futugw_edge_auth_log_suppressed_total [1-9]`).MatchString(metrics) {
		t.Error("no suppressed log lines counted")
	}
	s.assertNoKeyLogged(t, keys...)
	// The edge still serves a good key, from an address that did not fail.
	if code, err := handshake(addr, "/ws?token="+s.key, "X-Forwarded-For: 192.0.2.201"); err != nil || code != 101 {
		t.Fatalf("good handshake after the flood: %d %v", code, err)
	}
}

// metricValue reads one sample from /metrics ("" when absent).
func metricValue(t testing.TB, base, series string) string {
	t.Helper()
	_, body := testkit.Send(t, "GET", base+"/metrics", "", nil)
	for line := range strings.SplitSeq(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v
		}
	}
	return ""
}

func waitMetric(t testing.TB, base, series, want string) {
	t.Helper()
	if !testkit.Within(10*time.Second, func() bool { return metricValue(t, base, series) == want }) {
		t.Fatalf("%s = %q, want %s", series, metricValue(t, base, series), want)
	}
}

// Slowloris on the WebSocket: a socket that never reads (so never answers a ping)
// is closed; one that sends data frames is closed too. The edge keeps serving.
func TestAbuseWebSocketNeverReads(t *testing.T) {
	t.Parallel()
	s := startAbuseStack(t, func(c *Config) { c.WSPing, c.WSPongWait = 100*time.Millisecond, 100*time.Millisecond })
	wsURL := "ws" + strings.TrimPrefix(s.base, "http") + "/ws"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	c, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{Subprotocols: []string{"bearer", s.key}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	waitMetric(t, s.base, "futugw_edge_ws_sockets", "1")
	start := time.Now()
	waitMetric(t, s.base, "futugw_edge_ws_sockets", "0")
	t.Logf("a socket that never reads was closed after %v", time.Since(start).Round(time.Millisecond))
	if v := metricValue(t, s.base, `futugw_edge_ws_closed_total{reason="ping_timeout"}`); v != "1" {
		t.Fatalf("closed{ping_timeout} = %q", v)
	}

	// A client flooding the socket with messages (say, subscribe requests) is closed
	// at the first one: the socket takes none.
	c2, _, err := websocket.Dial(ctx, wsURL+"?token="+s.key, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.CloseNow()
	readErr := make(chan error, 1)
	go func() { _, _, err := c2.Read(ctx); readErr <- err }()
	for range 1000 {
		if c2.Write(ctx, websocket.MessageText, []byte(`{"type":"subscribe","sec_key":"HK.00700"}`)) != nil {
			break
		}
	}
	if err := <-readErr; websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
		t.Fatalf("flooding socket ended with %v", err)
	}
	closed := time.Now()
	waitMetric(t, s.base, "futugw_edge_ws_sockets", "0")
	// The socket is released at once (coder/websocket's CloseRead held it 15 s).
	if d := time.Since(closed); d > 3*time.Second {
		t.Fatalf("the socket was released %v after its close", d)
	}
}

// A flood of REST subscribe/unsubscribe calls from one key: every call answers,
// none with 5xx, nothing trips the auth limits, and the edge serves afterwards.
func TestAbuseSubscribeFlood(t *testing.T) {
	t.Parallel()
	s := startAbuseStack(t, nil)
	const n, workers = 2000, 50
	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var bad atomic.Int64
	var firstBad atomic.Value
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				path := "/api/subscribe"
				if i%2 == 1 {
					path = "/api/unsubscribe"
				}
				body := fmt.Sprintf(`{"security_list":[{"market":1,"code":"%05d"}],"sub_type_list":[1]}`, i%50)
				req, _ := http.NewRequest("POST", s.base+path, strings.NewReader(body))
				req.Header = bearer(s.key)
				resp, err := client.Do(req)
				if err != nil {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, err.Error())
					continue
				}
				_ = resp.Body.Close()
				if resp.StatusCode != 200 {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, resp.Status)
				}
			}
		})
	}
	start := time.Now()
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	t.Logf("%d subscribe/unsubscribe calls in %v; upstream saw %d", n, time.Since(start).Round(time.Millisecond), s.up.subscribes.Load())
	if bad.Load() > 0 {
		t.Fatalf("%d calls failed, first: %v", bad.Load(), firstBad.Load())
	}
	if s.up.subscribes.Load() != n {
		t.Fatalf("upstream saw %d calls", s.up.subscribes.Load())
	}
	if code, err := handshake(strings.TrimPrefix(s.base, "http://"), "/ws?token="+s.key); err != nil || code != 101 {
		t.Fatalf("handshake after the flood: %d %v", code, err)
	}
}
