package qot

import (
	"cmp"
	"math"
	"slices"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequesthistorykl"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotstockfilter"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

func screen(t *testing.T, c *rawclient.Client, c2s *qotstockfilter.C2S) (*qotstockfilter.S2C, envelope.Status) {
	t.Helper()
	var resp qotstockfilter.Response
	st, err := c.Call(testCtx(t), protoid.QotStockFilter, &qotstockfilter.Request{C2S: c2s}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetS2C(), st
}

func baseFilter(field qotstockfilter.StockField, lo, hi *float64, filter bool, dir qotstockfilter.SortDir) *qotstockfilter.BaseFilter {
	return &qotstockfilter.BaseFilter{FieldName: proto.Int32(int32(field)), FilterMin: lo, FilterMax: hi,
		IsNoFilter: proto.Bool(!filter), SortDir: proto.Int32(int32(dir))}
}

func baseValue(d *qotstockfilter.StockData, field qotstockfilter.StockField) (float64, bool) {
	for _, b := range d.GetBaseDataList() {
		if b.GetFieldName() == int32(field) {
			return b.GetValue(), true
		}
	}
	return 0, false
}

// TestStockFilterSortedAndPaged pages through a price filter sorted by market
// value: pages join into the full, sorted result, which is exactly the HK
// stocks whose live price is in range.
func TestStockFilterSortedAndPaged(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	for range 20 {
		for _, in := range e.mkt.Instruments() {
			e.mkt.Step(in.Key())
		}
	}
	lo, hi := 50.0, 500.0
	req := func(begin, num int32) *qotstockfilter.C2S {
		return &qotstockfilter.C2S{Begin: proto.Int32(begin), Num: proto.Int32(num), Market: proto.Int32(market.MarketHK),
			BaseFilterList: []*qotstockfilter.BaseFilter{
				baseFilter(qotstockfilter.StockField_StockField_CurPrice, &lo, &hi, true, qotstockfilter.SortDir_SortDir_No),
				{FieldName: proto.Int32(int32(qotstockfilter.StockField_StockField_MarketVal)), SortDir: proto.Int32(int32(qotstockfilter.SortDir_SortDir_Descend))},
				{FieldName: proto.Int32(int32(qotstockfilter.StockField_StockField_PeTTM))},
			}}
	}
	var want []string
	for _, in := range e.mkt.Instruments() {
		q, _ := e.mkt.QuoteByKey(in.Key())
		if in.Market == market.MarketHK && trunc3(q.Cur) >= lo && trunc3(q.Cur) <= hi {
			want = append(want, in.Key())
		}
	}
	var got []string
	var caps []float64
	for begin := int32(0); ; begin += 3 {
		page, st := screen(t, c, req(begin, 3))
		mustOK(t, st, "Qot_StockFilter")
		if int(page.GetAllCount()) != len(want) {
			t.Fatalf("allCount %d, want %d", page.GetAllCount(), len(want))
		}
		for _, d := range page.GetDataList() {
			got = append(got, keyOf(d.GetSecurity()))
			price, ok1 := baseValue(d, qotstockfilter.StockField_StockField_CurPrice)
			mv, ok2 := baseValue(d, qotstockfilter.StockField_StockField_MarketVal)
			pe, ok3 := baseValue(d, qotstockfilter.StockField_StockField_PeTTM)
			if !ok1 || !ok2 || !ok3 || price < lo || price > hi || mv <= 0 || pe == 0 || d.GetName() == "" {
				t.Errorf("%s: data %v", keyOf(d.GetSecurity()), d)
			}
			caps = append(caps, mv)
		}
		if page.GetLastPage() {
			break
		}
		if len(page.GetDataList()) != 3 {
			t.Fatalf("page at %d has %d rows but is not the last", begin, len(page.GetDataList()))
		}
	}
	slices.Sort(want)
	sortedGot := slices.Sorted(slices.Values(got))
	if !slices.Equal(sortedGot, want) {
		t.Errorf("screened %v, want %v", sortedGot, want)
	}
	if !slices.IsSortedFunc(caps, func(a, b float64) int { return -cmp.Compare(a, b) }) {
		t.Errorf("market values not descending: %v", caps)
	}
	// The screener's fundamentals are the snapshot's.
	var snap qotgetsecuritysnapshot.Response
	st, err := c.Call(testCtx(t), protoid.QotGetSecuritySnapshot, &qotgetsecuritysnapshot.Request{
		C2S: &qotgetsecuritysnapshot.C2S{SecurityList: secs(got[0])}}, &snap)
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, st, "Qot_GetSecuritySnapshot")
	ex := snap.GetS2C().GetSnapshotList()[0].GetEquityExData()
	if math.Abs(ex.GetIssuedMarketVal()-caps[0]) > 0.001 {
		t.Errorf("%s: screener market value %v, snapshot %v", got[0], caps[0], ex.GetIssuedMarketVal())
	}

	past, st := screen(t, c, req(100, 3))
	mustOK(t, st, "page past the end")
	if len(past.GetDataList()) != 0 || !past.GetLastPage() {
		t.Errorf("page past the end: %v", past)
	}
}

func TestStockFilterChangeRateToday(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	for range 30 {
		for _, in := range e.mkt.Instruments() {
			e.mkt.Step(in.Key())
		}
	}
	zero := 0.0
	page, st := screen(t, c, &qotstockfilter.C2S{Begin: proto.Int32(0), Num: proto.Int32(200), Market: proto.Int32(market.MarketUS),
		AccumulateFilterList: []*qotstockfilter.AccumulateFilter{{
			FieldName: proto.Int32(int32(qotstockfilter.AccumulateField_AccumulateField_ChangeRate)), FilterMin: &zero,
			IsNoFilter: proto.Bool(false), SortDir: proto.Int32(int32(qotstockfilter.SortDir_SortDir_Ascend)), Days: proto.Int32(1)}}})
	mustOK(t, st, "gainers")
	var rates []float64
	for _, d := range page.GetDataList() {
		a := d.GetAccumulateDataList()
		if len(a) != 1 || a[0].GetDays() != 1 || a[0].GetValue() < 0 {
			t.Errorf("%s: %v", keyOf(d.GetSecurity()), a)
			continue
		}
		q, _ := e.mkt.QuoteByKey(keyOf(d.GetSecurity()))
		if a[0].GetValue() != trunc3(changeRate(q)) {
			t.Errorf("%s: change rate %v, live %v", keyOf(d.GetSecurity()), a[0].GetValue(), changeRate(q))
		}
		rates = append(rates, a[0].GetValue())
	}
	if !slices.IsSorted(rates) {
		t.Errorf("not ascending: %v", rates)
	}
}

// TestStockFilterWindowAgreesWithKLines: a five-day accumulate window is the
// day K-lines of the four trading days before today plus today's quote.
func TestStockFilterWindowAgreesWithKLines(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	const key = "HK.00700"
	for range 40 {
		e.mkt.Step(key)
	}
	var kl qotrequesthistorykl.Response
	st, err := c.Call(testCtx(t), protoid.QotRequestHistoryKL, &qotrequesthistorykl.Request{C2S: &qotrequesthistorykl.C2S{
		RehabType: proto.Int32(0), KlType: proto.Int32(2), Security: securityOf(key),
		BeginTime: proto.String("2025-02-01"), EndTime: proto.String("2025-03-01")}}, &kl)
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, st, "Qot_RequestHistoryKL")
	bars := kl.GetS2C().GetKlList()
	if len(bars) < 4 {
		t.Fatalf("%d day bars", len(bars))
	}
	bars = bars[len(bars)-4:]
	q, _ := e.mkt.QuoteByKey(key)
	ref := bars[0].GetLastClosePrice()
	vol := float64(q.Volume)
	for _, b := range bars {
		vol += float64(b.GetVolume())
	}
	acc := func(f qotstockfilter.AccumulateField) *qotstockfilter.AccumulateFilter {
		return &qotstockfilter.AccumulateFilter{FieldName: proto.Int32(int32(f)), Days: proto.Int32(5)}
	}
	page, st := screen(t, c, &qotstockfilter.C2S{Begin: proto.Int32(0), Num: proto.Int32(200), Market: proto.Int32(market.MarketHK),
		AccumulateFilterList: []*qotstockfilter.AccumulateFilter{
			acc(qotstockfilter.AccumulateField_AccumulateField_ChangeRate), acc(qotstockfilter.AccumulateField_AccumulateField_Volume)}})
	mustOK(t, st, "five-day screen")
	for _, d := range page.GetDataList() {
		if keyOf(d.GetSecurity()) != key {
			continue
		}
		a := d.GetAccumulateDataList()
		if want := trunc3((q.Cur - ref) / ref * 100); a[0].GetValue() != want || a[0].GetDays() != 5 {
			t.Errorf("five-day change %v, want %v from the K-line close %v", a[0].GetValue(), want, ref)
		}
		if want := trunc3(vol / 5); a[1].GetValue() != want {
			t.Errorf("five-day average volume %v, want %v", a[1].GetValue(), want)
		}
		return
	}
	t.Fatalf("%s not screened", key)
}

