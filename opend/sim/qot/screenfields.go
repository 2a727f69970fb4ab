package qot

import (
	"math"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotstockfilter"
	"github.com/futugw/gateway/opend/sim/kline"
	"github.com/futugw/gateway/opend/sim/market"
)

// screenRow is one candidate stock with what the filters read: the live
// quote, the fundamentals Qot_GetSecuritySnapshot reports (equityEx), so the
// screener and the snapshot agree, and the K-line day bars before today that
// multi-day accumulate filters need.
type screenRow struct {
	q    market.Quote
	f    *qotgetsecuritysnapshot.EquitySnapshotExData
	past []kline.Bar // oldest first
}

// window returns the last days-1 past bars: with today, a days-long window.
func (r screenRow) window(days int) []kline.Bar {
	return r.past[max(len(r.past)-(days-1), 0):]
}

// windowRef is the close before the window: the reference of its change
// rate and amplitude.
func (r screenRow) windowRef(days int) float64 {
	if w := r.window(days); len(w) > 0 {
		return w[0].LastClose
	}
	return r.q.LastClose
}

// maxAccumulateDays bounds an accumulate filter's window.
const maxAccumulateDays = 365

// stockFields are the StockField values served, each read from a row. The
// 52-week, 5-minute, year-to-date, volume-ratio, PS and PCF fields need
// history the simulator does not keep.
var stockFields = map[qotstockfilter.StockField]func(r screenRow) float64{
	qotstockfilter.StockField_StockField_CurPrice:       func(r screenRow) float64 { return r.q.Cur },
	qotstockfilter.StockField_StockField_BidAskRatio:    func(r screenRow) float64 { return bidAskRatio(r.q) },
	qotstockfilter.StockField_StockField_LotPrice:       func(r screenRow) float64 { return r.q.Cur * float64(r.q.LotSize) },
	qotstockfilter.StockField_StockField_MarketVal:      func(r screenRow) float64 { return r.f.GetIssuedMarketVal() },
	qotstockfilter.StockField_StockField_PeAnnual:       func(r screenRow) float64 { return r.f.GetPeRate() },
	qotstockfilter.StockField_StockField_PeTTM:          func(r screenRow) float64 { return r.f.GetPeTTMRate() },
	qotstockfilter.StockField_StockField_PbRate:         func(r screenRow) float64 { return r.f.GetPbRate() },
	qotstockfilter.StockField_StockField_TotalShare:     func(r screenRow) float64 { return float64(r.f.GetIssuedShares()) },
	qotstockfilter.StockField_StockField_FloatShare:     func(r screenRow) float64 { return float64(r.f.GetOutstandingShares()) },
	qotstockfilter.StockField_StockField_FloatMarketVal: func(r screenRow) float64 { return r.f.GetOutstandingMarketVal() },
}

// accumulateFields are the AccumulateField values served over a window of
// days ending today: the change and the amplitude against the close before
// the window, and the daily average volume and turnover. The turnover rate
// is not served: quotes report it as 0.
var accumulateFields = map[qotstockfilter.AccumulateField]func(r screenRow, days int) float64{
	qotstockfilter.AccumulateField_AccumulateField_ChangeRate: func(r screenRow, days int) float64 {
		ref := r.windowRef(days)
		if ref <= 0 {
			return 0
		}
		return (r.q.Cur - ref) / ref * 100
	},
	qotstockfilter.AccumulateField_AccumulateField_Amplitude: func(r screenRow, days int) float64 {
		hi, lo := r.q.High, r.q.Low
		for _, b := range r.window(days) {
			hi, lo = max(hi, b.High), min(lo, b.Low)
		}
		ref := r.windowRef(days)
		if ref <= 0 {
			return 0
		}
		return (hi - lo) / ref * 100
	},
	qotstockfilter.AccumulateField_AccumulateField_Volume: func(r screenRow, days int) float64 {
		w := r.window(days)
		sum := float64(r.q.Volume)
		for _, b := range w {
			sum += float64(b.Volume)
		}
		return sum / float64(len(w)+1)
	},
	qotstockfilter.AccumulateField_AccumulateField_Turnover: func(r screenRow, days int) float64 {
		w := r.window(days)
		sum := r.q.Turnover
		for _, b := range w {
			sum += b.Turnover
		}
		return sum / float64(len(w)+1)
	},
}

// bidAskRatio is the order book imbalance over its ten levels, in percent:
// (bid volume - ask volume) / (bid volume + ask volume).
func bidAskRatio(q market.Quote) float64 {
	asks, bids := book(q)
	var a, b float64
	for _, l := range asks {
		a += float64(l.volume)
	}
	for _, l := range bids {
		b += float64(l.volume)
	}
	if a+b == 0 {
		return 0
	}
	return (b - a) / (a + b) * 100
}

// trunc3 truncates to 3 decimals as Futu's screener values are.
func trunc3(v float64) float64 { return math.Trunc(v*1000) / 1000 }
