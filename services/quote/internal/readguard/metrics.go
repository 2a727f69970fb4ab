package readguard

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the Guard's counters, labelled by OpenD proto id (bounded by the
// catalog).
type Metrics struct {
	Requests  *prometheus.CounterVec // calls of a catalog route
	CacheHits *prometheus.CounterVec // answered from a kept answer
	Coalesced *prometheus.CounterVec // shared another call's OpenD request
	OpenD     *prometheus.CounterVec // requests sent to OpenD
	Shaped    *prometheus.CounterVec // sent after waiting for a frequency slot
	Refused   *prometheus.CounterVec // refused: OpenD's limit used up for longer than MaxWait
	Fallbacks *prometheus.CounterVec // paced in this replica's share: Redis unavailable or slow
}

func newMetrics(reg prometheus.Registerer) (*Metrics, error) {
	vec := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: "futugw_quote_read_" + name + "_total", Help: help}, []string{"proto_id"})
	}
	m := &Metrics{
		Requests:  vec("requests", "Calls of the catalog's quote read routes, by OpenD proto id."),
		CacheHits: vec("cache_hits", "Calls answered from a kept answer (in process or Redis), by OpenD proto id."),
		Coalesced: vec("coalesced", "Calls that shared another call's OpenD request, by OpenD proto id."),
		OpenD:     vec("opend_requests", "Requests sent to OpenD for catalog reads, by OpenD proto id."),
		Shaped:    vec("shaped", "OpenD requests that waited for a frequency slot, by OpenD proto id."),
		Refused:   vec("refused", "Calls refused because OpenD's frequency limit was used up, by OpenD proto id."),
		Fallbacks: vec("pacing_fallbacks", "OpenD requests paced in this replica's share of the limits because the shared windows in Redis were unavailable or slow, by OpenD proto id."),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.Requests, m.CacheHits, m.Coalesced, m.OpenD, m.Shaped, m.Refused, m.Fallbacks} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}
