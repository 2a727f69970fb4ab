package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/futugw/gateway/services/quote/internal/fanout"
	"github.com/futugw/gateway/services/quote/internal/subs"
)

type metrics struct {
	upstreamSubs prometheus.Gauge
	pushes       *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		upstreamSubs: prometheus.NewGauge(prometheus.GaugeOpts{Name: "futugw_quote_upstream_subscriptions",
			Help: "(security, sub type) pairs subscribed at OpenD, pending releases included."}),
		pushes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "futugw_quote_pushes_received_total",
			Help: "Pushes received from OpenD, by proto id."}, []string{"proto"}),
	}
	reg.MustRegister(m.upstreamSubs, m.pushes)
	return m
}

// watch exposes the hub's and registry's own counters.
func (m *metrics) watch(reg *prometheus.Registry, hub *fanout.Hub, r *subs.Registry) {
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "futugw_quote_quota_used",
			Help: "Subscription quota slots in use."}, func() float64 { used, _ := r.Quota(); return float64(used) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "futugw_quote_stream_frames_sent_total",
			Help: "Frames handed to edge streams."}, func() float64 { return float64(hub.Stats().FramesSent) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "futugw_quote_stream_frames_conflated_total",
			Help: "Quote frames replaced by a newer one before a slow edge stream took them."},
			func() float64 { return float64(hub.Stats().FramesConflated) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "futugw_quote_edge_streams",
			Help: "Open StreamPushes streams."}, func() float64 { return float64(hub.Stats().Streams) }),
	)
}
