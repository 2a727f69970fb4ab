package drills

import (
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/futugw/gateway/bench/loadgen"
)

// envInt is a load drill's size from the environment: def when name is unset, a
// fatal error when it is not a positive integer.
func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// envDuration is envInt for a duration.
func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("%s=%q: want a positive duration", name, v)
	}
	return d
}

// cpuByProcess is the CPU time each process of pids has used so far, and this
// test process's as "load generator".
func cpuByProcess(t *testing.T, pids map[string]int) map[string]time.Duration {
	t.Helper()
	cpu := make(map[string]time.Duration, len(pids)+1)
	for name, pid := range pids {
		d, err := loadgen.ProcCPU(pid)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cpu[name] = d
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	cpu["load generator"] = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return cpu
}
