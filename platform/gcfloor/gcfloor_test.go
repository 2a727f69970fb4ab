package gcfloor

import (
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	kib = 1 << 10
	mib = 1 << 20
)

func TestPercent(t *testing.T) {
	tests := []struct {
		name        string
		floor, live uint64
		base, want  int
	}{
		{"no GC yet: the minimum heap reaches the floor", 64 * mib, 0, 100, 1600},
		{"tiny live heap: the minimum heap reaches the floor", 64 * mib, 1 * mib, 100, 1600},
		{"live heap at the minimum heap", 64 * mib, 4 * mib, 100, 1500},
		{"small live heap", 64 * mib, 8 * mib, 100, 700},
		{"rounded up", 64 * mib, 6 * mib, 100, 967},
		{"live heap times two is the floor", 64 * mib, 32 * mib, 100, 100},
		{"base already reaches the floor", 64 * mib, 40 * mib, 100, 100},
		{"live heap at the floor", 64 * mib, 64 * mib, 100, 100},
		{"live heap above the floor", 64 * mib, 200 * mib, 100, 100},
		{"higher base, floor still above", 64 * mib, 16 * mib, 200, 300},
		{"higher base reaches the floor", 64 * mib, 24 * mib, 200, 200},
		{"GOGC=0", 64 * mib, 8 * mib, 0, 700},
		{"floor below the minimum heap", 1 * mib, 0, 100, 100},
		{"floor of one byte", 1, 0, 100, 100},
		{"huge floor is capped", 1 << 40, 1 * mib, 100, maxPercent},
		{"large floor, no GC yet, is capped", 1 << 30, 0, 100, maxPercent},
		{"largest floor is capped", math.MaxUint64, 1, 100, maxPercent},
		{"base above the cap stays", 64 * mib, 1 * mib, 20000, 20000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percent(tt.floor, tt.live, tt.base); got != tt.want {
				t.Errorf("percent(%d, %d, %d) = %d, want %d", tt.floor, tt.live, tt.base, got, tt.want)
			}
		})
	}
}

// goal is the runtime's heap goal for a live heap and GC percent, without stacks and
// globals (which only raise it).
func goal(live uint64, p int) uint64 {
	return max(live+live*uint64(p)/100, minHeap*uint64(p)/100)
}

// TestPercentIsSmallestReachingFloor checks percent against the runtime's goal: the
// goal reaches the floor, and one percent less would not (unless that is base).
func TestPercentIsSmallestReachingFloor(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		floor := r.Uint64N(1<<30) + 1
		live := r.Uint64N(1 << 30)
		base := r.IntN(400)
		p := percent(floor, live, base)
		switch {
		case p < base:
			t.Fatalf("percent(%d, %d, %d) = %d, below base", floor, live, base, p)
		case p < maxPercent && goal(live, p) < floor:
			t.Fatalf("percent(%d, %d, %d) = %d: goal %d below the floor", floor, live, base, p, goal(live, p))
		case p > base && goal(live, p-1) >= floor:
			t.Fatalf("percent(%d, %d, %d) = %d: %d already reaches the floor", floor, live, base, p, p-1)
		}
	}
}

// setPercent sets the GC percent for one test and puts the old one back after it.
func setPercent(t *testing.T, p int) {
	t.Helper()
	old := debug.SetGCPercent(p)
	t.Cleanup(func() { debug.SetGCPercent(old) })
}

func gcPercent() int {
	_, p := read()
	return p
}

var sink []byte

// cycles returns the GC cycles run while allocating n bytes of short-lived garbage.
// It pauses briefly every 128 KiB: objects allocated during a cycle survive it, so a
// cycle that an unthrottled loop outruns (as under -race on two busy cores) would
// raise the next goal and blur the count.
func cycles(n int) uint32 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.NumGC
	for i := range n / (8 * kib) {
		sink = make([]byte, 8*kib)
		if i%16 == 15 {
			time.Sleep(20 * time.Microsecond) // the point: see above
		}
	}
	sink = nil
	runtime.ReadMemStats(&ms)
	return ms.NumGC - before
}

func TestFloorSavesCycles(t *testing.T) {
	setPercent(t, 100)

	runtime.GC()
	without := cycles(32 * mib)

	runtime.GC()
	stop := Start(64 * mib)
	with := cycles(32 * mib)
	stop()

	runtime.GC()
	after := cycles(32 * mib)

	t.Logf("GC cycles for 32 MiB: %d without the floor, %d with a 64 MiB floor, %d after stop", without, with, after)
	if with > 2 {
		t.Errorf("with a 64 MiB floor: %d GC cycles, want at most 2", with)
	}
	if without < 4 {
		t.Errorf("without the floor: %d GC cycles, want at least 4", without)
	}
	if after < 4 {
		t.Errorf("after stop: %d GC cycles, want at least 4", after)
	}
}

func TestStopRestoresBase(t *testing.T) {
	setPercent(t, 150)
	stop := Start(64 * mib)
	if p := gcPercent(); p <= 150 {
		t.Fatalf("with a 64 MiB floor: GC percent %d, want above the base 150", p)
	}
	runtime.GC()
	stop()
	if p := gcPercent(); p != 150 {
		t.Errorf("after stop: GC percent %d, want 150", p)
	}
	// Later cycles must not bring the floor back, and stop may be called again.
	runtime.GC()
	runtime.GC()
	stop()
	time.Sleep(10 * time.Millisecond) // the point: a cleanup queued before stop may still run; nothing says it will not
	if p := gcPercent(); p != 150 {
		t.Errorf("after stop and two cycles: GC percent %d, want 150", p)
	}
}

// TestFollowsLiveHeap checks the re-evaluation after each cycle: the floor lets go
// while the live heap is large, and comes back once it is small again.
func TestFollowsLiveHeap(t *testing.T) {
	setPercent(t, 100)
	stop := Start(64 * mib)
	defer stop()

	// waitPercent runs GC cycles until the cleanup has set a percent that ok accepts.
	waitPercent := func(what string, ok func(int) bool) {
		t.Helper()
		if !testkit.Within(10*time.Second, func() bool { runtime.GC(); return ok(gcPercent()) }) {
			t.Fatalf("%s: GC percent still %d", what, gcPercent())
		}
	}

	keep := make([]byte, 48*mib) // live×2 is above the floor: plain GOGC
	waitPercent("48 MiB live", func(p int) bool { return p == 100 })
	runtime.KeepAlive(keep) // garbage from here on
	waitPercent("small live heap", func(p int) bool { return p > 100 })
}

func TestNoOp(t *testing.T) {
	t.Run("GOGC=off", func(t *testing.T) {
		setPercent(t, -1)
		stop := Start(64 * mib)
		runtime.GC()
		if p := gcPercent(); p != -1 {
			t.Errorf("GC percent %d, want -1 (off)", p)
		}
		stop()
		if p := gcPercent(); p != -1 {
			t.Errorf("after stop: GC percent %d, want -1 (off)", p)
		}
	})
	t.Run("floor 0", func(t *testing.T) {
		setPercent(t, 100)
		stop := Start(0)
		runtime.GC()
		if p := gcPercent(); p != 100 {
			t.Errorf("GC percent %d, want 100", p)
		}
		stop()
	})
}
