package proctest

import (
	"strings"
	"syscall"
	"testing"
)

// Service describes the lifecycle check every service binary must pass.
type Service struct {
	Pkg    string   // main package to build; "." when empty
	Args   []string // flags; put every listener on 127.0.0.1:0
	Env    []string // extra environment, "KEY=value"
	Metric string   // a metric name /metrics must contain, e.g. "futugw_auth_build_info"

	HTTPServer string // server name of the HTTP listener in the "listening" log; "admin" when empty
	GRPC       bool   // the binary also serves gRPC (server name "grpc")

	// While, when set, runs extra checks against the running process; base is
	// "http://<http listener>".
	While func(t *testing.T, p *Proc, base string)
}

// Check builds and starts the binary, waits for /healthz and /readyz to answer 200,
// scrapes /metrics, checks gRPC health when the service has gRPC, then sends SIGTERM
// and expects exit code 0 with "shutdown complete" as the final JSON log line.
func Check(t *testing.T, s Service) {
	t.Helper()
	p := s.start(t, s.Args)
	base := "http://" + p.Addr(s.HTTPServer)

	WaitHTTP(t, base+"/healthz", 200)
	if body := WaitHTTP(t, base+"/readyz", 200); !strings.Contains(body, `"status":"ready"`) {
		t.Errorf("/readyz body = %s", body)
	}
	code, ctype, body := Get(t, base+"/metrics")
	if code != 200 || !strings.HasPrefix(ctype, "text/plain") {
		t.Errorf("/metrics = %d %q", code, ctype)
	}
	if !strings.Contains(body, "# TYPE "+s.Metric+" ") || !strings.Contains(body, "\n"+s.Metric+"{") {
		t.Errorf("/metrics lacks %s", s.Metric)
	}
	if s.GRPC {
		WaitGRPCServing(t, p.Addr("grpc"), "")
		WaitGRPCServing(t, p.Addr("grpc"), "grpc.health.v1.Health")
	}
	if s.While != nil {
		s.While(t, p, base)
	}

	p.Signal(syscall.SIGTERM)
	if code := p.Wait(); code != 0 {
		t.Fatalf("exit code %d after SIGTERM; output:\n%s", code, p.Output())
	}
	recs := p.Records()
	if len(recs) == 0 {
		t.Fatal("no log output")
	}
	for _, r := range recs {
		if _, raw := r["raw"]; raw {
			t.Errorf("non-JSON log line: %s", r["raw"])
		}
	}
	last := recs[len(recs)-1]
	if last.Msg() != "shutdown complete" || last.Str("level") != "INFO" {
		t.Errorf("final log line = %v, want an INFO \"shutdown complete\"", last)
	}
}

// start builds and starts the service with args, filling in the defaults of Pkg and
// HTTPServer.
func (s *Service) start(t *testing.T, args []string) *Proc {
	t.Helper()
	if s.Pkg == "" {
		s.Pkg = "."
	}
	if s.HTTPServer == "" {
		s.HTTPServer = "admin"
	}
	return Start(t, Build(t, s.Pkg), s.Env, args...)
}
