package app

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/futugw/gateway/opend/freqlimit"
	"github.com/futugw/gateway/opend/protoid"
)

// marketStateCodes are securities of opend-sim's built-in universe: one distinct
// GetMarketState call each, so no call is answered from another's cache or flight.
var marketStateCodes = []string{
	"1:00700", "1:09988", "1:00005", "1:00941", "1:03690", "1:01810", "1:02318", "1:00388", "1:01299", "1:00883",
	"11:AAPL", "11:MSFT", "11:NVDA", "11:TSLA", "11:AMZN", "11:GOOG", "11:META", "11:AMD", "11:NFLX", "11:BABA",
}

// TestRateLimitedEndToEnd bursts twice OpenD's limit of distinct /api/market-state
// calls (Qot_GetMarketState: 10 per 30 s) at the edge, in front of the quote binary
// and opend-sim enforcing OpenD's frequency limits. The quote service's read guard
// sends what fits under the limit and refuses the rest before OpenD sees them: some
// calls are answered 200, the others 429 with Retry-After (whole seconds, at least
// 1) and a JSON body with retry_after and a readable error, and opend-sim refuses
// none (its futugw_opendsim_freq_refusals_total). Without the guard opend-sim
// refuses the calls past its limit and this test fails. The retry itself is not
// made: the delay is about OpenD's 30 s window.
func TestRateLimitedEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs five binaries")
	}
	s := startFullStack(t)
	key := s.issue(t, "burst-qot", `"qot:read"`, "")
	label := strconv.Itoa(int(protoid.QotGetMarketState))
	if n, ok := simFreqRefusals(t, s.simAdmin)[label]; !ok || n != 0 {
		t.Fatalf("opend-sim's refusals of %s before the burst: %v (present %v), want 0", label, n, ok)
	}
	lim, ok := freqlimit.For(protoid.QotGetMarketState)
	if !ok || 2*lim.N > len(marketStateCodes) {
		t.Fatalf("Qot_GetMarketState's limit %+v (%v): want one of at most %d requests", lim, ok, len(marketStateCodes)/2)
	}

	type answer struct {
		code       int
		retryAfter string
		body       map[string]any
	}
	answers := make([]answer, 2*lim.N)
	client := &http.Client{Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	for i := range answers {
		market, code, _ := strings.Cut(marketStateCodes[i], ":")
		body := `{"security_list":[{"market":` + market + `,"code":"` + code + `"}]}`
		wg.Go(func() {
			req, err := http.NewRequest("POST", s.base+"/api/market-state", strings.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				t.Errorf("call %d: %v", i, err)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			a := answer{code: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After")}
			if err := json.Unmarshal(b, &a.body); err != nil {
				t.Errorf("call %d: %d, body not JSON: %q", i, resp.StatusCode, b)
			}
			answers[i] = a
		})
	}
	wg.Wait()

	var answered, limited int
	for i, a := range answers {
		switch a.code {
		case http.StatusOK:
			answered++
			if _, ok := a.body["market_info_list"]; !ok {
				t.Errorf("call %d: 200 without market_info_list: %v", i, a.body)
			}
		case http.StatusTooManyRequests:
			limited++
			secs, err := strconv.Atoi(a.retryAfter)
			if err != nil || secs < 1 {
				t.Errorf("call %d: Retry-After %q, want whole seconds >= 1", i, a.retryAfter)
			}
			if ra, _ := a.body["retry_after"].(float64); ra < 1 || int(ra) != secs {
				t.Errorf("call %d: retry_after %v, want the Retry-After header's %q", i, a.body["retry_after"], a.retryAfter)
			}
			if msg, _ := a.body["error"].(string); msg == "" || a.body["reason"] != "rate_limited" {
				t.Errorf("call %d: 429 body %v, want a readable error and reason rate_limited", i, a.body)
			}
		default:
			t.Errorf("call %d: %d %v, want 200 or 429", i, a.code, a.body)
		}
	}
	t.Logf("%d distinct calls: %d answered, %d refused with a retry delay", len(answers), answered, limited)
	if answered == 0 || limited == 0 {
		t.Errorf("%d answered and %d refused with 429: want some of each", answered, limited)
	}
	if answered > lim.N {
		t.Errorf("%d answered: more than OpenD's %d per %v", answered, lim.N, lim.Window)
	}
	if n := simFreqRefusals(t, s.simAdmin)[label]; n != 0 {
		t.Errorf("opend-sim refused %v GetMarketState requests for frequency: the guard let them through", n)
	}
}

// simFreqRefusals reads futugw_opendsim_freq_refusals_total from opend-sim's
// /metrics, by proto id.
func simFreqRefusals(t *testing.T, admin string) map[string]float64 {
	t.Helper()
	resp, err := http.Get("http://" + admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	const prefix = `futugw_opendsim_freq_refusals_total{proto_id="`
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), prefix)
		if !ok {
			continue
		}
		id, v, ok := strings.Cut(rest, `"} `)
		if !ok {
			t.Fatalf("unexpected metrics line %q", sc.Text())
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("unexpected metrics line %q: %v", sc.Text(), err)
		}
		out[id] = n
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("opend-sim's /metrics at %s has no futugw_opendsim_freq_refusals_total", admin)
	}
	return out
}
