package qot

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotstockfilter"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/kline"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// maxFilterNum is OpenD's page size limit for Qot_StockFilter.
const maxFilterNum = 200

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

// criterion is one base or accumulate filter, normalised.
type criterion struct {
	value    func(screenRow) float64 // nil for code and name
	text     func(screenRow) string  // code or name
	days     int                     // accumulate window; 0 for base fields
	min, max *float64
	filter   bool
	sortDir  qotstockfilter.SortDir
	emit     func(*qotstockfilter.StockData, screenRow)
}

func (c criterion) keep(r screenRow) bool {
	if !c.filter || c.value == nil {
		return true
	}
	v := trunc3(c.value(r))
	return (c.min == nil || v >= *c.min) && (c.max == nil || v <= *c.max)
}

func (c criterion) compare(a, b screenRow) int {
	if c.text != nil {
		return strings.Compare(c.text(a), c.text(b))
	}
	return cmp.Compare(c.value(a), c.value(b))
}

// filterApplies follows the proto: a filter is applied only when isNoFilter
// is set to false (absent means "do not filter", as the SDKs send it).
func filterApplies(isNoFilter *bool) bool { return isNoFilter != nil && !*isNoFilter }

func checkSortDir(d int32) (qotstockfilter.SortDir, error) {
	if _, ok := qotstockfilter.SortDir_name[d]; !ok {
		return 0, failf(codeInvalid, "sortDir %d: want 0 No, 1 Ascend or 2 Descend", d)
	}
	return qotstockfilter.SortDir(d), nil
}

func baseCriterion(f *qotstockfilter.BaseFilter) (criterion, error) {
	field := qotstockfilter.StockField(f.GetFieldName())
	dir, err := checkSortDir(f.GetSortDir())
	if err != nil {
		return criterion{}, err
	}
	c := criterion{min: f.FilterMin, max: f.FilterMax, filter: filterApplies(f.IsNoFilter), sortDir: dir}
	switch field {
	case qotstockfilter.StockField_StockField_StockCode, qotstockfilter.StockField_StockField_StockName:
		if c.filter && (c.min != nil || c.max != nil) {
			return criterion{}, failf(codeInvalid, "%s takes no filterMin or filterMax; it can only sort", field)
		}
		c.text = func(r screenRow) string { return r.q.Code }
		if field == qotstockfilter.StockField_StockField_StockName {
			c.text = func(r screenRow) string { return r.q.Name }
		}
		c.emit = func(*qotstockfilter.StockData, screenRow) {}
		return c, nil
	}
	value, ok := stockFields[field]
	if !ok {
		if _, named := qotstockfilter.StockField_name[int32(field)]; named && field != 0 {
			return criterion{}, failf(codeUnsupported, "StockField %s is not simulated (it needs price history)", field)
		}
		return criterion{}, failf(codeInvalid, "fieldName %d is not a StockField", field)
	}
	c.value = value
	c.emit = func(d *qotstockfilter.StockData, r screenRow) {
		d.BaseDataList = append(d.BaseDataList, &qotstockfilter.BaseData{
			FieldName: proto.Int32(int32(field)), Value: proto.Float64(trunc3(value(r)))})
	}
	return c, nil
}

func accumulateCriterion(f *qotstockfilter.AccumulateFilter) (criterion, error) {
	field := qotstockfilter.AccumulateField(f.GetFieldName())
	dir, err := checkSortDir(f.GetSortDir())
	if err != nil {
		return criterion{}, err
	}
	byDays, ok := accumulateFields[field]
	if !ok {
		if _, named := qotstockfilter.AccumulateField_name[int32(field)]; named && field != 0 {
			return criterion{}, failf(codeUnsupported, "AccumulateField %s is not simulated", field)
		}
		return criterion{}, failf(codeInvalid, "fieldName %d is not an AccumulateField", field)
	}
	days := int(f.GetDays())
	if days < 1 || days > maxAccumulateDays {
		return criterion{}, failf(codeInvalid, "days %d: want 1 to %d", days, maxAccumulateDays)
	}
	value := func(r screenRow) float64 { return byDays(r, days) }
	return criterion{value: value, days: days, min: f.FilterMin, max: f.FilterMax, filter: filterApplies(f.IsNoFilter), sortDir: dir,
		emit: func(d *qotstockfilter.StockData, r screenRow) {
			d.AccumulateDataList = append(d.AccumulateDataList, &qotstockfilter.AccumulateData{
				FieldName: proto.Int32(int32(field)), Value: proto.Float64(trunc3(value(r))), Days: proto.Int32(int32(days))})
		}}, nil
}

