package kline

import (
	"math"
	"sync"
	"time"

	"github.com/futugw/gateway/opend/sim/market"
)

// Tick is one trade of the live walk.
type Tick struct {
	Price    float64
	Volume   int64
	Turnover float64 // 0 = Price × Volume
	Time     time.Time
}

// TickOf is the trade a market Step reports.
func TickOf(q market.Quote) Tick {
	return Tick{Price: q.Cur, Volume: q.LastVolume, Turnover: float64(q.LastVolume) * q.Cur, Time: q.Updated}
}

// livePeriods are the periods a Builder keeps, finest first.
var livePeriods = [...]KLType{KL1Min, KL3Min, KL5Min, KL10Min, KL15Min, KL30Min, KL60Min,
	KL120Min, KL180Min, KL240Min, KLDay, KLWeek, KLMonth, KLQuarter, KLYear}

// Builder turns today's ticks into today's bars of every period. Current is
// what a Qot_UpdateKL push carries and Bars what a Qot_GetKL pull returns, so
// the two agree; both equal Aggregate over the minute bars. Week, month,
// quarter and year bars start from the history days of their period. It is
// safe for concurrent use.
type Builder struct {
	s        *Series
	day      time.Time
	sessions []Session
	open     float64

	// prior[rehab][i] is the history part of livePeriods[i]'s current bar.
	prior [3][len(livePeriods)]Bar
	has   [3][len(livePeriods)]bool

	mu      sync.Mutex
	minutes []Bar // today's minute bars, the last one open
	idx     int   // trading-minute index of the last minute bar
	aggs    [len(livePeriods)]*aggregator
	done    [len(livePeriods)][]Bar // finished bars of today's intraday periods
}

// NewBuilder starts today's bars. open is the day's opening price (the live
// quote's Open, which continues from LastClose); 0 = the first tick's price.
func (s *Series) NewBuilder(open float64) *Builder {
	b := &Builder{s: s, day: s.today, sessions: s.cal.Sessions(s.today), open: open}
	for i, kl := range livePeriods {
		b.aggs[i] = newAggregator(KL1Min, kl, s.cal)
	}
	start := periodStart(KLYear, s.today)
	days := s.DayBars(start, s.today.Add(-time.Nanosecond))
	for rt := RehabNone; rt <= RehabBackward; rt++ {
		adj := Adjust(days, s.acts, rt)
		for i, kl := range livePeriods {
			if kl.Minutes() > 0 || kl == KLDay {
				continue
			}
			bars := Aggregate(adj, KLDay, kl, s.cal)
			if n := len(bars); n > 0 && periodStart(kl, bars[n-1].Time).Equal(periodStart(kl, s.today)) {
				b.prior[rt][i], b.has[rt][i] = bars[n-1], true
			}
		}
	}
	return b
}

// Add records a trade. It returns false for a tick of another day or a day
// without sessions. Ticks outside the sessions count in the nearest minute
// before them (the first minute before the open); minutes without trades are
// filled flat at the previous close.
func (b *Builder) Add(t Tick) bool {
	if len(b.sessions) == 0 || !Midnight(t.Time, b.s.loc).Equal(b.day) || !(t.Price > 0) {
		return false
	}
	if t.Turnover == 0 {
		t.Turnover = float64(t.Volume) * t.Price
	}
	i := minuteIndex(b.sessions, t.Time)
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.minutes) == 0 {
		o := b.open
		if o <= 0 {
			o = t.Price
		}
		b.minutes = append(b.minutes, b.minuteBar(0, o, b.s.LastClose()))
		b.idx = 0
	}
	for b.idx < i {
		prev := b.minutes[len(b.minutes)-1]
		b.closeMinute(prev)
		b.idx++
		b.minutes = append(b.minutes, b.minuteBar(b.idx, prev.Close, prev.Close))
	}
	m := &b.minutes[len(b.minutes)-1]
	m.High = math.Max(m.High, t.Price)
	m.Low = math.Min(m.Low, t.Price)
	m.Close = t.Price
	m.Volume += t.Volume
	m.Turnover += t.Turnover
	return true
}

func (b *Builder) minuteBar(i int, open, last float64) Bar {
	return Bar{Time: minuteStart(b.sessions, i).Add(time.Minute), Open: open, High: open, Low: open,
		Close: open, LastClose: last}
}

// closeMinute folds a finished minute into every period.
func (b *Builder) closeMinute(m Bar) {
	for i, a := range b.aggs {
		if done, ok := a.add(m); ok {
			b.done[i] = append(b.done[i], done)
		}
	}
}

// tail is the end of today's bars of period i: the open minute folded into
// the finished minutes of its period, after that period's predecessor if the
// open minute started a new one. Call with mu held.
func (b *Builder) tail(i int) []Bar {
	if len(b.minutes) == 0 {
		return nil
	}
	m := b.minutes[len(b.minutes)-1]
	a := b.aggs[i]
	key, label := a.period(m)
	acc, ok := a.current()
	if ok && key.Equal(a.key) {
		return []Bar{merge(acc, m)}
	}
	m.Time = label
	if ok {
		return []Bar{acc, m}
	}
	return []Bar{m}
}

// Current returns the bar of period kl that is forming now, the one a
// Qot_UpdateKL push carries, false before the first tick.
func (b *Builder) Current(kl KLType, rt RehabType) (Bar, bool) {
	bars := b.Bars(kl, rt)
	if len(bars) == 0 {
		return Bar{}, false
	}
	return bars[len(bars)-1], true
}

// Bars returns today's bars of period kl, the forming one last; for week and
// longer periods the single bar that folds in the period's history days.
func (b *Builder) Bars(kl KLType, rt RehabType) []Bar {
	pi := -1
	for i, p := range livePeriods {
		if p == kl {
			pi = i
		}
	}
	if pi < 0 || !rt.Valid() {
		return nil
	}
	b.mu.Lock()
	tail := b.tail(pi)
	out := append(append([]Bar(nil), b.done[pi]...), tail...)
	b.mu.Unlock()
	if len(tail) == 0 {
		return nil
	}
	out = Adjust(out, b.s.acts, rt)
	if kl.Minutes() > 0 || kl == KLDay || !b.has[rt][pi] {
		return out
	}
	return []Bar{merge(b.prior[rt][pi], out[0])}
}

// Minutes returns today's 1-minute bars so far, unadjusted.
func (b *Builder) Minutes() []Bar {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Bar(nil), b.minutes...)
}
