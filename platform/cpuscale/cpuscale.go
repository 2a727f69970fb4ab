// Package cpuscale runs a process's Go code on one CPU while the process is nearly
// idle and on all of its CPUs once it is busy.
//
// Why: with more than one P, every goroutine hand-off in an otherwise idle process
// (a socket's reader waking a handler, a handler waking gRPC's writer) also wakes a
// second thread on another CPU to look for work, and on a small or virtual machine
// that wake-up is paid on the request's path. One P can answer a lone request
// faster (docs/benchmarks.md), while a busy process (a large WebSocket fan-out)
// needs every CPU. The scaler watches the process's CPU time and switches between
// the two, with hysteresis. It is opt-in: the edge starts it only with
// -gomaxprocs-scale.
package cpuscale

import (
	"runtime"
	"syscall"
	"time"

	"github.com/futugw/gateway/platform/config"
)

// Options tune the scaler; zero values take the defaults.
type Options struct {
	// Max is the busy GOMAXPROCS; default: the GOMAXPROCS in effect at Start (which
	// follows a container's CPU limit). Setting GOMAXPROCS ends the runtime's own
	// updates, so a limit changed later is not followed.
	Max int
	// Interval is how often CPU use is sampled; default 100 ms.
	Interval time.Duration
	// Up is the CPU use (in cores, over one interval) at which the scaler goes to
	// Max; default 0.4, where one CPU starts to queue work noticeably.
	Up float64
	// Down is the CPU use under which, held for DownAfter, it goes back to one;
	// defaults 0.15 and 10 s, so a bursty load does not flap.
	Down      float64
	DownAfter time.Duration
	// OnChange, when set, is told every change (for a log line).
	OnChange func(procs int, cores float64)

	// For tests: the process's CPU time, the clock and the GOMAXPROCS setter.
	cpu func() time.Duration
	now func() time.Time
	set func(int) int
}

func (o *Options) defaults() {
	if o.set == nil {
		o.set = runtime.GOMAXPROCS
	}
	if o.Max <= 0 {
		o.Max = o.set(0)
	}
	o.Interval = config.OrDefault(o.Interval, 100*time.Millisecond)
	o.Up = config.OrDefault(o.Up, 0.4)
	o.Down = config.OrDefault(o.Down, 0.15)
	o.DownAfter = config.OrDefault(o.DownAfter, 10*time.Second)
	if o.cpu == nil {
		o.cpu = processCPU
	}
	if o.now == nil {
		o.now = time.Now
	}
}

// Start sets GOMAXPROCS to one and scales it from there until stop is called, which
// restores the GOMAXPROCS in effect before Start. With Max <= 1 it changes nothing.
func Start(o Options) (stop func()) {
	o.defaults()
	if o.Max <= 1 {
		return func() {}
	}
	before := o.set(1)
	s := &scaler{o: o, procs: 1}
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(o.Interval)
		defer t.Stop()
		lastCPU, lastAt := o.cpu(), o.now()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			cpu, at := o.cpu(), o.now()
			if wall := at.Sub(lastAt); wall > 0 {
				s.observe(at, float64(cpu-lastCPU)/float64(wall))
			}
			lastCPU, lastAt = cpu, at
		}
	}()
	return func() {
		close(done)
		<-exited
		o.set(before)
	}
}

// scaler holds the decision state; observe is its only step.
type scaler struct {
	o        Options
	procs    int
	lowSince time.Time // start of the current run of low samples at Max; zero: none
}

// observe takes one sample of CPU use (cores) at now and changes GOMAXPROCS when the
// use calls for it.
func (s *scaler) observe(now time.Time, cores float64) {
	switch {
	case s.procs == 1 && cores >= s.o.Up:
		s.change(s.o.Max, cores)
	case s.procs > 1 && cores < s.o.Down:
		if s.lowSince.IsZero() {
			s.lowSince = now
		}
		if now.Sub(s.lowSince) >= s.o.DownAfter {
			s.change(1, cores)
		}
	default:
		s.lowSince = time.Time{}
	}
}

func (s *scaler) change(procs int, cores float64) {
	s.procs, s.lowSince = procs, time.Time{}
	s.o.set(procs)
	if s.o.OnChange != nil {
		s.o.OnChange(procs, cores)
	}
}

// processCPU is the CPU time the process used so far, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
