package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/getglobalstate"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetbasicqot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsub"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdsubaccpush"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorderfill"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/hours"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"github.com/futugw/gateway/opend/testkit/simtest"
	"google.golang.org/protobuf/proto"
)

// hoursSim serves a simulator with -market-hours calendar on a manual clock
// starting at start, stepping each security every 5ms of wall time.
func hoursSim(t *testing.T, start time.Time) (*sim.Sim, *rawclient.Client, *manualClock, context.Context) {
	t.Helper()
	clk := &manualClock{t: start}
	s, addr := simtest.Start(t, sim.Config{Seed: 3, PushInterval: 5 * time.Millisecond, Now: clk.Now,
		MarketHours: hours.Calendar})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	c, err := rawclient.Dial(ctx, addr, rawclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return s, c, clk, ctx
}

func callOK(ctx context.Context, t *testing.T, c *rawclient.Client, id uint32, req, resp proto.Message) {
	t.Helper()
	if st, err := c.Call(ctx, id, req, resp); err != nil || !st.OK() {
		t.Fatalf("proto %d: %v %+v", id, err, st)
	}
}

func sec(mkt int32, code string) *qotcommon.Security {
	return &qotcommon.Security{Market: proto.Int32(mkt), Code: proto.String(code)}
}

// subBasic subscribes to the basic quotes of secs with pushes on, no first push.
func subBasic(ctx context.Context, t *testing.T, c *rawclient.Client, secs ...*qotcommon.Security) {
	t.Helper()
	callOK(ctx, t, c, protoid.QotSub, &qotsub.Request{C2S: &qotsub.C2S{SecurityList: secs, SubTypeList: []int32{1},
		IsSubOrUnSub: proto.Bool(true), IsRegOrUnRegPush: proto.Bool(true)}}, &qotsub.Response{})
}

func basicQot(ctx context.Context, t *testing.T, c *rawclient.Client, s *qotcommon.Security) *qotcommon.BasicQot {
	t.Helper()
	var resp qotgetbasicqot.Response
	callOK(ctx, t, c, protoid.QotGetBasicQot, &qotgetbasicqot.Request{C2S: &qotgetbasicqot.C2S{
		SecurityList: []*qotcommon.Security{s}}}, &resp)
	return resp.GetS2C().GetBasicQotList()[0]
}

// nextBasic returns the next Qot_UpdateBasicQot push's quote.
func nextBasic(ctx context.Context, t *testing.T, c *rawclient.Client) *qotcommon.BasicQot {
	t.Helper()
	f, err := c.NextPush(ctx, protoid.QotUpdateBasicQot)
	if err != nil {
		t.Fatal(err)
	}
	var p qotupdatebasicqot.Response
	if err := proto.Unmarshal(f.Body, &p); err != nil {
		t.Fatal(err)
	}
	return p.GetS2C().GetBasicQotList()[0]
}

func globalState(ctx context.Context, t *testing.T, c *rawclient.Client) *getglobalstate.S2C {
	t.Helper()
	var gs getglobalstate.Response
	callOK(ctx, t, c, protoid.GetGlobalState, &getglobalstate.Request{C2S: &getglobalstate.C2S{UserID: proto.Uint64(1)}}, &gs)
	return gs.GetS2C()
}

// TestCalendarHoursUSLimitOrder: under -market-hours calendar a marketable US
// limit buy placed at 07:00 New York time waits through pre-market and fills
// after 09:30, unless it asked for fillOutsideRTH, when it fills at once.
func TestCalendarHoursUSLimitOrder(t *testing.T) {
	ny := calendar.Location(calendar.US)
	preMarket := time.Date(2026, 12, 7, 7, 0, 0, 0, ny) // a Monday
	open := time.Date(2026, 12, 7, 9, 30, 0, 0, ny)
	tests := []struct {
		name       string
		outsideRTH bool
		wantStatus trdcommon.OrderStatus // in pre-market
	}{
		{"regular hours only", false, trdcommon.OrderStatus_OrderStatus_Submitted},
		{"fillOutsideRTH", true, trdcommon.OrderStatus_OrderStatus_Filled_All},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c, clk, ctx := hoursSim(t, preMarket)
			if got := globalState(ctx, t, c).GetMarketUS(); got != int32(calendar.StatePreMarketBegin) {
				t.Errorf("GetGlobalState marketUS = %d, want %d (pre-market)", got, calendar.StatePreMarketBegin)
			}
			aapl := sec(11, "AAPL")
			subBasic(ctx, t, c, aapl)
			hdr := &trdcommon.TrdHeader{TrdEnv: proto.Int32(0), AccID: proto.Uint64(1002), TrdMarket: proto.Int32(2)}
			callOK(ctx, t, c, protoid.TrdSubAccPush, &trdsubaccpush.Request{C2S: &trdsubaccpush.C2S{
				AccIDList: []uint64{1002}}}, &trdsubaccpush.Response{})

			q, _ := s.Market().QuoteByKey("US.AAPL")
			callOK(ctx, t, c, protoid.TrdPlaceOrder, &trdplaceorder.Request{C2S: &trdplaceorder.C2S{
				PacketID: &common.PacketID{ConnID: proto.Uint64(c.ConnID), SerialNo: proto.Uint32(1)},
				Header:   hdr, TrdSide: proto.Int32(1), OrderType: proto.Int32(1), Code: proto.String("AAPL"),
				Qty: proto.Float64(1), Price: proto.Float64(market.Snap(market.MarketUS, q.Cur*1.05)),
				FillOutsideRTH: proto.Bool(tt.outsideRTH),
			}}, &trdplaceorder.Response{})

			// AAPL walks in pre-market: once two of its steps are pushed, the
			// trade engine has matched the order against at least one.
			for range 3 {
				if at := nextBasic(ctx, t, c).GetUpdateTimestamp(); at < float64(preMarket.Unix()) {
					t.Fatalf("pre-market push stamped %v", at)
				}
			}
			var orders trdgetorderlist.Response
			callOK(ctx, t, c, protoid.TrdGetOrderList, &trdgetorderlist.Request{C2S: &trdgetorderlist.C2S{Header: hdr}}, &orders)
			if got := orders.GetS2C().GetOrderList(); len(got) != 1 || got[0].GetOrderStatus() != int32(tt.wantStatus) {
				t.Fatalf("in pre-market: orders %v, want one %v", got, tt.wantStatus)
			}
			if tt.outsideRTH {
				return
			}

			clk.Advance(open.Sub(preMarket) + time.Minute)
			f, err := c.NextPush(ctx, protoid.TrdUpdateOrderFill)
			if err != nil {
				t.Fatal(err)
			}
			var fill trdupdateorderfill.Response
			if err := proto.Unmarshal(f.Body, &fill); err != nil {
				t.Fatal(err)
			}
			if at := fill.GetS2C().GetOrderFill().GetCreateTimestamp(); at < float64(open.Unix()) {
				t.Errorf("filled at %v, before the 09:30 open", time.Unix(int64(at), 0).In(ny))
			}
		})
	}
}