func TestStockFilterRefusals(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	one := 1.0
	req := func(mod func(*qotstockfilter.C2S)) *qotstockfilter.C2S {
		c2s := &qotstockfilter.C2S{Begin: proto.Int32(0), Num: proto.Int32(10), Market: proto.Int32(market.MarketHK)}
		mod(c2s)
		return c2s
	}
	withBase := func(f *qotstockfilter.BaseFilter) *qotstockfilter.C2S {
		return req(func(r *qotstockfilter.C2S) { r.BaseFilterList = []*qotstockfilter.BaseFilter{f} })
	}
	tests := []struct {
		name string
		c2s  *qotstockfilter.C2S
		code int32
	}{
		{"num 0", req(func(r *qotstockfilter.C2S) { r.Num = proto.Int32(0) }), codeInvalid},
		{"num over 200", req(func(r *qotstockfilter.C2S) { r.Num = proto.Int32(201) }), codeInvalid},
		{"negative begin", req(func(r *qotstockfilter.C2S) { r.Begin = proto.Int32(-1) }), codeInvalid},
		{"HK futures market", req(func(r *qotstockfilter.C2S) { r.Market = proto.Int32(2) }), codeInvalid},
		{"unknown plate", req(func(r *qotstockfilter.C2S) { r.Plate = securityOf("HK.BK9999") }), codeUnknownSec},
		{"plate of another market", req(func(r *qotstockfilter.C2S) { r.Plate = securityOf("US.BK2001") }), codeInvalid},
		{"52-week field", withBase(baseFilter(qotstockfilter.StockField_StockField_CurPriceToHighest52WeeksRatio, &one, nil, true, 0)), codeUnsupported},
		{"unknown field", withBase(baseFilter(99, &one, nil, true, 0)), codeInvalid},
		{"code with a range", withBase(baseFilter(qotstockfilter.StockField_StockField_StockCode, &one, nil, true, 0)), codeInvalid},
		{"bad sort dir", withBase(baseFilter(qotstockfilter.StockField_StockField_CurPrice, nil, nil, false, 3)), codeInvalid},
		{"two sorts", req(func(r *qotstockfilter.C2S) {
			r.BaseFilterList = []*qotstockfilter.BaseFilter{
				baseFilter(qotstockfilter.StockField_StockField_CurPrice, nil, nil, false, qotstockfilter.SortDir_SortDir_Ascend),
				baseFilter(qotstockfilter.StockField_StockField_PeTTM, nil, nil, false, qotstockfilter.SortDir_SortDir_Descend)}
		}), codeInvalid},
		{"zero-day change rate", req(func(r *qotstockfilter.C2S) {
			r.AccumulateFilterList = []*qotstockfilter.AccumulateFilter{{
				FieldName: proto.Int32(int32(qotstockfilter.AccumulateField_AccumulateField_ChangeRate)), Days: proto.Int32(0)}}
		}), codeInvalid},
		{"a window over a year", req(func(r *qotstockfilter.C2S) {
			r.AccumulateFilterList = []*qotstockfilter.AccumulateFilter{{
				FieldName: proto.Int32(int32(qotstockfilter.AccumulateField_AccumulateField_Volume)), Days: proto.Int32(400)}}
		}), codeInvalid},
		{"turnover rate", req(func(r *qotstockfilter.C2S) {
			r.AccumulateFilterList = []*qotstockfilter.AccumulateFilter{{
				FieldName: proto.Int32(int32(qotstockfilter.AccumulateField_AccumulateField_TurnoverRate)), Days: proto.Int32(1)}}
		}), codeUnsupported},
		{"financial filter", req(func(r *qotstockfilter.C2S) {
			r.FinancialFilterList = []*qotstockfilter.FinancialFilter{{FieldName: proto.Int32(1), Quarter: proto.Int32(1)}}
		}), codeUnsupported},
	}
	for _, tt := range tests {
		_, st := screen(t, c, tt.c2s)
		mustFail(t, st, tt.name, tt.code)
	}

	// A plate screen sees only the plate's members.
	page, st := screen(t, c, req(func(r *qotstockfilter.C2S) { r.Plate = securityOf("HK.BK1005") }))
	mustOK(t, st, "plate screen")
	var keys []string
	for _, d := range page.GetDataList() {
		keys = append(keys, keyOf(d.GetSecurity()))
	}
	if !slices.Equal(keys, []string{"HK.01299", "HK.02318"}) {
		t.Errorf("insurance plate screen = %v", keys)
	}
}
