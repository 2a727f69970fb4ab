package trade

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/klcal"
	"github.com/futugw/gateway/opend/sim/kline"
	"github.com/futugw/gateway/opend/sim/market"
)

// historyDepth bounds the synthetic history: the simulated accounts opened a
// year before today, so no query walks more than a year of days.
const historyDepth = 366 * 24 * time.Hour

// pastBook is the deterministic record of the trading days before today: a few
// intraday round trips per account and day, priced inside the day's K-line
// (the same seeded history Qot_RequestHistoryKL serves), derived from the seed,
// the account and the date alone. Days are built on first use and kept.
type pastBook struct {
	seed uint64
	mkt  *market.Market
	hist *kline.History

	mu   sync.Mutex
	days map[pastKey]*pastDay
}

type pastKey struct {
	acc uint64
	mkt int32 // QotMarket
	day calendar.Date
}

// pastDay is one account's orders and fills of one earlier day, oldest first.
type pastDay struct {
	orders []*order
	fills  []*fill
}

func newPastBook(m *market.Market, seed uint64, today time.Time) *pastBook {
	return &pastBook{
		seed: seed, mkt: m,
		hist: kline.NewHistory(kline.Config{Seed: int64(seed), Today: today, Years: 2, Calendar: klcal.Of}),
		days: make(map[pastKey]*pastDay),
	}
}

// day returns account a's record of day d in QotMarket qm. idx is the
// account's position in the configured list; it keeps ids of different
// accounts apart.
func (b *pastBook) day(a *account, idx int, qm int32, d calendar.Date) *pastDay {
	k := pastKey{a.cfg.ID, qm, d}
	b.mu.Lock()
	defer b.mu.Unlock()
	if pd, ok := b.days[k]; ok {
		return pd
	}
	pd := b.build(a, idx, qm, d)
	b.days[k] = pd
	return pd
}

// regularSessions are the continuous-trading parts of d, where the synthetic
// orders are placed and filled.
func regularSessions(qm int32, d calendar.Date) []calendar.Session {
	var out []calendar.Session
	for _, s := range calendar.Sessions(calendar.Market(qm), d) {
		switch s.Kind {
		case calendar.SessionMorning, calendar.SessionAfternoon, calendar.SessionRegular:
			out = append(out, s)
		}
	}
	return out
}

// sessionTime maps a fraction of the day's trading minutes to an instant.
func sessionTime(ss []calendar.Session, frac float64) time.Time {
	var total time.Duration
	for _, s := range ss {
		total += s.End.Sub(s.Start)
	}
	off := time.Duration(frac * float64(total)).Truncate(time.Second)
	for _, s := range ss {
		n := s.End.Sub(s.Start)
		if off < n {
			return s.Start.Add(off)
		}
		off -= n
	}
	return ss[len(ss)-1].End.Add(-time.Second)
}

// pastID is the order or fill id of a past record: like live ids it grows with
// time (the unix second times a million, which live ids, taken from a later
// clock, never reach), plus the account index and a serial of the day.
func pastID(t time.Time, idx, serial int) uint64 {
	return uint64(t.Unix())*1_000_000 + uint64(idx%1000)*1000 + uint64(serial%1000)
}

func idEx(id uint64) string { return "SIM" + strconv.FormatUint(id, 10) }

// build draws the day: 0 to 2 round trips, each a limit buy (filled, partly
// filled then cancelled, or cancelled) followed by a sell of what was bought.
func (b *pastBook) build(a *account, idx int, qm int32, d calendar.Date) *pastDay {
	pd := &pastDay{}
	ss := regularSessions(qm, d)
	if len(ss) == 0 {
		return pd
	}
	var pool []market.Instrument
	for _, inst := range b.mkt.Instruments() {
		if inst.Market == qm {
			pool = append(pool, inst)
		}
	}
	if len(pool) == 0 {
		return pd
	}
	rng := rand.New(rand.NewPCG(b.seed^(a.cfg.ID*0x9e3779b97f4a7c15),
		uint64(d.Year)*10_000+uint64(d.Month)*100+uint64(d.Day)))
	serial := 0
	next := func() int { serial++; return serial }
	for range rng.IntN(3) {
		inst := pool[rng.IntN(len(pool))]
		q, _ := b.mkt.QuoteByKey(inst.Key())
		bar, ok := b.hist.Series(kline.SecurityOf(inst, q.LastClose)).DayBar(ss[0].Start)
		if !ok {
			continue
		}
		priceIn := func() float64 {
			return market.Snap(qm, bar.Low+rng.Float64()*(bar.High-bar.Low))
		}
		lot := float64(max(inst.LotSize, 1))
		lots := 1 + rng.IntN(5)
		if qm == market.MarketUS {
			lots = 5 * (1 + rng.IntN(20))
		}
		qty := float64(lots) * lot
		t0 := sessionTime(ss, rng.Float64()*0.5)
		buy := &order{acc: a, inst: inst, side: sideBuy, typ: typeLimit, status: statusFilledAll,
			qty: qty, price: priceIn(), created: t0, updated: t0}
		buy.id = pastID(t0, idx, next())
		buy.idEx = idEx(buy.id)
		pd.orders = append(pd.orders, buy)

		filled := qty
		switch outcome := rng.IntN(10); {
		case outcome == 9:
			buy.status, filled = statusCancelledAll, 0
		case outcome == 8 && lots > 1:
			buy.status, filled = statusCancelledPart, math.Floor(float64(lots)/2)*lot
		}
		at := t0
		if filled > 0 {
			// One or two fills, at the limit or better within the day's range.
			parts := []float64{filled}
			if n := filled / lot; n > 1 && rng.IntN(2) == 0 {
				first := math.Ceil(n/2) * lot
				parts = []float64{first, filled - first}
			}
			for _, part := range parts {
				at = at.Add(time.Duration(1+rng.IntN(300)) * time.Second)
				px := math.Min(buy.price, priceIn())
				pd.fills = append(pd.fills, pastFill(buy, part, px, at, idx, next()))
			}
		}
		buy.updated = at.Add(time.Duration(rng.IntN(2)) * time.Second)
		if filled == 0 {
			continue
		}
		t1 := sessionTime(ss, 0.55+rng.Float64()*0.4)
		if !t1.After(at) {
			t1 = at.Add(time.Minute)
		}
		sell := &order{acc: a, inst: inst, side: sideSell, typ: typeLimit, status: statusFilledAll,
			qty: filled, price: priceIn(), created: t1}
		sell.id = pastID(t1, idx, next())
		sell.idEx = idEx(sell.id)
		px := math.Max(sell.price, priceIn())
		f := pastFill(sell, filled, px, t1.Add(time.Duration(1+rng.IntN(120))*time.Second), idx, next())
		sell.updated = f.at
		pd.orders = append(pd.orders, sell)
		pd.fills = append(pd.fills, f)
	}
	sortByTime(pd)
	return pd
}

// pastFill books one fill on a past order, keeping the order's totals.
func pastFill(o *order, qty, price float64, at time.Time, idx, serial int) *fill {
	o.filled += qty
	o.fillVal += qty * price
	id := pastID(at, idx, serial)
	return &fill{id: id, idEx: idEx(id), ord: o, qty: qty, price: price, at: at}
}

// sortByTime orders a day's records oldest first: round trips may overlap.
func sortByTime(pd *pastDay) {
	slices.SortStableFunc(pd.orders, func(x, y *order) int { return x.created.Compare(y.created) })
	slices.SortStableFunc(pd.fills, func(x, y *fill) int { return x.at.Compare(y.at) })
}
