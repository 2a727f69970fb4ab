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
	for _, p := range reported {
		b, m := Percentile(baseline, p), Percentile(measured, p)
		r.ReportMetric(micros(b), base+suffix(p))
		r.ReportMetric(micros(m), name+suffix(p))
		r.ReportMetric(micros(m-b), "added"+suffix(p))
	}
}

// ReportPercentiles reports the p50 and p99 of one path in µs: <name>-p50-µs and
// <name>-p99-µs.
func ReportPercentiles(r Reporter, name string, d []time.Duration) {
	for _, p := range reported {
		r.ReportMetric(micros(Percentile(d, p)), name+suffix(p))
	}
}

var reported = []int{50, 99}

func suffix(p int) string { return "-p" + strconv.Itoa(p) + "-µs" }

func micros(d time.Duration) float64 { return float64(d.Microseconds()) }
