package qot

import (
	"math"
	"slices"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetcodechange"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetholdingchangelist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetipolist"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

func ipoList(t *testing.T, c *rawclient.Client, mkt int32) ([]*qotgetipolist.IpoData, envelope.Status) {
	t.Helper()
	var resp qotgetipolist.Response
	st, err := c.Call(testCtx(t), protoid.QotGetIpoList, &qotgetipolist.Request{C2S: &qotgetipolist.C2S{Market: proto.Int32(mkt)}}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetS2C().GetIpoList(), st
}

func TestIpoListPerMarket(t *testing.T) {
	e := start(t, Config{}) // today: 2025-03-03
	c := e.dial(t)
	today := calendar.NewDate(2025, 3, 3)
	for _, tt := range []struct {
		mkt int32
		cal calendar.Market
	}{{market.MarketHK, calendar.HK}, {market.MarketUS, calendar.US}, {21, calendar.CNSH}, {22, calendar.CNSH}} {
		list, st := ipoList(t, c, tt.mkt)
		mustOK(t, st, "Qot_GetIpoList")
		if len(list) != ipoCount {
			t.Fatalf("market %d: %d IPOs", tt.mkt, len(list))
		}
		for _, p := range list {
			b := p.GetBasic()
			key := keyOf(b.GetSecurity())
			listed, err := calendar.ParseDate(b.GetListTime())
			if err != nil || !listed.After(today) || !calendar.IsTradingDay(tt.cal, listed) || b.GetName() == "" {
				t.Errorf("%s: listing %q, name %q", key, b.GetListTime(), b.GetName())
			}
			if _, ok := e.mkt.QuoteByKey(key); ok {
				t.Errorf("%s is already listed", key)
			}
			switch tt.cal {
			case calendar.HK:
				x := p.GetHkExData()
				if x == nil || x.GetIpoPriceMin() > x.GetIpoPriceMax() || x.GetEntrancePrice() < x.GetIpoPriceMax()*float64(x.GetLotSize()) ||
					!x.GetIsSubscribeStatus() || x.GetApplyEndTime() >= b.GetListTime() || p.GetUsExData() != nil {
					t.Errorf("%s: HK data %v", key, x)
				}
			case calendar.US:
				if x := p.GetUsExData(); x == nil || x.GetIpoPriceMin() > x.GetIpoPriceMax() || x.GetIssueSize() <= 0 {
					t.Errorf("%s: US data %v", key, x)
				}
			default:
				x := p.GetCnExData()
				if x == nil || x.GetApplyCode() == "" || x.GetIpoPrice() <= 0 || x.GetOnlineIssueSize() > x.GetIssueSize() ||
					x.GetApplyTime() >= b.GetListTime() || x.GetWinningTime() <= x.GetApplyTime() {
					t.Errorf("%s: CN data %v", key, x)
				}
			}
		}
	}
	sh, _ := ipoList(t, c, 21)
	sz, _ := ipoList(t, c, 22)
	if !proto.Equal(&qotgetipolist.S2C{IpoList: sh}, &qotgetipolist.S2C{IpoList: sz}) {
		t.Error("SH and SZ lists differ; both mean the A-share market")
	}
	for _, mkt := range []int32{0, 2, 31} {
		_, st := ipoList(t, c, mkt)
		mustFail(t, st, "IPO list of an unserved market", codeInvalid)
	}
}

func codeChanges(t *testing.T, c *rawclient.Client, c2s *qotgetcodechange.C2S) ([]*qotgetcodechange.CodeChangeInfo, envelope.Status) {
	t.Helper()
	var resp qotgetcodechange.Response
	st, err := c.Call(testCtx(t), protoid.QotGetCodeChange, &qotgetcodechange.Request{C2S: c2s}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetS2C().GetCodeChangeList(), st
}

func TestCodeChangeFilters(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	all, st := codeChanges(t, c, &qotgetcodechange.C2S{})
	mustOK(t, st, "Qot_GetCodeChange")
	if len(all) == 0 {
		t.Fatal("no code changes")
	}
	lot := int32(qotgetcodechange.CodeChangeType_CodeChangeType_ChangeLot)
	for _, cc := range all {
		if cc.GetType() != lot || cc.GetSecurity().GetMarket() != market.MarketHK || cc.GetRelatedSecurity().GetCode()[:3] != "029" ||
			!(cc.GetPublicTime() < cc.GetEffectiveTime() && cc.GetEffectiveTime() < cc.GetEndTime()) || cc.GetPublicTime() >= "2025-03-03" {
			t.Errorf("code change %v", cc)
		}
	}
	one := keyOf(all[0].GetSecurity())
	got, _ := codeChanges(t, c, &qotgetcodechange.C2S{SecurityList: secs(one)})
	if len(got) != 1 || keyOf(got[0].GetSecurity()) != one {
		t.Errorf("changes of %s: %v", one, got)
	}
	split := int32(qotgetcodechange.CodeChangeType_CodeChangeType_Split)
	if got, _ := codeChanges(t, c, &qotgetcodechange.C2S{TypeList: []int32{split}}); len(got) != 0 {
		t.Errorf("splits: %v", got)
	}
	if got, _ := codeChanges(t, c, &qotgetcodechange.C2S{TypeList: []int32{split, lot}}); len(got) != len(all) {
		t.Errorf("lot changes: %d of %d", len(got), len(all))
	}
	day := all[0].GetEffectiveTime()[:10]
	got, _ = codeChanges(t, c, &qotgetcodechange.C2S{TimeFilterList: []*qotgetcodechange.TimeFilter{{
		Type: proto.Int32(timeFilterEffective), BeginTime: proto.String(day), EndTime: proto.String(day)}}})
	if len(got) == 0 || !slices.ContainsFunc(got, func(cc *qotgetcodechange.CodeChangeInfo) bool { return keyOf(cc.GetSecurity()) == one }) {
		t.Errorf("effective on %s: %v", day, got)
	}
	for _, cc := range got {
		if cc.GetEffectiveTime()[:10] != day {
			t.Errorf("effective filter let through %v", cc)
		}
	}

	for _, tt := range []struct {
		name string
		c2s  *qotgetcodechange.C2S
		code int32
	}{
		{"unknown type", &qotgetcodechange.C2S{TypeList: []int32{0}}, codeInvalid},
		{"unknown time filter", &qotgetcodechange.C2S{TimeFilterList: []*qotgetcodechange.TimeFilter{{Type: proto.Int32(9)}}}, codeInvalid},
		{"bad date", &qotgetcodechange.C2S{TimeFilterList: []*qotgetcodechange.TimeFilter{{Type: proto.Int32(1), BeginTime: proto.String("soon")}}}, codeInvalid},
		{"unknown security", &qotgetcodechange.C2S{SecurityList: secs("HK.99998")}, codeUnknownSec},
	} {
		_, st := codeChanges(t, c, tt.c2s)
		mustFail(t, st, tt.name, tt.code)
	}
}

func holdingChanges(t *testing.T, c *rawclient.Client, c2s *qotgetholdingchangelist.C2S) ([]*qotcommon.ShareHoldingChange, envelope.Status) {
	t.Helper()
	var resp qotgetholdingchangelist.Response
	st, err := c.Call(testCtx(t), protoid.QotGetHoldingChangeList, &qotgetholdingchangelist.Request{C2S: c2s}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetS2C().GetHoldingChangeList(), st
}

func TestHoldingChangesChainPerHolder(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	agency := int32(qotcommon.HolderCategory_HolderCategory_Agency)
	list, st := holdingChanges(t, c, &qotgetholdingchangelist.C2S{Security: securityOf("US.AAPL"), HolderCategory: proto.Int32(agency)})
	mustOK(t, st, "Qot_GetHoldingChangeList")
	if len(list) < 5*(holdingQuarters-1) {
		t.Fatalf("%d changes, want about %d quarters of 5 holders", len(list), holdingQuarters)
	}
	now := float64(e.clock.Now().Unix())
	byHolder := map[string][]*qotcommon.ShareHoldingChange{}
	for i, h := range list {
		if h.GetTimestamp() > now || (i > 0 && h.GetTimestamp() > list[i-1].GetTimestamp()) {
			t.Errorf("change %d at %s: want published before now, latest first", i, h.GetTime())
		}
		byHolder[h.GetHolderName()] = append(byHolder[h.GetHolderName()], h)
	}
	for name, hs := range byHolder {
		for i := 0; i+1 < len(hs); i++ { // latest first: hs[i] follows hs[i+1]
			if d := hs[i].GetHoldingQty() - hs[i+1].GetHoldingQty(); math.Abs(d-hs[i].GetChangeQty()) > 0.5 {
				t.Errorf("%s: %v then %v, change %v", name, hs[i+1].GetHoldingQty(), hs[i].GetHoldingQty(), hs[i].GetChangeQty())
			}
		}
	}
	recent, _ := holdingChanges(t, c, &qotgetholdingchangelist.C2S{Security: securityOf("US.AAPL"), HolderCategory: proto.Int32(agency),
		BeginTime: proto.String("2024-06-01 00:00:00"), EndTime: proto.String("2025-03-03 10:00:00")})
	if len(recent) == 0 || len(recent) >= len(list) {
		t.Errorf("%d changes since June 2024 of %d", len(recent), len(list))
	}
	for _, h := range recent {
		if h.GetTime() < "2024-06-01" {
			t.Errorf("filter let through %s", h.GetTime())
		}
	}

	for _, tt := range []struct {
		name string
		c2s  *qotgetholdingchangelist.C2S
		code int32
	}{
		{"HK stock", &qotgetholdingchangelist.C2S{Security: securityOf("HK.00700"), HolderCategory: proto.Int32(agency)}, codeInvalid},
		{"unknown category", &qotgetholdingchangelist.C2S{Security: securityOf("US.AAPL"), HolderCategory: proto.Int32(0)}, codeInvalid},
		{"date without time", &qotgetholdingchangelist.C2S{Security: securityOf("US.AAPL"), HolderCategory: proto.Int32(agency),
			BeginTime: proto.String("2024-01-01")}, codeInvalid},
		{"unknown security", &qotgetholdingchangelist.C2S{Security: securityOf("US.NOPE"), HolderCategory: proto.Int32(agency)}, codeUnknownSec},
	} {
		_, st := holdingChanges(t, c, tt.c2s)
		mustFail(t, st, tt.name, tt.code)
	}
}
