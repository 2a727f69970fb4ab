package obs

import (
	"cmp"
	"fmt"
	"net/http"
	"regexp"
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// NewRegistry returns a registry holding the Go runtime and process collectors. Each
// service builds its own registry and passes it around; nothing registers globally.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}

// MetricsHandler serves the registry in the Prometheus exposition formats.
func MetricsHandler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{
		ErrorHandling:     promhttp.ContinueOnError,
		EnableOpenMetrics: true,
	})
}

var serviceName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// MetricName builds futugw_<service>_<what>_<unit>, the name every metric of ours
// follows. what already carries the unit suffix, e.g. "requests_total",
// "request_duration_seconds".
func MetricName(service, what string) string {
	return "futugw_" + service + "_" + what
}

// RegisterBuildInfo registers futugw_<service>_build_info, a constant 1 labelled with
// the module version, VCS revision (when the binary was built with it) and Go version.
func RegisterBuildInfo(reg prometheus.Registerer, service string) error {
	if !serviceName.MatchString(service) {
		return fmt.Errorf("obs: service name %q is not a metric name fragment ([a-z][a-z0-9_]*)", service)
	}
	version, revision := "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = cmp.Or(bi.Main.Version, version)
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && s.Value != "" {
				revision = s.Value
			}
		}
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: MetricName(service, "build_info"),
		Help: "Build information of the " + service + " service; the value is always 1.",
		ConstLabels: prometheus.Labels{
			"version":    version,
			"revision":   revision,
			"go_version": runtime.Version(),
		},
	})
	g.Set(1)
	if err := reg.Register(g); err != nil {
		return fmt.Errorf("obs: register build info: %w", err)
	}
	return nil
}
