package store

import "github.com/prometheus/client_golang/prometheus"

// Metrics of validation. Labels are bounded: result is "ok" or an errinfo reason.
type Metrics struct {
	Validations     *prometheus.CounterVec
	FailuresDropped prometheus.Counter
}

// NewMetrics creates the metrics and registers them with reg when it is not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Validations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "futugw_auth_validations_total",
			Help: "Key validations by result: ok or the failure reason.",
		}, []string{"result"}),
		FailuresDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "futugw_auth_failures_unaudited_total",
			Help: "Failed validations neither audited nor logged because of the failure rate limit.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.Validations, m.FailuresDropped)
	}
	return m
}
