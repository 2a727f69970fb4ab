package qot

import (
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/getglobalstate"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetmarketstate"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequesttradedate"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

// setClock moves the test clock to t.
func setClock(c *clock, t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func TestMarketStateFollowsCalendar(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	c := e.dial(t)
	utc := func(mo time.Month, d, h, m int) time.Time { return time.Date(2025, mo, d, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		at     time.Time
		hk, us calendar.MarketState
	}{
		{"HK pre-opening blocking, US Sunday night", utc(3, 3, 1, 25), calendar.StateWaitingOpen, calendar.StateClosed},
		{"HK morning", utc(3, 3, 2, 0), calendar.StateMorning, calendar.StateClosed},
		{"HK lunch", utc(3, 3, 4, 30), calendar.StateRest, calendar.StateClosed},
		{"HK closing auction", utc(3, 3, 8, 5), calendar.StateHKCAS, calendar.StateClosed},
		{"US pre-market", utc(3, 3, 10, 0), calendar.StateClosed, calendar.StatePreMarketBegin},
		{"US regular session", utc(3, 3, 15, 0), calendar.StateClosed, calendar.StateAfternoon},
		{"US after hours", utc(3, 3, 22, 0), calendar.StateClosed, calendar.StateAfterHoursBegin},
		{"Saturday", utc(3, 8, 15, 0), calendar.StateClosed, calendar.StateClosed},
		{"HK Lunar New Year, US after its after-hours", utc(1, 29, 2, 0), calendar.StateClosed, calendar.StateAfterHoursEnd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setClock(e.clock, tt.at)
			var resp qotgetmarketstate.Response
			st, err := c.Call(ctx, protoid.QotGetMarketState, &qotgetmarketstate.Request{C2S: &qotgetmarketstate.C2S{
				SecurityList: secs("HK.00700", "US.AAPL")}}, &resp)
			if err != nil {
				t.Fatal(err)
			}
			mustOK(t, st, "Qot_GetMarketState")
			list := resp.GetS2C().GetMarketInfoList()
			if len(list) != 2 || keyOf(list[0].GetSecurity()) != "HK.00700" || list[0].GetName() != "TENCENT" {
				t.Fatalf("marketInfoList = %v", list)
			}
			if got := list[0].GetMarketState(); got != int32(tt.hk) {
				t.Errorf("HK state %d, want %d", got, tt.hk)
			}
			if got := list[1].GetMarketState(); got != int32(tt.us) {
				t.Errorf("US state %d, want %d", got, tt.us)
			}

			var gs getglobalstate.Response
			st, err = c.Call(ctx, protoid.GetGlobalState, &getglobalstate.Request{C2S: &getglobalstate.C2S{UserID: proto.Uint64(1)}}, &gs)
			if err != nil {
				t.Fatal(err)
			}
			mustOK(t, st, "GetGlobalState")
			g := gs.GetS2C()
			if g.GetMarketHK() != int32(tt.hk) || g.GetMarketUS() != int32(tt.us) ||
				g.GetMarketSH() != int32(calendar.State(calendar.CNSH, tt.at)) ||
				g.GetMarketSZ() != int32(calendar.State(calendar.CNSZ, tt.at)) {
				t.Errorf("GetGlobalState markets HK %d US %d SH %d SZ %d", g.GetMarketHK(), g.GetMarketUS(), g.GetMarketSH(), g.GetMarketSZ())
			}
		})
	}
}

func TestMarketStateRefusals(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	c := e.dial(t)
	for _, tt := range []struct {
		name string
		list []*qotcommon.Security
		code int32
	}{
		{"empty list", nil, codeInvalid},
		{"unknown security", secs("HK.99998"), codeUnknownSec},
	} {
		var resp qotgetmarketstate.Response
		st, err := c.Call(ctx, protoid.QotGetMarketState, &qotgetmarketstate.Request{C2S: &qotgetmarketstate.C2S{SecurityList: tt.list}}, &resp)
		if err != nil {
			t.Fatal(err)
		}
		mustFail(t, st, tt.name, tt.code)
	}
}

func tradeDates(t *testing.T, c *rawclient.Client, c2s *qotrequesttradedate.C2S) ([]*qotrequesttradedate.TradeDate, envelope.Status) {
	t.Helper()
	var resp qotrequesttradedate.Response
	st, err := c.Call(testCtx(t), protoid.QotRequestTradeDate, &qotrequesttradedate.Request{C2S: c2s}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetS2C().GetTradeDateList(), st
}

func TestRequestTradeDateSkipsWeekendsAndHolidays(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	type day struct {
		date string
		typ  calendar.TradeDateType
	}
	tests := []struct {
		name  string
		c2s   *qotrequesttradedate.C2S
		want  []day
		zone  *time.Location
		after string // optional: the SDK's date-time form
	}{
		{"HK Lunar New Year, eve is a half day",
			&qotrequesttradedate.C2S{Market: proto.Int32(1), BeginTime: proto.String("2025-01-24"), EndTime: proto.String("2025-02-03")},
			[]day{{"2025-01-24", 0}, {"2025-01-27", 0}, {"2025-01-28", calendar.TradeDateMorning}, {"2025-02-03", 0}},
			calendar.Location(calendar.HK), ""},
		{"US Independence Day by security, market ignored",
			&qotrequesttradedate.C2S{Market: proto.Int32(1), BeginTime: proto.String("2025-07-01 00:00:00"), EndTime: proto.String("2025-07-08"),
				Security: securityOf("US.AAPL")},
			[]day{{"2025-07-01", 0}, {"2025-07-02", 0}, {"2025-07-03", calendar.TradeDateMorning}, {"2025-07-07", 0}, {"2025-07-08", 0}},
			calendar.Location(calendar.US), ""},
		{"CN National Day golden week",
			&qotrequesttradedate.C2S{Market: proto.Int32(3), BeginTime: proto.String("2025-09-29"), EndTime: proto.String("2025-10-10")},
			[]day{{"2025-09-29", 0}, {"2025-09-30", 0}, {"2025-10-09", 0}, {"2025-10-10", 0}},
			calendar.Location(calendar.CNSH), ""},
		{"one weekend day", &qotrequesttradedate.C2S{Market: proto.Int32(2), BeginTime: proto.String("2025-03-08"), EndTime: proto.String("2025-03-08")},
			nil, calendar.Location(calendar.US), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st := tradeDates(t, c, tt.c2s)
			mustOK(t, st, "Qot_RequestTradeDate")
			if len(got) != len(tt.want) {
				t.Fatalf("%d trade dates %v, want %v", len(got), got, tt.want)
			}
			for i, w := range tt.want {
				d, _ := calendar.ParseDate(w.date)
				if got[i].GetTime() != w.date || got[i].GetTradeDateType() != int32(w.typ) ||
					got[i].GetTimestamp() != float64(d.In(tt.zone).Unix()) {
					t.Errorf("day %d = %v, want %s type %d at local midnight", i, got[i], w.date, w.typ)
				}
			}
		})
	}
}

func TestRequestTradeDateRefusals(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	req := func(mkt int32, begin, end string) *qotrequesttradedate.C2S {
		return &qotrequesttradedate.C2S{Market: proto.Int32(mkt), BeginTime: proto.String(begin), EndTime: proto.String(end)}
	}
	unknownSec := req(1, "2025-01-01", "2025-01-31")
	unknownSec.Security = securityOf("US.NOPE")
	tests := []struct {
		name string
		c2s  *qotrequesttradedate.C2S
		code int32
	}{
		{"unknown market", req(0, "2025-01-01", "2025-01-31"), codeInvalid},
		{"not a TradeDateMarket", req(99, "2025-01-01", "2025-01-31"), codeInvalid},
		{"Japan is not simulated", req(10, "2025-01-01", "2025-01-31"), codeUnsupported},
		{"bad begin", req(1, "2025/01/01", "2025-01-31"), codeInvalid},
		{"bad end", req(1, "2025-01-01", ""), codeInvalid},
		{"end before begin", req(1, "2025-02-01", "2025-01-31"), codeInvalid},
		{"range too long", req(1, "2000-01-01", "2025-01-31"), codeInvalid},
		{"unknown security", unknownSec, codeUnknownSec},
	}
	for _, tt := range tests {
		_, st := tradeDates(t, c, tt.c2s)
		mustFail(t, st, tt.name, tt.code)
	}
}
