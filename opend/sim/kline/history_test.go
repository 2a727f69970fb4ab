package kline

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/futugw/gateway/opend/sim/market"
)

func TestDeterministic(t *testing.T) {
	for _, sec := range testSecurities() {
		a, b, c := testSeries(t, 42, sec), testSeries(t, 42, sec), testSeries(t, 43, sec)
		from, to := today.AddDate(-2, 0, 0), today
		if !reflect.DeepEqual(a.DayBars(from, to), b.DayBars(from, to)) || !reflect.DeepEqual(a.Actions(), b.Actions()) {
			t.Errorf("%s: same seed, different history", sec.Key)
		}
		d := a.days[5]
		ma, _ := a.Minutes(d)
		mb, _ := b.Minutes(d)
		mc, _ := c.Minutes(d)
		if !reflect.DeepEqual(ma, mb) {
			t.Errorf("%s: same seed, different minutes", sec.Key)
		}
		if reflect.DeepEqual(ma, mc) || reflect.DeepEqual(a.DayBars(from, to), c.DayBars(from, to)) {
			t.Errorf("%s: different seeds, same bars", sec.Key)
		}
	}
}

// Each day opens near the previous close, which is its LastClose (through an
// ex-date's action), and history ends at the live walk's reference price.
func TestContinuity(t *testing.T) {
	for _, sec := range testSecurities() {
		s := testSeries(t, 5, sec)
		first, last, ok := s.Span()
		if !ok || !last.Equal(day(s, 2026, 12, 3)) {
			t.Fatalf("%s: span %v %v", sec.Key, first, last)
		}
		if want := market.Snap(sec.Market, sec.LastClose); s.LastClose() != want {
			t.Errorf("%s: last close %v, want %v", sec.Key, s.LastClose(), want)
		}
		if !sec.Listed.IsZero() && first.Before(day(s, 2020, 1, 2)) {
			t.Errorf("%s: history before listing: %v", sec.Key, first)
		}
		if years := last.Sub(first).Hours() / 24 / 365; sec.Listed.IsZero() && years < 9.9 {
			t.Errorf("%s: %.1f years of history", sec.Key, years)
		}
		exDates := map[time.Time]Action{}
		for _, a := range s.Actions() {
			exDates[a.ExDate] = a
		}
		bars := s.DayBars(first, last)
		if len(bars) != s.served {
			t.Fatalf("%s: %d day bars, %d days", sec.Key, len(bars), s.served)
		}
		for i := 1; i < len(bars); i++ {
			prev, b := bars[i-1], bars[i]
			want := prev.Close
			if a, ok := exDates[b.Time]; ok {
				want = round6(a.forward(prev.Close))
			}
			if b.LastClose != want {
				t.Fatalf("%s %s: last close %v, previous close %v", sec.Key, b.TimeString(), b.LastClose, want)
			}
			if gap := math.Abs(b.Open/b.LastClose - 1); gap > 0.05 {
				t.Errorf("%s %s: open %v gaps %.1f%% from %v", sec.Key, b.TimeString(), b.Open, gap*100, b.LastClose)
			}
			if !(b.Low <= min(b.Open, b.Close) && b.High >= max(b.Open, b.Close)) || b.Volume <= 0 {
				t.Fatalf("%s %s: bad bar %+v", sec.Key, b.TimeString(), b)
			}
			if vwap := b.Turnover / float64(b.Volume); vwap < b.Low || vwap > b.High {
				t.Errorf("%s %s: vwap %v outside [%v, %v]", sec.Key, b.TimeString(), vwap, b.Low, b.High)
			}
		}
		mins, _ := s.Minutes(last)
		for i, m := range mins {
			if i > 0 && (m.Open != mins[i-1].Close || m.LastClose != mins[i-1].Close) {
				t.Fatalf("%s minute %d opens at %v after close %v", sec.Key, i, m.Open, mins[i-1].Close)
			}
			if avg := m.Turnover / float64(m.Volume); m.Volume > 0 && (avg < m.Low*(1-1e-12) || avg > m.High*(1+1e-12)) {
				t.Errorf("%s minute %d: average %v outside [%v, %v]", sec.Key, i, avg, m.Low, m.High)
			}
			if !market.ValidPrice(sec.Market, m.High) || !market.ValidPrice(sec.Market, m.Low) || !market.ValidPrice(sec.Market, m.Close) {
				t.Errorf("%s minute %d off the tick grid: %+v", sec.Key, i, m)
			}
		}
	}
}

func TestNotServed(t *testing.T) {
	s := testSeries(t, 1, testSecurities()[0])
	for _, d := range []time.Time{day(s, 2026, 12, 4), day(s, 2026, 12, 5), day(s, 2000, 1, 3)} {
		if _, ok := s.DayBar(d); ok {
			t.Errorf("%s served", d)
		}
		if _, ok := s.Minutes(d); ok {
			t.Errorf("%s minutes served", d)
		}
	}
}
