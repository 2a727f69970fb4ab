package kline

import (
	"math"
	"testing"
	"time"
)

func TestActionFactors(t *testing.T) {
	d := time.Date(2020, 5, 15, 0, 0, 0, 0, time.UTC)
	split, div := splitAction(d, 1, 5), dividendAction(d, 0.07)
	for _, c := range []struct {
		name           string
		a              Action
		fa, fb, ba, bb float64
		flag           int64
		base, ert      int32
	}{
		{"split 1 into 5", split, 0.2, 0, 5, 0, ActSplit, 1, 5},
		{"dividend 0.07", div, 1, -0.07, 1, 0.07, ActDividend, 0, 0},
	} {
		a := c.a
		if a.FwdA != c.fa || a.FwdB != c.fb || a.BwdA != c.ba || a.BwdB != c.bb || a.Flag != c.flag ||
			a.SplitBase != c.base || a.SplitErt != c.ert || a.TimeString() != "2020-05-15" {
			t.Errorf("%s: %+v", c.name, a)
		}
	}
}

func TestActionsGenerated(t *testing.T) {
	var splits, divs int
	for seed := int64(1); seed <= 5; seed++ {
		for _, sec := range testSecurities() {
			s := testSeries(t, seed, sec)
			acts := s.Actions()
			if n := len(acts); n < 2 || n > 15 {
				t.Errorf("%s seed %d: %d actions", sec.Key, seed, n)
			}
			for i, a := range acts {
				if i > 0 && !a.ExDate.After(acts[i-1].ExDate) {
					t.Errorf("%s: actions out of order", sec.Key)
				}
				if _, ok := s.DayBar(a.ExDate); !ok {
					t.Errorf("%s: ex-date %s is not a trading day", sec.Key, a.TimeString())
				}
				switch a.Flag {
				case ActSplit:
					splits++
				case ActDividend:
					divs++
				}
			}
		}
	}
	if splits == 0 || divs == 0 {
		t.Errorf("%d splits, %d dividends", splits, divs)
	}
}

// Forward adjustment makes the history continuous in today's units: across an
// ex-date the adjusted previous close equals the adjusted LastClose. Backward
// does the same in the first day's units. Bars after the last action are not
// changed by forward adjustment, bars before the first not by backward.
func TestAdjust(t *testing.T) {
	for _, sec := range testSecurities() {
		s := testSeries(t, 9, sec)
		first, last, _ := s.Span()
		raw := s.DayBars(first, last)
		acts := s.Actions()
		fwd, bwd := Adjust(raw, acts, RehabForward), Adjust(raw, acts, RehabBackward)
		if none := Adjust(raw, acts, RehabNone); len(none) != len(raw) || none[5] != raw[5] {
			t.Errorf("%s: RehabNone changed bars", sec.Key)
		}
		for i := 1; i < len(raw); i++ {
			for _, adj := range [][]Bar{fwd, bwd} {
				if math.Abs(adj[i].LastClose-adj[i-1].Close) > 1e-5*adj[i].LastClose {
					t.Errorf("%s %s: adjusted last close %v, previous close %v", sec.Key, raw[i].TimeString(), adj[i].LastClose, adj[i-1].Close)
				}
			}
			after := raw[i].Time.After(acts[len(acts)-1].ExDate) || raw[i].Time.Equal(acts[len(acts)-1].ExDate)
			if after && fwd[i] != raw[i] {
				t.Errorf("%s %s: forward changed a bar after the last action", sec.Key, raw[i].TimeString())
			}
			if raw[i].Time.Before(acts[0].ExDate) && bwd[i] != raw[i] {
				t.Errorf("%s %s: backward changed a bar before the first action", sec.Key, raw[i].TimeString())
			}
		}
		// Prices before the first ex-date, forward-adjusted, apply every action.
		p := raw[0].Close
		for _, a := range acts {
			p = p*a.FwdA + a.FwdB
		}
		if math.Abs(fwd[0].Close-p) > 1e-6 {
			t.Errorf("%s: forward close %v, want %v", sec.Key, fwd[0].Close, p)
		}
	}
}