// TestCalendarHoursHKStillAtNight: at 21:00 Hong Kong time HK quotes neither
// step nor push while US pre-market walks, and GetGlobalState says HK is
// closed.
func TestCalendarHoursHKStillAtNight(t *testing.T) {
	night := time.Date(2026, 12, 7, 21, 0, 0, 0, calendar.Location(calendar.HK)) // 08:00 New York
	_, c, _, ctx := hoursSim(t, night)
	if got := globalState(ctx, t, c).GetMarketHK(); got != int32(calendar.StateClosed) {
		t.Errorf("GetGlobalState marketHK = %d, want %d (closed)", got, calendar.StateClosed)
	}
	tencent, aapl := sec(1, "00700"), sec(11, "AAPL")
	subBasic(ctx, t, c, tencent, aapl)
	before := basicQot(ctx, t, c, tencent)
	for range 5 {
		if q := nextBasic(ctx, t, c); q.GetSecurity().GetMarket() != 11 {
			t.Fatalf("push for %v at night", q.GetSecurity())
		}
	}
	if after := basicQot(ctx, t, c, tencent); !proto.Equal(before, after) {
		t.Errorf("HK.00700 moved at night:\n before %v\n after  %v", before, after)
	}
}

// TestCalendarHoursHKLunchBreak: during the HK lunch break a step of HK.00700
// changes and pushes nothing; from 13:00 it walks and pushes again, stamped in
// the afternoon session.
func TestCalendarHoursHKLunchBreak(t *testing.T) {
	hk := calendar.Location(calendar.HK)
	lunch := time.Date(2026, 12, 7, 12, 30, 0, 0, hk)
	s, c, clk, ctx := hoursSim(t, lunch)
	if got := globalState(ctx, t, c).GetMarketHK(); got != int32(calendar.StateRest) {
		t.Errorf("GetGlobalState marketHK = %d, want %d (lunch rest)", got, calendar.StateRest)
	}
	tencent := sec(1, "00700")
	subBasic(ctx, t, c, tencent)
	before := basicQot(ctx, t, c, tencent)
	if _, stepped := s.Market().Step("HK.00700"); stepped {
		t.Error("HK.00700 stepped during the lunch break")
	}
	// A push made by that step would be queued before this answer.
	if after := basicQot(ctx, t, c, tencent); !proto.Equal(before, after) {
		t.Errorf("HK.00700 moved during lunch:\n before %v\n after  %v", before, after)
	}
	select {
	case f := <-c.Pushes():
		t.Fatalf("push %d during the lunch break", f.ProtoID)
	default:
	}

	afternoon := time.Date(2026, 12, 7, 13, 0, 0, 0, hk)
	clk.Advance(afternoon.Sub(lunch))
	q := nextBasic(ctx, t, c)
	if at := q.GetUpdateTimestamp(); at < float64(afternoon.Unix()) {
		t.Errorf("first push after lunch stamped %v, before 13:00", time.Unix(int64(at), 0).In(hk))
	}
	if q.GetVolume() <= before.GetVolume() {
		t.Errorf("volume %d after the first afternoon step, was %d", q.GetVolume(), before.GetVolume())
	}
}