// criteria normalises the request's filters; financial, pattern and custom
// indicator filters need financial statements and K-line indicators the
// simulator does not model.
func criteria(c2s *qotstockfilter.C2S) ([]criterion, error) {
	if len(c2s.GetFinancialFilterList()) > 0 || len(c2s.GetPatternFilterList()) > 0 || len(c2s.GetCustomIndicatorFilterList()) > 0 {
		return nil, failf(codeUnsupported, "financial, pattern and custom indicator filters are not simulated; use base and accumulate filters")
	}
	var out []criterion
	for _, f := range c2s.GetBaseFilterList() {
		c, err := baseCriterion(f)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	for _, f := range c2s.GetAccumulateFilterList() {
		c, err := accumulateCriterion(f)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	sorted := 0
	for _, c := range out {
		if c.sortDir != qotstockfilter.SortDir_SortDir_No {
			sorted++
		}
	}
	if sorted > 1 {
		return nil, failf(codeInvalid, "%d filters ask to sort; at most one may", sorted)
	}
	return out, nil
}

// stockFilter screens the market's stocks (or a plate's) on live quotes and
// the snapshot's fundamentals, sorts by the one sorting filter (else by code) and
// pages with begin and num.
func (s *Service) stockFilter(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotstockfilter.Request
	if err := decode("Qot_StockFilter", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	if c2s.GetBegin() < 0 {
		return nil, toEnvelope(failf(codeInvalid, "begin %d is negative", c2s.GetBegin()))
	}
	if c2s.GetNum() <= 0 || c2s.GetNum() > maxFilterNum {
		return nil, toEnvelope(failf(codeInvalid, "num %d: want 1 to %d", c2s.GetNum(), maxFilterNum))
	}
	if !slices.Contains(plateMarkets, c2s.GetMarket()) {
		return nil, toEnvelope(failf(codeInvalid, "market %d: the screener covers 1 HK, 11 US, 21 SH and 22 SZ", c2s.GetMarket()))
	}
	crit, err := criteria(c2s)
	if err != nil {
		return nil, toEnvelope(err)
	}
	candidates, err := s.screenUniverse(c2s.GetMarket(), c2s.GetPlate())
	if err != nil {
		return nil, toEnvelope(err)
	}

	past := 0
	for _, c := range crit {
		past = max(past, c.days-1)
	}
	var rows []screenRow
	for _, in := range candidates {
		q, _ := s.m.QuoteByKey(in.Key())
		r := screenRow{q: q, f: equityEx(q), past: s.pastDayBars(in.Key(), past)}
		if !slices.ContainsFunc(crit, func(c criterion) bool { return !c.keep(r) }) {
			rows = append(rows, r)
		}
	}
	slices.SortStableFunc(rows, func(a, b screenRow) int {
		for _, c := range crit {
			switch c.sortDir {
			case qotstockfilter.SortDir_SortDir_Ascend:
				return cmp.Or(c.compare(a, b), strings.Compare(a.q.Code, b.q.Code))
			case qotstockfilter.SortDir_SortDir_Descend:
				return cmp.Or(-c.compare(a, b), strings.Compare(a.q.Code, b.q.Code))
			}
		}
		return strings.Compare(a.q.Code, b.q.Code)
	})

	begin := min(int(c2s.GetBegin()), len(rows))
	end := min(begin+int(c2s.GetNum()), len(rows))
	out := &qotstockfilter.S2C{LastPage: proto.Bool(end >= len(rows)), AllCount: proto.Int32(int32(len(rows)))}
	for _, r := range rows[begin:end] {
		d := &qotstockfilter.StockData{Security: security(r.q.Instrument), Name: proto.String(r.q.Name)}
		for _, c := range crit {
			c.emit(d, r)
		}
		out.DataList = append(out.DataList, d)
	}
	return &qotstockfilter.Response{RetType: succeed(), S2C: out}, nil
}

// screenUniverse lists the stocks a screen runs over: the market's equities,
// or a plate's members (which must be of that market).
func (s *Service) screenUniverse(mkt int32, plateSec *qotcommon.Security) ([]market.Instrument, error) {
	mkt = plateMarket(mkt)
	universe := s.m.Instruments()
	if plateSec != nil {
		key := market.Key(plateSec.GetMarket(), plateSec.GetCode())
		p, ok := findPlate(key)
		if !ok {
			return nil, failf(codeUnknownSec, "unknown plate %s", key)
		}
		if p.market != mkt {
			return nil, failf(codeInvalid, "plate %s is not of market %d", key, mkt)
		}
		return plateMembers(p, universe), nil
	}
	var out []market.Instrument
	for _, in := range universe {
		if plateMarket(in.Market) == mkt && in.SecType == market.SecTypeEqty {
			out = append(out, in)
		}
	}
	return out, nil
}
