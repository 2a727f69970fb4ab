package trade

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgethistoryorderfilllist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgethistoryorderlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdunlocktrade"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/calendar"
)

// histNow is a Wednesday morning in Hong Kong (10:00 HKT).
var histNow = time.Date(2025, 3, 5, 2, 0, 0, 0, time.UTC)

func (wc *wireClient) historyOrders(h *trdcommon.TrdHeader, f *trdcommon.TrdFilterConditions, statuses ...int32) ([]*trdcommon.Order, error) {
	if f == nil {
		f = &trdcommon.TrdFilterConditions{}
	}
	var resp trdgethistoryorderlist.Response
	err := wc.call(protoid.TrdGetHistoryOrderList, &trdgethistoryorderlist.Request{C2S: &trdgethistoryorderlist.C2S{
		Header: h, FilterConditions: f, FilterStatusList: statuses}}, &resp)
	return resp.GetS2C().GetOrderList(), err
}

func (wc *wireClient) historyFills(h *trdcommon.TrdHeader, f *trdcommon.TrdFilterConditions) ([]*trdcommon.OrderFill, error) {
	if f == nil {
		f = &trdcommon.TrdFilterConditions{}
	}
	var resp trdgethistoryorderfilllist.Response
	err := wc.call(protoid.TrdGetHistoryOrderFillList, &trdgethistoryorderfilllist.Request{C2S: &trdgethistoryorderfilllist.C2S{
		Header: h, FilterConditions: f}}, &resp)
	return resp.GetS2C().GetOrderFillList(), err
}

func TestTCPHistoryOrdersSpanEarlierDays(t *testing.T) {
	_, _, addr := startSim(t, Config{Seed: 5, Now: func() time.Time { return histNow }})
	wc := dialSim(t, addr)
	wc.unlock()
	hk := header(EnvReal, 2001, TrdMarketHK)
	hkLoc := marketLoc(1)

	orders, err := wc.historyOrders(hk, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) < 20 {
		t.Fatalf("%d orders over 90 days, want a few a day", len(orders))
	}
	today := calendar.DateOf(histNow.In(hkLoc))
	days := map[calendar.Date]bool{}
	prev := histNow
	byID := map[uint64]*trdcommon.Order{}
	for _, o := range orders {
		at, err := time.ParseInLocation(timeLayout, o.GetCreateTime(), hkLoc)
		if err != nil {
			t.Fatalf("createTime %q: %v", o.GetCreateTime(), err)
		}
		d := calendar.DateOf(at)
		if !d.Before(today) || !calendar.IsTradingDay(calendar.HK, d) || at.After(prev) || histNow.Sub(at) > 91*24*time.Hour {
			t.Fatalf("order %v at %v: want trading days before today within 90 days, newest first", o, at)
		}
		if h, m := at.Hour(), at.Minute(); h < 9 || (h == 9 && m < 30) || h >= 16 || h == 12 {
			t.Fatalf("order at %v outside the HK continuous sessions", at)
		}
		if int64(o.GetCreateTimestamp()) != at.Unix() {
			t.Fatalf("createTimestamp %v does not match createTime %v", o.GetCreateTimestamp(), o.GetCreateTime())
		}
		days[d] = true
		prev = at
		byID[o.GetOrderID()] = o
	}
	if len(days) < 10 {
		t.Fatalf("orders on %d days only", len(days))
	}

	// Fills add up to each order's fill qty and average price.
	fills, err := wc.historyFills(hk, nil)
	if err != nil {
		t.Fatal(err)
	}
	qty, val := map[uint64]float64{}, map[uint64]float64{}
	for _, f := range fills {
		if byID[f.GetOrderID()] == nil {
			t.Fatalf("fill %v of an unknown order", f)
		}
		qty[f.GetOrderID()] += f.GetQty()
		val[f.GetOrderID()] += f.GetQty() * f.GetPrice()
	}
	var cancelled int
	for id, o := range byID {
		if !near(qty[id], o.GetFillQty()) || (qty[id] > 0 && !near(round6(val[id]/qty[id]), o.GetFillAvgPrice())) {
			t.Fatalf("order %v: fills %v / %v", o, qty[id], val[id])
		}
		if o.GetOrderStatus() == statusCancelledAll {
			cancelled++
		}
	}

	// Same seed, same history; a new engine answers identically.
	again, err := dialSim(t, addr).historyOrders(hk, nil)
	if err != nil || len(again) != len(orders) || !proto.Equal(again[0], orders[0]) {
		t.Fatalf("second query differs: %d vs %d orders, %v", len(again), len(orders), err)
	}
	_, _, addr2 := startSim(t, Config{Seed: 5, Now: func() time.Time { return histNow }})
	other, err := dialSim(t, addr2).historyOrders(hk, nil)
	if err != nil || len(other) != len(orders) || !proto.Equal(other[len(other)-1], orders[len(orders)-1]) || !proto.Equal(other[0], orders[0]) {
		t.Fatalf("another engine with the same seed differs: %v", err)
	}

	// Filters: one day's window, a code, a status.
	day := calendar.DateOf(mustParse(t, orders[0].GetCreateTime(), hkLoc))
	f := &trdcommon.TrdFilterConditions{BeginTime: proto.String(day.String() + " 00:00:00"),
		EndTime: proto.String(day.String() + " 23:59:59.999")}
	one, err := wc.historyOrders(hk, f)
	if err != nil || len(one) == 0 {
		t.Fatalf("one day: %d orders, %v", len(one), err)
	}
	for _, o := range one {
		if calendar.DateOf(mustParse(t, o.GetCreateTime(), hkLoc)) != day {
			t.Fatalf("order %v outside %v", o.GetCreateTime(), day)
		}
	}
	code := orders[0].GetCode()
	byCode, err := wc.historyOrders(hk, &trdcommon.TrdFilterConditions{CodeList: []string{"HK." + code}})
	if err != nil || len(byCode) == 0 {
		t.Fatalf("code filter: %v", err)
	}
	for _, o := range byCode {
		if o.GetCode() != code {
			t.Fatalf("code filter let %s through", o.GetCode())
		}
	}
	onlyCancelled, err := wc.historyOrders(hk, nil, statusCancelledAll)
	if err != nil || len(onlyCancelled) != cancelled {
		t.Fatalf("status filter: %d orders, want %d (%v)", len(onlyCancelled), cancelled, err)
	}
	someFills, err := wc.historyFills(hk, f)
	if err != nil {
		t.Fatal(err)
	}
	for _, fl := range someFills {
		if calendar.DateOf(mustParse(t, fl.GetCreateTime(), hkLoc)) != day {
			t.Fatalf("fill %v outside %v", fl.GetCreateTime(), day)
		}
	}

	// Today's orders join the history, ahead of the earlier days.
	s2c, err := wc.place(placeReq(hk, sideBuy, typeMarket, "00700", 100, 0))
	if err != nil {
		t.Fatal(err)
	}
	now, err := wc.historyOrders(hk, nil)
	if err != nil || len(now) != len(orders)+1 || now[0].GetOrderID() != s2c.GetOrderID() {
		t.Fatalf("history after placing: %d orders (was %d), %v", len(now), len(orders), err)
	}
	if got := now[0].GetCreateTime(); got != "2025-03-05 10:00:00.000" {
		t.Fatalf("today's createTime = %q, want HK time", got)
	}
	if nf, _ := wc.historyFills(hk, nil); len(nf) != len(fills)+1 {
		t.Fatalf("fills after placing: %d, want %d", len(nf), len(fills)+1)
	}
}

