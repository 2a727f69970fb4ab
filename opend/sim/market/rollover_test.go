package market

import (
	"cmp"
	"sync"
	"testing"
	"time"

	"github.com/futugw/gateway/opend/sim/calendar"
)

// testClock is a clock that tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func TestRollover(t *testing.T) {
	hk := calendar.Location(calendar.HK)
	ny := calendar.Location(calendar.US)
	at := func(y int, mo time.Month, d, h int) time.Time { return time.Date(y, mo, d, h, 0, 0, 0, hk) }
	tests := []struct {
		name string
		from time.Time
		to   time.Time
		roll bool
		key  string // "" = HK.00700
	}{
		{"next trading day", at(2025, 1, 2, 10), at(2025, 1, 3, 10), true, ""},
		{"at local midnight", at(2025, 1, 2, 15), at(2025, 1, 3, 0), true, ""},
		{"same day", at(2025, 1, 2, 10), at(2025, 1, 2, 23), false, ""},
		{"saturday", at(2025, 1, 3, 10), at(2025, 1, 4, 10), false, ""},
		{"weekend to monday", at(2025, 1, 3, 10), at(2025, 1, 6, 9), true, ""},
		{"new year holiday", at(2024, 12, 31, 10), at(2025, 1, 1, 10), false, ""},
		{"after the holiday", at(2024, 12, 31, 10), at(2025, 1, 2, 10), true, ""},
		{"US before New York's midnight", time.Date(2025, 1, 2, 15, 0, 0, 0, ny), time.Date(2025, 1, 2, 23, 59, 0, 0, ny), false, "US.AAPL"},
		{"US at New York's midnight", time.Date(2025, 1, 2, 15, 0, 0, 0, ny), time.Date(2025, 1, 3, 0, 0, 0, 0, ny), true, "US.AAPL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := &testClock{t: tc.from}
			m := New(Config{Seed: 3, Now: clk.Now})
			key := cmp.Or(tc.key, Key(MarketHK, "00700"))
			for range 50 {
				m.Step(key)
			}
			old, _ := m.QuoteByKey(key)
			clk.Set(tc.to)
			q, _ := m.QuoteByKey(key)
			if !tc.roll {
				if q != old {
					t.Fatalf("rolled over: %+v, was %+v", q, old)
				}
				return
			}
			if q.Date != dayOf(q.Market, tc.to) || q.LastClose != old.Cur || q.Volume != 0 || q.Turnover != 0 ||
				q.Open != old.Cur || q.High != old.Cur || q.Low != old.Cur || q.Seq != old.Seq {
				t.Fatalf("after rollover %+v, before %+v", q, old)
			}
			s, ok := m.Step(key)
			if !ok || s.Open != s.Cur || s.High != s.Cur || s.Low != s.Cur || s.Volume != s.LastVolume ||
				s.LastClose != old.Cur {
				t.Fatalf("first trade of the day %+v", s)
			}
			for range 20 {
				s, _ = m.Step(key)
			}
			if s.Open == s.High && s.Open == s.Low || s.Volume <= s.LastVolume {
				t.Errorf("day does not accumulate: %+v", s)
			}
		})
	}
}

// A quote that never traded keeps its reference close across a rollover.
func TestRolloverUntraded(t *testing.T) {
	hk := calendar.Location(calendar.HK)
	clk := &testClock{t: time.Date(2025, 1, 2, 10, 0, 0, 0, hk)}
	m := New(Config{Seed: 3, Now: clk.Now})
	key := Key(MarketHK, "00700")
	old, _ := m.QuoteByKey(key)
	clk.Set(clk.Now().AddDate(0, 0, 1))
	q, _ := m.QuoteByKey(key)
	if q.LastClose != old.LastClose || q.Date == old.Date {
		t.Errorf("untraded rollover %+v, was %+v", q, old)
	}
}

// BenchmarkStep is one Step of a stock, the rollover check included.
func BenchmarkStep(b *testing.B) {
	m := New(Config{Seed: 1, Now: fixedClock})
	key := Key(MarketHK, "00700")
	b.ReportAllocs()
	for b.Loop() {
		m.Step(key)
	}
}
