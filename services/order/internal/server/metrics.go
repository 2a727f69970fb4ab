package server

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics of the order service.
type Metrics struct {
	orders    *prometheus.CounterVec
	placement prometheus.Histogram
	script    prometheus.Histogram
}

// NewMetrics makes the metrics and registers them on reg (when not nil).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		orders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "futugw_order_orders_total",
			Help: "Order placement attempts by result (placed, refused, replayed, unknown, failed) and reason.",
		}, []string{"result", "reason"}),
		placement: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "futugw_order_placement_seconds",
			Help:    "From receipt of PlaceOrder to OpenD's acknowledgement, for placed orders.",
			Buckets: []float64{.0002, .0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
		script: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "futugw_order_limit_script_seconds",
			Help:    "Latency of the Redis script that checks and reserves the counted limits.",
			Buckets: []float64{.0001, .0002, .0005, .001, .002, .005, .01, .05, .25},
		}),
	}
	if reg != nil {
		reg.MustRegister(m.orders, m.placement, m.script)
	}
	return m
}

// ObserveScript records one limit-script run.
func (m *Metrics) ObserveScript(d time.Duration) { m.script.Observe(d.Seconds()) }
