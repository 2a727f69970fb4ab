package kline

import (
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/futugw/gateway/opend/sim/market"
)

// liveDay runs the market's walk for HK.00700 through today's morning, the
// lunch break and part of the afternoon, feeding a Builder.
func liveDay(t *testing.T) (*Series, *Builder, market.Quote) {
	t.Helper()
	hkt := time.FixedZone("HKT", 8*3600)
	now := time.Date(2026, 12, 4, 9, 30, 0, 0, hkt)
	inst := market.DefaultUniverse()[0]
	m := market.New(market.Config{Seed: 4, Universe: []market.Instrument{inst}, Now: func() time.Time { return now }})
	q0, _ := m.QuoteByKey(inst.Key())
	s := NewHistory(Config{Seed: 4, Today: today}).Series(SecurityOf(inst, q0.LastClose))
	b := s.NewBuilder(q0.Open)
	cancel := m.OnTick(func(q market.Quote) {
		if !b.Add(TickOf(q)) {
			t.Errorf("tick at %s refused", q.Updated)
		}
	})
	defer cancel()
	var q market.Quote
	for end := now.Add(4*time.Hour + 3*time.Minute); now.Before(end); now = now.Add(7 * time.Second) {
		q, _ = m.Step(inst.Key())
	}
	return s, b, q
}

// The builder's bars of every period equal the aggregate of its minute bars;
// the push (Current) is the last bar of the pull (Bars); the day bar is the
// live quote's day and continues from the last history close.
func TestBuilderAgreesWithAggregate(t *testing.T) {
	s, b, q := liveDay(t)
	mins := b.Minutes()
	if len(mins) != 150+33 {
		t.Fatalf("%d minutes, want 183 (morning, afternoon to 13:33)", len(mins))
	}
	for _, kl := range livePeriods[:10] {
		got, want := b.Bars(kl, RehabNone), Aggregate(mins, KL1Min, kl, s.cal)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("kl=%d: builder %d bars != aggregate %d bars", kl, len(got), len(want))
		}
		if cur, _ := b.Current(kl, RehabNone); cur != got[len(got)-1] {
			t.Errorf("kl=%d: push %+v != last pulled bar %+v", kl, cur, got[len(got)-1])
		}
	}
	d, _ := b.Current(KLDay, RehabNone)
	if want := Aggregate(mins, KL1Min, KLDay, s.cal)[0]; d != want {
		t.Errorf("day %+v != aggregate %+v", d, want)
	}
	if d.Open != q.Open || d.High != q.High || d.Low != q.Low || d.Close != q.Cur || d.Volume != q.Volume ||
		math.Abs(d.Turnover-q.Turnover) > 1e-3 || d.LastClose != q.LastClose || s.LastClose() != q.LastClose {
		t.Errorf("day bar %+v disagrees with quote %+v (history close %v)", d, q, s.LastClose())
	}
	if mins[0].Open != q.Open || mins[0].LastClose != s.LastClose() {
		t.Errorf("first minute %+v does not continue from %v", mins[0], s.LastClose())
	}
}

// Week and longer bars fold the period's history days with today.
func TestBuilderLongPeriods(t *testing.T) {
	s, b, _ := liveDay(t)
	for rt := RehabNone; rt <= RehabBackward; rt++ {
		todayBar := Adjust([]Bar{Aggregate(b.Minutes(), KL1Min, KLDay, s.cal)[0]}, s.acts, rt)
		days := append(Adjust(s.DayBars(day(s, 2026, 1, 1), day(s, 2026, 12, 3)), s.acts, rt), todayBar...)
		for _, kl := range []KLType{KLWeek, KLMonth, KLQuarter, KLYear} {
			want := Aggregate(days, KLDay, kl, s.cal)
			got, ok := b.Current(kl, rt)
			if !ok {
				t.Fatalf("kl=%d: no bar", kl)
			}
			sameOHLCV(t, fmt.Sprintf("kl=%d rehab=%d", kl, rt), got, want[len(want)-1])
		}
	}
	if w, _ := b.Current(KLWeek, RehabNone); w.TimeString() != "2026-11-30 00:00:00" {
		t.Errorf("week label %s", w.TimeString())
	}
}

func TestBuilderRefusesOtherDays(t *testing.T) {
	s := testSeries(t, 1, testSecurities()[0])
	b := s.NewBuilder(0)
	if b.Add(Tick{Price: 480, Volume: 100, Time: today.Add(-24 * time.Hour)}) {
		t.Error("accepted yesterday's tick")
	}
	if _, ok := b.Current(KL1Min, RehabNone); ok {
		t.Error("bar before any tick")
	}
}

func TestBuilderConcurrent(t *testing.T) {
	s := testSeries(t, 1, testSecurities()[0])
	b := s.NewBuilder(0)
	start := time.Date(2026, 12, 4, 9, 30, 0, 0, s.loc)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				if g%2 == 0 {
					b.Add(Tick{Price: 480 + float64(i%5)/5, Volume: 100, Time: start.Add(time.Duration(i) * time.Second)})
				} else {
					b.Bars(KL5Min, RehabForward)
					b.Current(KLWeek, RehabBackward)
				}
			}
		})
	}
	wg.Wait()
	if d, _ := b.Current(KLDay, RehabNone); d.Volume != 2*200*100 {
		t.Errorf("volume %d", d.Volume)
	}
}
