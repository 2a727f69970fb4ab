package guard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// upstream answers 401 unless the Authorization header is "Bearer good", and
// counts the requests that reached it.
type upstream struct{ calls atomic.Int64 }

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.calls.Add(1)
	if r.Header.Get("Authorization") == "Bearer good" {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.WriteHeader(http.StatusUnauthorized)
}

type step struct {
	ip, auth string
	advance  time.Duration // before the request
	want     int
}

func TestGuardLimits(t *testing.T) {
	lim := func(n int) Limit { return Limit{Failures: n, Per: time.Minute} }
	rep := func(n int, s step) []step {
		out := make([]step, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	cat := func(parts ...[]step) []step {
		var out []step
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tests := []struct {
		name        string
		perIP       Limit
		perKey      Limit
		trustProxy  bool
		steps       []step
		wantUpCalls int
	}{
		{
			name: "ip: N failures pass, then 429 without reaching upstream", perIP: lim(3), perKey: lim(100),
			steps: cat(rep(3, step{ip: "10.0.0.1", auth: "Bearer bad", want: 401}),
				rep(2, step{ip: "10.0.0.1", auth: "Bearer bad", want: 429}),
				[]step{{ip: "10.0.0.1", auth: "Bearer good", want: 429}}, // the client, not only the key
				[]step{{ip: "10.0.0.2", auth: "Bearer bad", want: 401}}), // another client is not affected
			wantUpCalls: 4,
		},
		{
			name: "ip: cool-down ends the block", perIP: lim(2), perKey: lim(100),
			steps: cat(rep(2, step{ip: "10.0.0.1", auth: "Bearer x", want: 401}),
				[]step{{ip: "10.0.0.1", auth: "Bearer good", want: 429}},
				[]step{{ip: "10.0.0.1", advance: 59 * time.Second, auth: "Bearer good", want: 429}},
				[]step{{ip: "10.0.0.1", advance: 2 * time.Second, auth: "Bearer good", want: 200}}),
			wantUpCalls: 3,
		},
		{
			name: "ip: failures spread out refill and never block", perIP: lim(2), perKey: lim(100),
			steps:       rep(6, step{ip: "10.0.0.1", advance: 31 * time.Second, auth: "Bearer x", want: 401}),
			wantUpCalls: 6,
		},
		{
			name: "key: blocked across client addresses", perIP: lim(100), perKey: lim(2),
			steps: []step{
				{ip: "10.0.0.1", auth: "Bearer stolen", want: 401},
				{ip: "10.0.0.2", auth: "Bearer stolen", want: 401},
				{ip: "10.0.0.3", auth: "Bearer stolen", want: 429},
				{ip: "10.0.0.3", auth: "Bearer other", want: 401}, // a different key still reaches auth
				{ip: "10.0.0.3", auth: "Bearer good", want: 200},
			},
			wantUpCalls: 4,
		},
		{
			name: "key: the scheme word does not matter", perIP: lim(100), perKey: lim(2),
			steps: []step{
				{ip: "10.0.0.1", auth: "Bearer k", want: 401},
				{ip: "10.0.0.1", auth: "bearer   k", want: 401},
				{ip: "10.0.0.1", auth: "Basic k", want: 429},
			},
			wantUpCalls: 2,
		},
		{
			name: "no key: only the address counts", perIP: lim(2), perKey: lim(1),
			steps: []step{
				{ip: "10.0.0.1", want: 401},
				{ip: "10.0.0.1", want: 401},
				{ip: "10.0.0.1", want: 429},
			},
			wantUpCalls: 2,
		},
		{
			name: "ipv6: one /64 is one client", perIP: lim(2), perKey: lim(100),
			steps: []step{
				{ip: "[2001:db8:1:2::1]", auth: "Bearer a", want: 401},
				{ip: "[2001:db8:1:2::ffff]", auth: "Bearer b", want: 401},
				{ip: "[2001:db8:1:2:3::9]", auth: "Bearer c", want: 429},
				{ip: "[2001:db8:1:3::1]", auth: "Bearer d", want: 401},
			},
			wantUpCalls: 3,
		},
		{
			name: "trusted proxy: the last forwarded hop is the client", perIP: lim(2), perKey: lim(100), trustProxy: true,
			steps: []step{
				// ip here is the X-Forwarded-For header; the peer is always the proxy.
				{ip: "1.1.1.1, 203.0.113.7", auth: "Bearer a", want: 401},
				{ip: "9.9.9.9, 203.0.113.7", auth: "Bearer b", want: 401}, // forged first hop does not help
				{ip: "203.0.113.7", auth: "Bearer c", want: 429},
				{ip: "203.0.113.8", auth: "Bearer d", want: 401},
			},
			wantUpCalls: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{t: time.Unix(1_700_000_000, 0)}
			g, err := New(Options{PerIP: tt.perIP, PerKey: tt.perKey, TrustProxy: tt.trustProxy, Now: clk.now})
			if err != nil {
				t.Fatal(err)
			}
			up := &upstream{}
			h := g.Wrap(BearerKey, up)
			for i, s := range tt.steps {
				clk.add(s.advance)
				r := httptest.NewRequest("GET", "/api/auth/whoami", nil)
				if tt.trustProxy {
					r.RemoteAddr = "127.0.0.1:5000"
					r.Header.Set("X-Forwarded-For", s.ip)
				} else {
					r.RemoteAddr = s.ip + ":5000"
				}
				if s.auth != "" {
					r.Header.Set("Authorization", s.auth)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != s.want {
					t.Fatalf("step %d (%+v): %d, want %d", i, s, w.Code, s.want)
				}
				if w.Code == 429 {
					var b struct{ Reason, Error string }
					if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil || b.Reason != "auth_rate_limited" || b.Error == "" {
						t.Fatalf("step %d: 429 body %q", i, w.Body)
					}
					if w.Header().Get("Retry-After") == "" {
						t.Fatalf("step %d: 429 without Retry-After", i)
					}
				}
			}
			if got := up.calls.Load(); got != int64(tt.wantUpCalls) {
				t.Fatalf("upstream saw %d requests, want %d", got, tt.wantUpCalls)
			}
		})
	}
}

// The tables stay under MaxEntries whatever the number of distinct clients, and a
// sweep forgets clients whose buckets refilled.
func TestGuardBoundedMemory(t *testing.T) {
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	g, err := New(Options{PerIP: Limit{5, time.Minute}, PerKey: Limit{5, time.Minute}, MaxEntries: 1000, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	h := g.Wrap(BearerKey, &upstream{})
	for i := range 20_000 {
		r := httptest.NewRequest("GET", "/api/x", nil)
		r.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1", i>>16&255, i>>8&255, i&255)
		r.Header.Set("Authorization", fmt.Sprintf("Bearer key%d", i))
		h.ServeHTTP(httptest.NewRecorder(), r)
		if ips, keys := g.Entries(); ips > 1000 || keys > 1000 {
			t.Fatalf("after %d clients: %d addresses, %d keys tracked", i+1, ips, keys)
		}
	}
	// A minute later every bucket has refilled: the next failure's sweep drops them.
	clk.add(2 * time.Minute)
	r := httptest.NewRequest("GET", "/api/x", nil)
	r.RemoteAddr = "192.0.2.1:1"
	h.ServeHTTP(httptest.NewRecorder(), r)
	if ips, _ := g.Entries(); ips != 1 {
		t.Fatalf("after the sweep: %d addresses tracked, want 1", ips)
	}
}

// A full table evicts unblocked entries first, so a blocked client stays blocked
// while other clients come and go.
func TestGuardEvictionKeepsBlocks(t *testing.T) {
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	g, err := New(Options{PerIP: Limit{2, time.Minute}, MaxEntries: 50, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	h := g.Wrap(nil, &upstream{})
	do := func(ip string) int {
		r := httptest.NewRequest("GET", "/api/x", nil)
		r.RemoteAddr = ip + ":1"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	if do("192.0.2.1") != 401 || do("192.0.2.1") != 401 || do("192.0.2.1") != 429 {
		t.Fatal("no block after two failures")
	}
	for i := range 500 { // ten times the cap, each failing once (not blocked)
		clk.add(time.Millisecond)
		do(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
		if ips, _ := g.Entries(); ips > 50 {
			t.Fatalf("%d entries", ips)
		}
	}
	if do("192.0.2.1") != 429 {
		t.Fatal("block lost")
	}
}

// Many goroutines failing from one address and one key: exactly the allowed number
// of requests reach upstream, the rest are refused, and -race sees no race.
func TestGuardConcurrent(t *testing.T) {
	g, err := New(Options{PerIP: Limit{20, time.Minute}, PerKey: Limit{5, time.Minute}, Cooldown: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	var upCalls atomic.Int64
	h := g.Wrap(BearerKey, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upCalls.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	const workers, each = 32, 50
	var wg sync.WaitGroup
	var codes [600]atomic.Int64
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				r := httptest.NewRequest("GET", "/api/x", nil)
				r.RemoteAddr = fmt.Sprintf("10.0.%d.%d:1", w, i%4) // 4 addresses per worker
				r.Header.Set("Authorization", fmt.Sprintf("Bearer k%d", (w*each+i)%64))
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, r)
				codes[rec.Code].Add(1)
			}
		})
	}
	wg.Wait()
	total := int64(workers * each)
	if codes[401].Load()+codes[429].Load() != total {
		t.Fatalf("codes: 401=%d 429=%d of %d", codes[401].Load(), codes[429].Load(), total)
	}
	// 128 addresses and 64 keys: at most 5 failures per key reach upstream (a few
	// more may race the block: requests admitted before the failure that blocked).
	if up := upCalls.Load(); up > 64*5+workers || up != codes[401].Load() {
		t.Fatalf("upstream saw %d (401s %d), want about %d", up, codes[401].Load(), 64*5)
	}
	if got := testutil.ToFloat64(g.refused.WithLabelValues("key")) + testutil.ToFloat64(g.refused.WithLabelValues("ip")); int64(got) != codes[429].Load() {
		t.Fatalf("refused metric %v, 429s %d", got, codes[429].Load())
	}
}

// Lines about failures are capped per second; the rest only count.
func TestGuardLogRateLimit(t *testing.T) {
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	var buf bytes.Buffer
	g, err := New(Options{PerIP: Limit{1, time.Minute}, LogPerSecond: 3, Now: clk.now,
		Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h := g.Wrap(BearerKey, &upstream{})
	for i := range 100 { // 100 clients each blocked at once: 100 "refusing client" events
		r := httptest.NewRequest("GET", "/api/x", nil)
		r.RemoteAddr = fmt.Sprintf("10.0.0.%d:1", i)
		r.Header.Set("Authorization", fmt.Sprintf("Bearer fk_secret%d", i))
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if n := strings.Count(buf.String(), "\n"); n != 3 {
		t.Fatalf("%d log lines, want 3:\n%s", n, buf.String())
	}
	if strings.Contains(buf.String(), "fk_secret") {
		t.Fatal("the key was logged")
	}
	if got := testutil.ToFloat64(g.suppressed); got < 97 {
		t.Fatalf("suppressed = %v", got)
	}
	clk.add(time.Second)
	if !g.AllowLog() {
		t.Fatal("log budget not refilled after a second")
	}
}
