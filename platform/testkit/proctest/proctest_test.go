package proctest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
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

func TestFreePortIsBelowTheEphemeralRange(t *testing.T) {
	lo := ephemeralLow()
	for range 20 {
		port, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		if lo > 11000 && port >= lo {
			t.Fatalf("port %d is in the ephemeral range (from %d)", port, lo)
		}
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			t.Fatalf("port %d not free: %v", port, err)
		}
		l.Close()
	}
}

func TestStartLine(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	// The process keeps running after its first line; the test's end stops it.
	if got := StartLine(t, sh, "-c", "echo ' 127.0.0.1:5 '; echo second; sleep 60"); got != "127.0.0.1:5" {
		t.Fatalf("StartLine = %q", got)
	}
}
