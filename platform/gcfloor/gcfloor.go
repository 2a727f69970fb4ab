// Package gcfloor keeps the garbage collector's heap goal at or above a floor while the
// live heap is small.
//
// Why: with GOGC=100 the heap goal is twice the live heap, and never less than 4 MiB.
// A service whose live heap is a few MiB but which allocates a few KB per request
// therefore collects every few hundred requests, and each cycle shows at the tail of
// its latency. Raising GOGC for good would fix that but also multiply the memory of a
// process whose live heap is large. A floor does neither: while the live heap is small
// the goal is the floor, and once the live heap times (1+GOGC/100) reaches the floor
// the GC runs exactly as GOGC says.
//
// After every GC cycle the GC percent is set to the smallest value whose heap goal
// reaches the floor, never below the GOGC in effect at Start, and never above 10000
// unless that GOGC already is.
//
// GOMEMLIMIT keeps working as the hard ceiling: the runtime uses the lower of the two
// goals, so a floor above the memory limit does not take the heap past the limit.
// GOGC=off, or a floor of 0, turns the floor off.
package gcfloor

import (
	"math/bits"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

const (
	// maxPercent bounds the GC percent the floor sets, whatever the floor.
	maxPercent = 10000
	// minHeap is the runtime's minimum heap goal at GOGC=100. It scales with the GC
	// percent (4 MiB × GOGC/100), so with a tiny live heap it, not the live heap,
	// decides when the goal reaches the floor.
	minHeap = 4 << 20
)

// Start keeps the heap goal at least floor bytes until stop is called; stop puts back
// the GC percent that was in effect at Start. It starts no goroutine: the percent is
// re-evaluated by a cleanup the runtime runs after each GC cycle.
//
// When floor is 0 or the GC is off (GOGC=off), Start does nothing. Only one floor
// should be active in a process at a time, and nothing else should change the GC
// percent meanwhile (stop would undo it).
func Start(floor uint64) (stop func()) {
	live, base := read()
	if floor == 0 || base < 0 {
		return func() {}
	}
	f := &floorer{floor: floor, base: base}
	f.mu.Lock()
	f.apply(live)
	f.mu.Unlock()
	return f.stop
}

// floorer holds one active floor; mu orders the cleanup's updates with stop.
type floorer struct {
	floor uint64
	base  int

	mu      sync.Mutex
	stopped bool
	cleanup runtime.Cleanup // of the current sentinel
}

// sentinel is an object that nothing references, so the next GC cycle frees it and
// the runtime then calls afterGC. Its pointer field keeps it out of the tiny
// allocator, whose blocks can hold it alive together with unrelated objects.
type sentinel struct{ _ *byte }

// apply sets the GC percent for the live heap and arms a sentinel for the next
// cycle. f.mu is held.
func (f *floorer) apply(live uint64) {
	debug.SetGCPercent(percent(f.floor, live, f.base))
	f.cleanup = runtime.AddCleanup(new(sentinel), (*floorer).afterGC, f)
}

// afterGC runs after the GC cycle that freed the last sentinel.
func (f *floorer) afterGC() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return
	}
	live, _ := read()
	f.apply(live)
}

func (f *floorer) stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return
	}
	f.stopped = true
	f.cleanup.Stop()
	debug.SetGCPercent(f.base)
}

// read returns the live heap after the last GC cycle and the GC percent now in
// effect (negative when the GC is off).
func read() (live uint64, gcPercent int) {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	// The percent is an int32 in the runtime, reported as uint64: GOGC=off (-1)
	// arrives as 2^64-1.
	return s[0].Value.Uint64(), int(int32(s[1].Value.Uint64()))
}

// percent returns the GC percent for a live heap: the smallest whose heap goal
// reaches floor, but at least base and at most maxPercent. The goal is the larger of
// live×(1+p/100) and minHeap×p/100, so p = ceil(100×(floor−live)/live) is enough, and
// while the live heap is below minHeap, ceil(100×floor/minHeap) is enough and smaller.
func percent(floor, live uint64, base int) int {
	if floor <= live {
		return base
	}
	p := min(ceilPercent(floor-live, live), ceilPercent(floor, minHeap))
	return max(base, p)
}

// ceilPercent returns ceil(100×a/b), or maxPercent if that is more (or b is 0).
func ceilPercent(a, b uint64) int {
	if b == 0 || a/b >= maxPercent/100 {
		return maxPercent
	}
	hi, lo := bits.Mul64(a, 100)
	lo, carry := bits.Add64(lo, b-1, 0)
	q, _ := bits.Div64(hi+carry, lo, b) // q < maxPercent, so no overflow
	return int(q)
}
