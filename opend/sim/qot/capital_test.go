package qot

import (
	"math"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetcapitaldistribution"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetcapitalflow"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsuspend"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

func suspends(t *testing.T, c *rawclient.Client, c2s *qotgetsuspend.C2S) ([]*qotgetsuspend.SecuritySuspend, envelope.Status) {
	t.Helper()
	var resp qotgetsuspend.Response
	st, err := c.Call(testCtx(t), protoid.QotGetSuspend, &qotgetsuspend.Request{C2S: c2s}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetS2C().GetSecuritySuspendList(), st
}

func TestSuspendDaysAreTradingDaysBeforeToday(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	req := &qotgetsuspend.C2S{SecurityList: secs("HK.00700", "US.AAPL", "HK.00005"),
		BeginTime: proto.String("2016-01-01"), EndTime: proto.String("2025-03-31")}
	list, st := suspends(t, c, req)
	mustOK(t, st, "Qot_GetSuspend")
	again, _ := suspends(t, c, req)
	total := 0
	for i, ss := range list {
		m := calendar.HK
		if keyOf(ss.GetSecurity()) == "US.AAPL" {
			m = calendar.US
		}
		prev := calendar.Date{}
		for j, d := range ss.GetSuspendList() {
			day, err := calendar.ParseDate(d.GetTime())
			if err != nil || !calendar.IsTradingDay(m, day) || !day.After(prev) || !day.Before(calendar.NewDate(2025, 3, 3)) {
				t.Errorf("%s suspended %s: want ascending trading days before today", keyOf(ss.GetSecurity()), d.GetTime())
			}
			if d.GetTimestamp() != float64(day.In(calendar.Location(m)).Unix()) {
				t.Errorf("%s: timestamp %v for %s", keyOf(ss.GetSecurity()), d.GetTimestamp(), d.GetTime())
			}
			if again[i].GetSuspendList()[j].GetTime() != d.GetTime() {
				t.Error("suspension days differ between calls")
			}
			prev = day
			total++
		}
	}
	if total == 0 || total > 3*10*5 {
		t.Errorf("%d suspension days over three securities and nine years, want a few a year", total)
	}

	for _, tt := range []struct {
		name string
		c2s  *qotgetsuspend.C2S
		code int32
	}{
		{"no securities", &qotgetsuspend.C2S{BeginTime: proto.String("2024-01-01"), EndTime: proto.String("2024-12-31")}, codeInvalid},
		{"empty begin", &qotgetsuspend.C2S{SecurityList: secs("HK.00700"), BeginTime: proto.String(""), EndTime: proto.String("2024-12-31")}, codeInvalid},
		{"bad end", &qotgetsuspend.C2S{SecurityList: secs("HK.00700"), BeginTime: proto.String("2024-01-01"), EndTime: proto.String("31/12/2024")}, codeInvalid},
		{"reversed", &qotgetsuspend.C2S{SecurityList: secs("HK.00700"), BeginTime: proto.String("2024-02-01"), EndTime: proto.String("2024-01-01")}, codeInvalid},
		{"unknown security", &qotgetsuspend.C2S{SecurityList: secs("HK.99998"), BeginTime: proto.String("2024-01-01"), EndTime: proto.String("2024-12-31")}, codeUnknownSec},
	} {
		_, st := suspends(t, c, tt.c2s)
		mustFail(t, st, tt.name, tt.code)
	}
}

func distribution(t *testing.T, c *rawclient.Client, key string) *qotgetcapitaldistribution.S2C {
	t.Helper()
	var resp qotgetcapitaldistribution.Response
	st, err := c.Call(testCtx(t), protoid.QotGetCapitalDistribution, &qotgetcapitaldistribution.Request{
		C2S: &qotgetcapitaldistribution.C2S{Security: securityOf(key)}}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, st, "Qot_GetCapitalDistribution")
	return resp.GetS2C()
}

func capitalFlow(t *testing.T, c *rawclient.Client, c2s *qotgetcapitalflow.C2S) (*qotgetcapitalflow.S2C, envelope.Status) {
	t.Helper()
	var resp qotgetcapitalflow.Response
	st, err := c.Call(testCtx(t), protoid.QotGetCapitalFlow, &qotgetcapitalflow.Request{C2S: c2s}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetS2C(), st
}

func nearMoney(a, b float64) bool { return math.Abs(a-b) <= 0.01+1e-9*math.Abs(b) }

// TestCapitalCoherentWithTurnover: the distribution adds up to today's
// turnover, and the intraday and daily flows end at its net inflow.
func TestCapitalCoherentWithTurnover(t *testing.T) {
	e := start(t, Config{}) // 10:00 in Hong Kong, half an hour into the morning
	c := e.dial(t)
	const key = "HK.00700"
	for round := range 2 {
		for range 200 {
			e.mkt.Step(key)
		}
		q, _ := e.mkt.QuoteByKey(key)
		d := distribution(t, c, key)
		in := d.GetCapitalInSuper() + d.GetCapitalInBig() + d.GetCapitalInMid() + d.GetCapitalInSmall()
		out := d.GetCapitalOutSuper() + d.GetCapitalOutBig() + d.GetCapitalOutMid() + d.GetCapitalOutSmall()
		if !nearMoney(in+out, q.Turnover) || q.Turnover == 0 {
			t.Fatalf("round %d: in %v + out %v != turnover %v", round, in, out, q.Turnover)
		}

		flow, st := capitalFlow(t, c, &qotgetcapitalflow.C2S{Security: securityOf(key)})
		mustOK(t, st, "intraday capital flow")
		items := flow.GetFlowItemList()
		if len(items) != 31 || items[0].GetTime() != "2025-03-03 09:30:00" || items[30].GetTime() != "2025-03-03 10:00:00" {
			t.Fatalf("intraday: %d items from %s to %s, want 09:30 to 10:00", len(items), items[0].GetTime(), items[len(items)-1].GetTime())
		}
		if last := items[30].GetInFlow(); !nearMoney(last, in-out) {
			t.Errorf("intraday ends at %v, want today's net %v", last, in-out)
		}

		days, st := capitalFlow(t, c, &qotgetcapitalflow.C2S{Security: securityOf(key), PeriodType: proto.Int32(periodDay),
			BeginTime: proto.String("2025-02-01"), EndTime: proto.String("2025-03-03")})
		mustOK(t, st, "daily capital flow")
		want := calendar.TradingDays(calendar.HK, calendar.NewDate(2025, 2, 1), calendar.NewDate(2025, 3, 3))
		dl := days.GetFlowItemList()
		if len(dl) != len(want) || !nearMoney(dl[len(dl)-1].GetInFlow(), in-out) {
			t.Fatalf("daily: %d items, last %v; want %d ending at %v", len(dl), dl[len(dl)-1].GetInFlow(), len(want), in-out)
		}
		weeks, _ := capitalFlow(t, c, &qotgetcapitalflow.C2S{Security: securityOf(key), PeriodType: proto.Int32(periodWeek),
			BeginTime: proto.String("2025-02-01"), EndTime: proto.String("2025-03-03")})
		sumDays, sumWeeks := 0.0, 0.0
		for _, it := range dl {
			sumDays += it.GetInFlow()
		}
		for _, it := range weeks.GetFlowItemList() {
			sumWeeks += it.GetInFlow()
		}
		if n := len(weeks.GetFlowItemList()); n != 5 || !nearMoney(sumDays, sumWeeks) {
			t.Errorf("%d weeks summing to %v, want 5 summing to the days' %v", n, sumWeeks, sumDays)
		}
	}

	for _, tt := range []struct {
		name string
		c2s  *qotgetcapitalflow.C2S
	}{
		{"unknown period", &qotgetcapitalflow.C2S{Security: securityOf(key), PeriodType: proto.Int32(9)}},
		{"bad begin", &qotgetcapitalflow.C2S{Security: securityOf(key), PeriodType: proto.Int32(periodDay), BeginTime: proto.String("yesterday")}},
		{"reversed", &qotgetcapitalflow.C2S{Security: securityOf(key), PeriodType: proto.Int32(periodDay),
			BeginTime: proto.String("2025-03-01"), EndTime: proto.String("2025-02-01")}},
	} {
		_, st := capitalFlow(t, c, tt.c2s)
		mustFail(t, st, tt.name, codeInvalid)
	}
	_, st := capitalFlow(t, c, &qotgetcapitalflow.C2S{Security: securityOf("US.NOPE")})
	mustFail(t, st, "unknown security", codeUnknownSec)
}

func TestSplitTurnover(t *testing.T) {
	for _, tt := range []struct {
		turnover, changeRate float64
		wantNet              int // sign of the big orders' net inflow
	}{
		{1e8, 5, 1},
		{1e8, -5, -1},
		{12345.67, 0, 0},
		{0, 3, 0},
	} {
		f := splitTurnover(tt.turnover, tt.changeRate, 42)
		sum := 0.0
		for c := range 4 {
			sum += f.in[c] + f.out[c]
			if f.in[c] < 0 || f.out[c] < 0 {
				t.Errorf("%+v: negative flow %v/%v", tt, f.in[c], f.out[c])
			}
		}
		if !nearMoney(sum, tt.turnover) {
			t.Errorf("%+v: in and out add up to %v", tt, sum)
		}
		big := f.net(0) + f.net(1)
		if tt.wantNet > 0 && big <= 0 || tt.wantNet < 0 && big >= 0 {
			t.Errorf("%+v: big orders net %v, want sign %d", tt, big, tt.wantNet)
		}
	}
}
