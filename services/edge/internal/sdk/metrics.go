package sdk

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Login and command results (bounded label sets: never a proto id, which the
// client chooses, nor a key).
const (
	resultOK       = "ok"
	resultRefused  = "refused"  // retType -1 from a handler (scope, limits, OpenD, bad request)
	resultUnserved = "unserved" // a proto id futugw does not serve
)

type metrics struct {
	logins   *prometheus.CounterVec
	commands *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "futugw_edge_sdk_logins_total", Help: "InitWebSocket answers on the SDK listener, by result.",
		}, []string{"result"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "futugw_edge_sdk_commands_total", Help: "Commands answered on SDK sockets, by result.",
		}, []string{"result"}),
	}
	for _, r := range []string{resultOK, resultRefused} {
		m.logins.WithLabelValues(r)
	}
	for _, r := range []string{resultOK, resultRefused, resultUnserved} {
		m.commands.WithLabelValues(r)
	}
	if reg == nil {
		return m, nil
	}
	return m, errors.Join(reg.Register(m.logins), reg.Register(m.commands))
}
