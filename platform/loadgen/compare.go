package loadgen

import (
	"slices"
	"strconv"
	"time"
)

// Percentile returns the p-th percentile (0-100) of d, which it leaves unsorted.
func Percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

// Reporter is what ReportAdded reports on: a *testing.B.
type Reporter interface {
	ReportMetric(n float64, unit string)
}

// ReportAdded reports the p50 and p99 of a baseline path and of a measured one, in
// µs, and what the measured one adds at each: <base>-p50-µs, <base>-p99-µs,
// <name>-p50-µs, <name>-p99-µs, added-p50-µs, added-p99-µs.
func ReportAdded(r Reporter, base string, baseline []time.Duration, name string, measured []time.Duration) {
	us := func(d time.Duration) float64 { return float64(d.Microseconds()) }
	for _, p := range []int{50, 99} {
		b, m := Percentile(baseline, p), Percentile(measured, p)
		suffix := "-p" + strconv.Itoa(p) + "-µs"
		r.ReportMetric(us(b), base+suffix)
		r.ReportMetric(us(m), name+suffix)
		r.ReportMetric(us(m-b), "added"+suffix)
	}
}
