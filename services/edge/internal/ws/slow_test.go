package ws

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/keypolicy"
	"github.com/futugw/gateway/platform/testkit"
)

// A browser that never reads: 100k quote pushes for 5 securities leave at most 5
// frames waiting for it, the rest conflated, and the socket stays open.
func TestSlowReaderMemoryBounded(t *testing.T) {
	// Long enough that the stuck write is not cut (that is WriteTimeout's job).
	h := start(t, func(o *Options) { o.WriteTimeout, o.PingInterval = time.Minute, time.Minute })
	secs := []string{"HK.00700", "HK.00005", "HK.09988", "US.AAPL", "US.TSLA"}
	h.quote.setSubs("slow", secs...)
	_ = h.dial(t, h.key(t, "slow", keypolicy.ScopeQotRead), dialOpts{}) // never read
	h.quote.waitHosted(t, hosts("slow"))
	var s *socket
	testkit.Eventually(t, waitLong, "the socket", func() bool {
		h.hub.mu.RLock()
		defer h.hub.mu.RUnlock()
		for x := range h.hub.all {
			s = x
		}
		return s != nil
	})

	// Pre-built pushes with ~1 KiB bodies fill the loopback buffers quickly.
	pushes := make([]*gatewayv1.QuotePush, len(secs))
	for i, k := range secs {
		pushes[i] = quotePush(t, k, float64(i))
		pushes[i].Body = append(pushes[i].Body, make([]byte, 1024)...)
	}
	const n = 100_000
	maxLen := 0
	for i := range n {
		h.quote.push(t, pushes[i%len(pushes)])
		if i%1000 == 0 {
			maxLen = max(maxLen, s.q.Len())
		}
	}
	// The last push has passed the hub once the stream's buffer is empty and one
	// more has gone through.
	testkit.Eventually(t, waitLong, "pushes consumed", func() bool { return len(h.quote.out) == 0 })
	maxLen = max(maxLen, s.q.Len())
	conflated := testutil.ToFloat64(h.hub.m.conflated)
	t.Logf("max queue %d frames, conflated %v of %d, sent %v", maxLen, conflated, n, testutil.ToFloat64(h.hub.m.sent[kindQuote]))
	if maxLen > len(secs) {
		t.Fatalf("queue reached %d frames for %d securities", maxLen, len(secs))
	}
	if conflated == 0 {
		t.Fatal("nothing conflated for a reader that never reads")
	}
	if h.hub.Sockets() != 1 {
		t.Fatal("slow quote reader was disconnected")
	}
}

// A keepalive ping that gets no pong closes the socket.
func TestPingTimeoutCloses(t *testing.T) {
	h := start(t, func(o *Options) { o.PingInterval, o.PongTimeout = 50e6, 50e6 })
	_ = h.dial(t, h.key(t, "p", keypolicy.ScopeQotRead), dialOpts{}) // never reads: never pongs
	testkit.Eventually(t, waitLong, "the socket", func() bool { return h.hub.Sockets() == 1 })
	testkit.Eventually(t, waitLong, "the ping timeout close", func() bool { return h.hub.Sockets() == 0 })
	if got := testutil.ToFloat64(h.hub.m.closed.WithLabelValues(reasonPing)); got != 1 {
		t.Fatalf("closed{ping_timeout} = %v", got)
	}
	// A reading client keeps answering pings and stays.
	c := h.dial(t, h.key(t, "q", keypolicy.ScopeQotRead), dialOpts{})
	h.quote.setSubs("q", "HK.00700")
	h.quote.waitHosted(t, hosts("q"))
	ctx := c.CloseRead(t.Context())
	before := h.hub.pongs.Load()
	testkit.Eventually(t, waitLong, "several pongs", func() bool { return h.hub.pongs.Load() >= before+3 })
	if ctx.Err() != nil || h.hub.Sockets() != 1 {
		t.Fatal("a responsive client was closed")
	}
}

// A browser that stops reading while a frame is being written is cut once that one
// write has lasted WriteTimeout, and the close is counted as a write timeout.
func TestStuckWriteCut(t *testing.T) {
	h := start(t, func(o *Options) { o.WriteTimeout, o.PingInterval = 300*time.Millisecond, time.Minute })
	h.quote.setSubs("stuck", "HK.00700")
	_ = h.dial(t, h.key(t, "stuck", keypolicy.ScopeQotRead), dialOpts{}) // never reads
	h.quote.waitHosted(t, hosts("stuck"))
	// 64 KiB frames fill the loopback buffers after a few writes; then one blocks.
	p := quotePush(t, "HK.00700", 1)
	p.Body = append(p.Body, make([]byte, 64<<10)...)
	testkit.Eventually(t, waitLong, "a socket stuck in a write to be cut", func() bool {
		if h.hub.Sockets() != 1 {
			return true
		}
		h.quote.push(t, p)
		return false
	})
	if got := testutil.ToFloat64(h.hub.m.closed.WithLabelValues(reasonWriteTimeout)); got != 1 {
		t.Fatalf("closed{write_timeout} = %v", got)
	}
}

// Quotes keep flowing while a keepalive ping waits for its pong: a browser whose pong
// is slow (here: never comes) still gets its frames until the pong timeout.
func TestFramesFlowWhilePingWaits(t *testing.T) {
	h := start(t, func(o *Options) { o.PingInterval, o.PongTimeout = 20*time.Millisecond, time.Minute })
	h.quote.setSubs("pinged", "HK.00700")
	_ = h.dial(t, h.key(t, "pinged", keypolicy.ScopeQotRead), dialOpts{}) // never reads: never pongs
	h.quote.waitHosted(t, hosts("pinged"))
	time.Sleep(100 * time.Millisecond) // the point: the first ping (due within 30ms) is out and unanswered; nothing outside the socket shows it
	sent := func() float64 { return testutil.ToFloat64(h.hub.m.sent[kindQuote]) }
	for i := range 5 {
		before := sent()
		h.quote.push(t, quotePush(t, "HK.00700", float64(i+1)))
		testkit.Eventually(t, waitLong, "a quote written while the pong is outstanding", func() bool { return sent() > before })
	}
	if h.hub.Sockets() != 1 {
		t.Fatal("the socket closed before its pong timeout")
	}
}

// First pings are spread over an interval: sockets opened at the same moment are
// not pinged at the same moment.
func TestFirstPingSpread(t *testing.T) {
	const interval = 20 * time.Second
	lo, hi := time.Duration(1<<62), time.Duration(0)
	for range 1000 {
		d := firstPing(interval)
		if d < interval/2 || d >= interval*3/2 {
			t.Fatalf("first ping after %v, want within [%v, %v)", d, interval/2, interval*3/2)
		}
		lo, hi = min(lo, d), max(hi, d)
	}
	if hi-lo < interval*9/10 {
		t.Fatalf("1000 first pings within %v of each other; want them spread over about %v", hi-lo, interval)
	}
}
