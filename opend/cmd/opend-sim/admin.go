package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/futugw/gateway/opend/freqlimit"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/platform/obs"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// admin serves /metrics, /healthz and /readyz on its own listener.
type admin struct {
	srv   *http.Server
	ready atomic.Bool
	wg    sync.WaitGroup
}

// countFreqRefusals makes cfg's simulator count the requests it refuses for
// frequency into the returned counter, by proto id. Every limited proto id is
// present from the start (at 0) unless the limits are off, so a load test reads "no
// refusal" from it rather than from a missing series.
func countFreqRefusals(cfg *sim.Config) *prometheus.CounterVec {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "futugw_opendsim_freq_refusals_total",
		Help: "Requests refused for OpenD's frequency limits (retType -1, errCode 1006), by proto id.",
	}, []string{"proto_id"})
	label := func(id uint32) string { return strconv.FormatUint(uint64(id), 10) }
	if !cfg.FreqLimits.Off {
		for _, r := range freqlimit.All() {
			v.WithLabelValues(label(r.ID))
		}
	}
	cfg.OnFreqRefusal = func(id uint32) { v.WithLabelValues(label(id)).Inc() }
	return v
}

func startAdmin(addr string, s *sim.Sim, refusals *prometheus.CounterVec, log *slog.Logger) (*admin, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "futugw_opendsim_connections",
			Help: "Open OpenD protocol connections.",
		}, func() float64 { return float64(s.ConnCount()) }),
		refusals,
	)

	a := &admin{}
	a.ready.Store(true)
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !a.ready.Load() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin listen %s: %w", addr, err)
	}
	a.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("admin serving", "admin_addr", ln.Addr().String())
	a.wg.Go(func() {
		if err := a.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin server stopped", obs.Err(err))
		}
	})
	return a, nil
}

func (a *admin) setReady(ok bool) { a.ready.Store(ok) }

func (a *admin) shutdown(ctx context.Context) error {
	err := a.srv.Shutdown(ctx)
	a.wg.Wait()
	return err
}
