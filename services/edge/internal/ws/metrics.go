package ws

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Close reasons (the closed_total label; a bounded set).
const (
	reasonClient       = "client"      // the peer closed or the connection broke
	reasonExpired      = "key_expired" // 4001
	reasonRevoked      = "key_revoked" // 4003
	reasonTooSlow      = "too_slow"    // a frame that must not be lost could not be queued
	reasonShutdown     = "shutdown"    // the edge is stopping
	reasonPing         = "ping_timeout"
	reasonWriteFail    = "write_error"
	reasonWriteTimeout = "write_timeout"  // one frame write outlasted WriteTimeout
	reasonProtocol     = "protocol_error" // an SDK socket broke its protocol (Peer.Close)
)

// Frame kinds, the frames_sent_total label.
const (
	kindQuote uint8 = iota
	kindTrade
	kindNotify
	kindGap   // a gap notice standing for dropped ticks
	kindReply // an SDK socket's answer to a command
	numKinds
)

var kindNames = [numKinds]string{"quote", "trade", "notify", "gap", "reply"}

type metrics struct {
	sockets   prometheus.Gauge
	sent      [numKinds]prometheus.Counter
	conflated prometheus.Counter
	// ticksDropped counts ticker frames a full socket queue dropped (each announced
	// by a gap frame).
	ticksDropped prometheus.Counter
	closed       *prometheus.CounterVec
	latency      prometheus.Histogram
	streamUp     *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	sent := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "futugw_edge_ws_frames_sent_total", Help: "Frames written to WebSockets, by type.",
	}, []string{"type"})
	m := &metrics{
		sockets: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "futugw_edge_ws_sockets", Help: "Open WebSockets.",
		}),
		conflated: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "futugw_edge_ws_frames_conflated_total",
			Help: "Quote frames replaced by a newer frame of the same security before a slow socket could take them.",
		}),
		ticksDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "futugw_edge_ws_ticks_dropped_total",
			Help: "Ticker frames dropped for a slow socket; each socket is told how many by a gap frame.",
		}),
		closed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "futugw_edge_ws_closed_total", Help: "WebSockets closed, by reason.",
		}, []string{"reason"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "futugw_edge_fanout_latency_seconds",
			Help:    "From the quote service receiving an OpenD push to the frame written to a socket.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		streamUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "futugw_edge_push_stream_up", Help: "1 while the edge's push stream to a service is connected.",
		}, []string{"stream"}),
	}
	for k := range numKinds {
		m.sent[k] = sent.WithLabelValues(kindNames[k])
	}
	for _, r := range []string{reasonClient, reasonExpired, reasonRevoked, reasonTooSlow, reasonShutdown, reasonPing, reasonWriteFail, reasonWriteTimeout, reasonProtocol} {
		m.closed.WithLabelValues(r)
	}
	if reg == nil {
		return m, nil
	}
	var errs []error
	for _, c := range []prometheus.Collector{m.sockets, sent, m.conflated, m.ticksDropped, m.closed, m.latency, m.streamUp} {
		errs = append(errs, reg.Register(c))
	}
	return m, errors.Join(errs...)
}
