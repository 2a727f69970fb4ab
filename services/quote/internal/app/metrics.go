package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/futugw/gateway/services/quote/internal/quotefanout"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"github.com/futugw/gateway/services/quote/internal/substore"
)

type metrics struct {
	upstreamSubs prometheus.Gauge
	pushes       *prometheus.CounterVec
	quotaDrops   prometheus.Counter
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		upstreamSubs: prometheus.NewGauge(prometheus.GaugeOpts{Name: "futugw_quote_upstream_subscriptions",
			Help: "(security, sub type) pairs subscribed at OpenD, pending releases included."}),
		pushes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "futugw_quote_pushes_received_total",
			Help: "Pushes received from OpenD, by proto id."}, []string{"proto"}),
		quotaDrops: prometheus.NewCounter(prometheus.CounterOpts{Name: "futugw_quote_sessions_dropped_over_quota_total",
			Help: "Sessions dropped at an OpenD (re)connect because OpenD's quota no longer holds every session's pairs."}),
	}
	reg.MustRegister(m.upstreamSubs, m.pushes, m.quotaDrops)
	return m
}

// watchSaves exposes the session writer's backlog.
func (m *metrics) watchSaves(reg *prometheus.Registry, w *substore.Writer) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "futugw_quote_session_saves_pending",
		Help: "Sessions whose subscription changes wait to be saved to Redis (grows while Redis is down)."},
		func() float64 { return float64(w.Pending()) }))
}

// watch exposes the hub's and registry's own counters.
func (m *metrics) watch(reg *prometheus.Registry, hub *quotefanout.Hub, r *subs.Registry) {
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