func TestNewRejectsUnknownMarketHours(t *testing.T) {
	if _, err := sim.New(sim.Config{MarketHours: hours.Mode(7)}); err == nil {
		t.Error("market hours mode 7 accepted")
	}
}

// TestCalendarHoursDayOrderExpiresWhileAllClosed: a US Day limit order with
// fillOutsideRTH ends with the after-hours session at 20:00 New York time on
// a Friday, when no market ticks until Monday: it is cancelled and pushed all
// the same.
func TestCalendarHoursDayOrderExpiresWhileAllClosed(t *testing.T) {
	ny := calendar.Location(calendar.US)
	start := time.Date(2026, 12, 11, 19, 59, 0, 0, ny) // Friday, after-hours
	s, c, clk, ctx := hoursSim(t, start)
	callOK(ctx, t, c, protoid.TrdSubAccPush, &trdsubaccpush.Request{C2S: &trdsubaccpush.C2S{
		AccIDList: []uint64{1002}}}, &trdsubaccpush.Response{})
	q, _ := s.Market().QuoteByKey("US.AAPL")
	callOK(ctx, t, c, protoid.TrdPlaceOrder, &trdplaceorder.Request{C2S: &trdplaceorder.C2S{
		PacketID: &common.PacketID{ConnID: proto.Uint64(c.ConnID), SerialNo: proto.Uint32(1)},
		Header:   &trdcommon.TrdHeader{TrdEnv: proto.Int32(0), AccID: proto.Uint64(1002), TrdMarket: proto.Int32(2)},
		TrdSide:  proto.Int32(1), OrderType: proto.Int32(1), Code: proto.String("AAPL"),
		Qty: proto.Float64(1), Price: proto.Float64(market.Snap(market.MarketUS, q.Cur*0.5)),
		FillOutsideRTH: proto.Bool(true),
	}}, &trdplaceorder.Response{})
	if got := nextOrder(ctx, t, c); got.GetOrderStatus() != int32(trdcommon.OrderStatus_OrderStatus_Submitted) {
		t.Fatalf("placed: %v", got)
	}

	clk.Advance(2 * time.Minute)
	got := nextOrder(ctx, t, c)
	if got.GetOrderStatus() != int32(trdcommon.OrderStatus_OrderStatus_Cancelled_All) {
		t.Errorf("after 20:00 Friday: %v, want cancelled (expired)", got)
	}
}

func nextOrder(ctx context.Context, t *testing.T, c *rawclient.Client) *trdcommon.Order {
	t.Helper()
	f, err := c.NextPush(ctx, protoid.TrdUpdateOrder)
	if err != nil {
		t.Fatal(err)
	}
	var p trdupdateorder.Response
	if err := proto.Unmarshal(f.Body, &p); err != nil {
		t.Fatal(err)
	}
	return p.GetS2C().GetOrder()
}