func (wc *wireClient) unlock() {
	wc.t.Helper()
	if err := wc.call(protoid.TrdUnlockTrade, &trdunlocktrade.Request{C2S: &trdunlocktrade.C2S{Unlock: proto.Bool(true),
		PwdMD5: proto.String(md5hex(DefaultTradePassword))}}, &trdunlocktrade.Response{}); err != nil {
		wc.t.Fatalf("unlock: %v", err)
	}
}

func mustParse(t *testing.T, s string, loc *time.Location) time.Time {
	t.Helper()
	at, err := time.ParseInLocation(timeLayout, s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func TestTCPHistoryRefusals(t *testing.T) {
	_, _, addr := startSim(t, Config{Now: func() time.Time { return histNow }})
	wc := dialSim(t, addr)
	cases := []struct {
		name       string
		h          *trdcommon.TrdHeader
		begin, end string
		code       int32
		msg        string
	}{
		{"slashes", hkSim(), "2025/03/01 00:00:00", "", codeInvalidRequest, "invalid beginTime"},
		{"date only", hkSim(), "", "2025-03-01", codeInvalidRequest, "invalid endTime"},
		{"reversed", hkSim(), "2025-03-02 00:00:00", "2025-03-01 00:00:00", codeInvalidRequest, "before beginTime"},
		{"unknown account", header(EnvSimulate, 9, TrdMarketHK), "", "", codeAccount, "unknown account"},
		{"wrong env", header(EnvReal, 1001, TrdMarketHK), "", "", codeAccount, "simulate account"},
	}
	_, err := wc.historyFills(hkSim(), nil)
	wantWireRefusal(t, err, codeUnsupported, "real accounts only")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &trdcommon.TrdFilterConditions{}
			if c.begin != "" {
				f.BeginTime = proto.String(c.begin)
			}
			if c.end != "" {
				f.EndTime = proto.String(c.end)
			}
			_, err := wc.historyOrders(c.h, f)
			wantWireRefusal(t, err, c.code, c.msg)
			_, err = wc.historyFills(c.h, f)
			wantWireRefusal(t, err, c.code, c.msg)
		})
	}
	// A window with no trading days is empty, not refused.
	got, err := wc.historyOrders(hkSim(), &trdcommon.TrdFilterConditions{
		BeginTime: proto.String("2025-03-01 00:00:00"), EndTime: proto.String("2025-03-02 23:59:59")})
	if err != nil || len(got) != 0 {
		t.Fatalf("weekend: %d orders, %v", len(got), err)
	}
}
