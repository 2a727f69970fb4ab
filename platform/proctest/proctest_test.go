package proctest

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestCheckService(t *testing.T) {
	Check(t, Service{
		Pkg:    "./testdata/svc",
		Args:   []string{"-admin-addr", "127.0.0.1:0", "-grpc-addr", "127.0.0.1:0"},
		Metric: "futugw_svc_build_info",
		GRPC:   true,
		While: func(t *testing.T, p *Proc, base string) {
			if r := p.WaitLog(func(r Record) bool { return r.Msg() == "started" }); r.Str("service") != "svc" {
				t.Errorf("started record = %v", r)
			}
			if _, err := os.Stat(fmt.Sprintf("/proc/%d/stat", p.Pid())); p.Pid() <= 0 || err != nil && runtime.GOOS == "linux" {
				t.Errorf("Pid() = %d: %v", p.Pid(), err)
			}
		},
	})
}
