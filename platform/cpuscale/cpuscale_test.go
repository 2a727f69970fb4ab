package cpuscale

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
)

func TestObserve(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	type sample struct {
		at    time.Duration // since t0
		cores float64
		want  int // GOMAXPROCS after the sample
	}
	for _, tt := range []struct {
		name    string
		samples []sample
	}{
		{"idle stays on one", []sample{{0, 0.01, 1}, {time.Minute, 0.39, 1}, {2 * time.Minute, 0, 1}}},
		{"busy goes to max at once", []sample{{0, 0.05, 1}, {100 * time.Millisecond, 0.4, 4}, {200 * time.Millisecond, 2.5, 4}}},
		{"back to one only after a quiet run", []sample{
			{0, 0.9, 4},
			{1 * time.Second, 0.1, 4}, // the quiet run starts
			{5 * time.Second, 0.1, 4},
			{10 * time.Second, 0.1, 4},
			{11 * time.Second, 0.14, 1}, // 10 s of quiet
		}},
		{"a busy sample restarts the quiet run", []sample{
			{0, 0.9, 4},
			{1 * time.Second, 0.1, 4},
			{8 * time.Second, 0.2, 4}, // at or above Down: not quiet
			{9 * time.Second, 0.1, 4},
			{18 * time.Second, 0.1, 4},
			{19 * time.Second, 0.1, 1},
		}},
		{"and up again", []sample{{0, 0.9, 4}, {time.Second, 0, 4}, {12 * time.Second, 0, 1}, {13 * time.Second, 1, 4}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			procs := 1
			var changes []int
			o := Options{Max: 4, OnChange: func(p int, _ float64) { changes = append(changes, p) },
				set: func(n int) int { old := procs; procs = n; return old }}
			o.defaults()
			s := &scaler{o: o, procs: 1}
			for i, sm := range tt.samples {
				s.observe(t0.Add(sm.at), sm.cores)
				if procs != sm.want || s.procs != sm.want {
					t.Fatalf("sample %d (%.2f cores at %v): GOMAXPROCS %d, want %d", i, sm.cores, sm.at, procs, sm.want)
				}
			}
			for i := 1; i < len(changes); i++ {
				if changes[i] == changes[i-1] {
					t.Fatalf("OnChange repeated %d: %v", changes[i], changes)
				}
			}
		})
	}
}

// TestStartScalesTheRuntime runs the scaler on this process: one P at the start, every
// P while two goroutines burn CPU, one again after a quiet spell, and the original
// GOMAXPROCS after stop.
func TestStartScalesTheRuntime(t *testing.T) {
	maxProcs := runtime.GOMAXPROCS(0)
	if maxProcs < 2 {
		t.Skip("one CPU: nothing to scale")
	}
	stop := Start(Options{Interval: 20 * time.Millisecond, Up: 0.3, Down: 0.15, DownAfter: 200 * time.Millisecond})
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Fatalf("GOMAXPROCS %d after Start, want 1", got)
	}
	var burn atomic.Bool
	burn.Store(true)
	for range 2 {
		go func() {
			x := 0
			for burn.Load() {
				x++
			}
			_ = x
		}()
	}
	waitProcs(t, maxProcs, "while busy")
	burn.Store(false)
	waitProcs(t, 1, "after a quiet spell")
	stop()
	stopped = true
	if got := runtime.GOMAXPROCS(0); got != maxProcs {
		t.Fatalf("GOMAXPROCS %d after stop, want %d", got, maxProcs)
	}
}

func waitProcs(t *testing.T, want int, when string) {
	t.Helper()
	testkit.Eventually(t, 10*time.Second, fmt.Sprintf("GOMAXPROCS %d %s", want, when),
		func() bool { return runtime.GOMAXPROCS(0) == want })
}

func TestStartWithOneCPUChangesNothing(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	stop := Start(Options{Max: 1})
	stop()
	if got := runtime.GOMAXPROCS(0); got != before {
		t.Fatalf("GOMAXPROCS %d, want %d untouched", got, before)
	}
}
