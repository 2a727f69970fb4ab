package qot

import (
	"testing"
	"time"
)

// TestQuotaShared walks Futu's quota rules through one registry: the quota is
// shared by the connections, a pair held twice is one slot, it is freed when
// the last holder lets go, and a closed connection's pair held under a minute
// keeps its slot until the minute is up.
func TestQuotaShared(t *testing.T) {
	t0 := time.Unix(0, 0)
	r := newRegistry[int](2, time.Minute)
	a, b, c, d := pair{"HK.00700", SubBasic}, pair{"HK.00700", SubTicker}, pair{"US.AAPL", SubBasic}, pair{"US.MSFT", SubBasic}
	steps := []struct {
		name      string
		at        time.Duration
		op        func(now time.Time) error
		wantErr   bool
		wantTotal int
	}{
		{"1 takes a", 0, func(now time.Time) error { return subAt(r, 1, a, now) }, false, 1},
		{"2 takes a too: same slot", 0, func(now time.Time) error { return subAt(r, 2, a, now) }, false, 1},
		{"2 takes b", 10 * time.Second, func(now time.Time) error { return subAt(r, 2, b, now) }, false, 2},
		{"1 cannot take c: the quota is shared", 10 * time.Second, func(now time.Time) error { return subAt(r, 1, c, now) }, true, 2},
		{"1 lets a go, 2 still holds it", time.Minute, func(now time.Time) error { return r.unsubscribe(1, []pair{a}, now) }, false, 2},
		{"2 closes: a freed, b (held 55s) lingers", 65 * time.Second, func(now time.Time) error { r.drop(2, now); return nil }, false, 1},
		{"1 takes c", 66 * time.Second, func(now time.Time) error { return subAt(r, 1, c, now) }, false, 2},
		{"1 cannot take d while b lingers", 69 * time.Second, func(now time.Time) error { return subAt(r, 1, d, now) }, true, 2},
		{"1 takes the lingering b: no new slot", 69 * time.Second, func(now time.Time) error { return subAt(r, 1, b, now) }, false, 2},
		{"1 lets b go after its own hold", 129 * time.Second, func(now time.Time) error { return r.unsubscribe(1, []pair{b}, now) }, false, 1},
		{"1 takes d", 129 * time.Second, func(now time.Time) error { return subAt(r, 1, d, now) }, false, 2},
	}
	for _, st := range steps {
		now := t0.Add(st.at)
		if err := st.op(now); (err != nil) != st.wantErr {
			t.Fatalf("%s: err = %v, want error %v", st.name, err, st.wantErr)
		}
		if got := r.total(now); got != st.wantTotal {
			t.Fatalf("%s: total %d, want %d", st.name, got, st.wantTotal)
		}
	}
	if got := r.used(1); got != 2 {
		t.Errorf("connection 1 uses %d slots, want 2 (c, d)", got)
	}
}

// TestQuotaLingerExpires: a closed connection's young pairs stop counting when
// their minute is up, without any other event.
func TestQuotaLingerExpires(t *testing.T) {
	t0 := time.Unix(0, 0)
	r := newRegistry[int](5, time.Minute)
	for _, p := range []pair{{"HK.00700", SubBasic}, {"US.AAPL", SubBasic}} {
		if err := subAt(r, 1, p, t0); err != nil {
			t.Fatal(err)
		}
	}
	r.drop(1, t0.Add(20*time.Second))
	tests := []struct {
		at   time.Duration
		want int
	}{
		{20 * time.Second, 2},
		{59 * time.Second, 2},
		{time.Minute, 0},
	}
	for _, tt := range tests {
		if got := r.total(t0.Add(tt.at)); got != tt.want {
			t.Errorf("at %s: total %d, want %d", tt.at, got, tt.want)
		}
	}
	if len(r.conns) != 0 || len(r.keys()) != 0 {
		t.Errorf("closed connection left state: %v %v", r.conns, r.keys())
	}
}

func subAt(r *registry[int], c int, p pair, now time.Time) error {
	_, err := r.subscribe(c, []pair{p}, false, now)
	return err
}
