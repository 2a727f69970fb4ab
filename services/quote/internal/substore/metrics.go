package substore

import "github.com/prometheus/client_golang/prometheus"

// Metric label values; every label set is bounded.
const (
	opSave   = "save"
	opDelete = "delete"

	resultRestored  = "restored"
	resultOverQuota = "over_quota"
	resultExpired   = "expired"
	resultMalformed = "malformed"
)

// Metrics count the store's writes and what start-up restored.
type Metrics struct {
	Writes        *prometheus.CounterVec // op: save, delete; result: ok, error
	Restores      *prometheus.CounterVec // result: restored, over_quota, expired, malformed
	RestoreErrors prometheus.Counter     // start-ups that could not read the records
}

// NewMetrics creates the metrics and registers them with reg when it is not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Writes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "futugw_quote_session_writes_total",
			Help: "Session subscription records written to Redis, by op (save, delete) and result (ok, error); failed ones are retried.",
		}, []string{"op", "result"}),
		Restores: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "futugw_quote_session_restores_total",
			Help: "Saved sessions read back at start-up, by result: restored, over_quota (dropped), expired or malformed (deleted).",
		}, []string{"result"}),
		RestoreErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "futugw_quote_session_restore_errors_total",
			Help: "Start-ups that could not read the saved sessions from Redis (they started without them).",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.Writes, m.Restores, m.RestoreErrors)
	}
	return m
}

func (m *Metrics) write(op string, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.Writes.WithLabelValues(op, result).Inc()
}

func (m *Metrics) restore(result string) { m.Restores.WithLabelValues(result).Inc() }
