package proctest

import (
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// ProcsCase is one start of a service binary and the GOMAXPROCS it must report.
type ProcsCase struct {
	Env, Args []string
	Want      int
}

// CheckGOMAXPROCS starts bin once per case with args followed by the case's own,
// reads go_sched_gomaxprocs_threads from the /metrics of the named HTTP server
// ("admin", "http") and stops it with SIGTERM.
func CheckGOMAXPROCS(t *testing.T, bin, server string, args []string, cases ...ProcsCase) {
	t.Helper()
	for _, c := range cases {
		p := Start(t, bin, c.Env, append(append([]string{}, args...), c.Args...)...)
		_, _, body := Get(t, "http://"+p.Addr(server)+"/metrics")
		if !strings.Contains(body, "\ngo_sched_gomaxprocs_threads "+strconv.Itoa(c.Want)+"\n") {
			t.Errorf("env %v args %v: go_sched_gomaxprocs_threads is not %d", c.Env, c.Args, c.Want)
		}
		p.Signal(syscall.SIGTERM)
		p.Wait()
	}
}
