package app

import (
	"io"
	"net/http"
	"slices"
	"testing"
	"time"
)

// BenchmarkWhoAmI is a whole GET /api/auth/whoami through the in-process edge to the
// real auth binary and Redis over loopback (validation cached in auth after the
// first call). Besides ns/op it reports the p50 and p99 latency of single requests.
func BenchmarkWhoAmI(b *testing.B) {
	s := startStack(b, true)
	code, issued := s.call(b, "POST", "/api/admin/keys", s.adminKey, `{"id":"bench","scopes":["qot:read"],"expires_in":"1h"}`)
	if code != 200 {
		b.Fatalf("issue key: %d %v", code, issued)
	}
	key := issued["key"].(string)
	req, err := http.NewRequest("GET", s.base+"/api/auth/whoami", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	client := &http.Client{Timeout: 30 * time.Second}
	get := func() {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	get() // warm the connection and the validation cache

	durs := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		get()
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durs)
	pct := func(p float64) float64 { return float64(durs[int(float64(len(durs)-1)*p)].Nanoseconds()) }
	if len(durs) > 0 {
		b.ReportMetric(pct(0.50), "p50-ns")
		b.ReportMetric(pct(0.99), "p99-ns")
	}
}
