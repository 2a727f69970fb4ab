package obs

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Check reports whether one dependency is usable. It must return when ctx is done.
type Check func(ctx context.Context) error

// DefaultCheckTimeout bounds one readiness evaluation when NewHealth gets zero.
const DefaultCheckTimeout = 2 * time.Second

// Health holds the named readiness checks of a service and whether it is shutting
// down. Liveness only says the process is up and not stopping; readiness says it can
// do useful work right now. The zero value is not usable; call NewHealth.
type Health struct {
	timeout time.Duration

	mu     sync.Mutex
	checks []namedCheck

	stopping atomic.Bool

	// hidden: /readyz leaves out the checks' error texts and they are logged here
	// instead, once per change of a check's outcome (see HideErrors).
	hidden *slog.Logger
	seen   map[string]string // check name -> last error logged ("" = ok)
}

type namedCheck struct {
	name  string
	check Check
}

// CheckResult is the outcome of one check in a readiness evaluation.
type CheckResult struct {
	Name   string `json:"name"`
	Status string `json:"status"` // "ok", "fail" or "timeout"
	Error  string `json:"error,omitempty"`
}

// Report is a readiness evaluation, also the JSON body of /readyz.
type Report struct {
	Status string        `json:"status"` // "ready", "not_ready" or "shutting_down"
	Checks []CheckResult `json:"checks"`
}

// Ready reports whether the evaluation allows traffic.
func (r Report) Ready() bool { return r.Status == "ready" }

// NewHealth returns a Health whose checks together get at most timeout per
// evaluation (DefaultCheckTimeout when timeout <= 0).
func NewHealth(timeout time.Duration) *Health {
	if timeout <= 0 {
		timeout = DefaultCheckTimeout
	}
	return &Health{timeout: timeout}
}

// Add registers a readiness check. Names should be short and stable ("redis",
// "opend"); they appear in /readyz.
func (h *Health) Add(name string, c Check) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.checks = append(h.checks, namedCheck{name: name, check: c})
}

// HideErrors keeps the checks' error texts out of /readyz, for a service whose health
// endpoints share its public listener (the texts name internal addresses), and logs
// them to log instead: a check's failure when its text changes, and its recovery.
func (h *Health) HideErrors(log *slog.Logger) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hidden, h.seen = log, map[string]string{}
}

// hide strips rep's error texts and logs those that changed, when HideErrors is set.
func (h *Health) hide(rep *Report) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.hidden == nil {
		return
	}
	for i := range rep.Checks {
		c := &rep.Checks[i]
		if prev := h.seen[c.Name]; prev != c.Error {
			if c.Error == "" {
				h.hidden.Info("readiness check recovered", "check", c.Name)
			} else {
				h.hidden.Warn("readiness check failing", "check", c.Name, "status", c.Status, "error", c.Error)
			}
			h.seen[c.Name] = c.Error
		}
		c.Error = ""
	}
}

// BeginShutdown marks the service as stopping: from now on liveness and readiness
// fail, so load balancers move traffic away while in-flight work drains. It cannot be
// undone.
func (h *Health) BeginShutdown() { h.stopping.Store(true) }

// ShuttingDown reports whether BeginShutdown was called.
func (h *Health) ShuttingDown() bool { return h.stopping.Load() }

// Evaluate runs every check concurrently under one shared timeout and waits for all
// of them. A check that succeeds only after the timeout counts as "timeout". Once
// shutdown began it runs no checks and reports "shutting_down".
func (h *Health) Evaluate(ctx context.Context) Report {
	if h.ShuttingDown() {
		// Nothing a check says can make a stopping process ready again.
		return Report{Status: "shutting_down", Checks: []CheckResult{}}
	}
	h.mu.Lock()
	checks := append([]namedCheck(nil), h.checks...)
	h.mu.Unlock()

	rep := Report{Status: "ready", Checks: make([]CheckResult, len(checks))}
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Go(func() { rep.Checks[i] = runCheck(ctx, c) })
	}
	wg.Wait()

	for _, r := range rep.Checks {
		if r.Status != "ok" {
			rep.Status = "not_ready"
		}
	}
	return rep
}

func runCheck(ctx context.Context, c namedCheck) CheckResult {
	res := CheckResult{Name: c.name, Status: "ok"}
	err := safeCall(ctx, c.check)
	switch {
	case err == nil && ctx.Err() == nil:
	case err == nil || errors.Is(err, context.DeadlineExceeded):
		res.Status = "timeout"
		res.Error = "check did not finish in time"
	default:
		res.Status = "fail"
		res.Error = err.Error()
	}
	return res
}

// safeCall turns a panicking check into a failed one: a broken check must not take
// the health endpoint, and with it the process, down.
func safeCall(ctx context.Context, c Check) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("check panicked")
		}
	}()
	return c(ctx)
}

// LivenessHandler serves /healthz: 200 while the process runs and is not shutting
// down, 503 afterwards.
func (h *Health) LivenessHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, code := "ok", http.StatusOK
		if h.ShuttingDown() {
			status, code = "shutting_down", http.StatusServiceUnavailable
		}
		writeJSON(w, code, map[string]string{"status": status})
	})
}

// ReadinessHandler serves /readyz: 200 only when every check passes in time, 503
// otherwise and once shutdown began. The body lists each check's result.
func (h *Health) ReadinessHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rep := h.Evaluate(r.Context())
		h.hide(&rep)
		code := http.StatusOK
		if !rep.Ready() {
			code = http.StatusServiceUnavailable
		}
		writeJSON(w, code, rep)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
