package loadgen

import (
	"testing"
	"time"
)

type metrics map[string]float64

func (m metrics) ReportMetric(n float64, unit string) { m[unit] = n }

func TestReportAdded(t *testing.T) {
	var base, measured []time.Duration
	for i := 1; i <= 100; i++ { // 1..100 µs and 10..1000 µs, shuffled a little
		base = append(base, time.Duration(101-i)*time.Microsecond)
		measured = append(measured, time.Duration(i*10)*time.Microsecond)
	}
	m := metrics{}
	ReportAdded(m, "direct", base, "edge", measured)
	want := metrics{"direct-p50-µs": 51, "direct-p99-µs": 100, "edge-p50-µs": 510, "edge-p99-µs": 1000,
		"added-p50-µs": 459, "added-p99-µs": 900}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if len(m) != len(want) || base[0] != 100*time.Microsecond {
		t.Fatalf("metrics %v; the input must stay unsorted", m)
	}
	if Percentile(nil, 99) != 0 {
		t.Fatal("percentile of nothing")
	}
}

func TestReportPercentiles(t *testing.T) {
	var d []time.Duration
	for i := 200; i >= 1; i-- { // 200..1 µs, descending
		d = append(d, time.Duration(i)*time.Microsecond)
	}
	m := metrics{}
	ReportPercentiles(m, "floor-redis", d)
	want := metrics{"floor-redis-p50-µs": 101, "floor-redis-p99-µs": 199}
	if len(m) != len(want) || m["floor-redis-p50-µs"] != 101 || m["floor-redis-p99-µs"] != 199 {
		t.Fatalf("metrics %v, want %v", m, want)
	}
}
