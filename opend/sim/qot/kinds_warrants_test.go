package qot

import (
	"slices"
	"strings"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetwarrant"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

// Qot_Common.SortField values used below.
const (
	sortCode     int32 = 1
	sortCurPrice int32 = 2
	sortStrike   int32 = 18
	sortIssuer   int32 = 32
)

func warrants(t *testing.T, c *rawclient.Client, c2s *qotgetwarrant.C2S) (*qotgetwarrant.S2C, envelope.Status) {
	t.Helper()
	var resp qotgetwarrant.Response
	st := call(testCtx(t), t, c, protoid.QotGetWarrant, &qotgetwarrant.Request{C2S: c2s}, &resp)
	return resp.GetS2C(), st
}

func warrantReq(begin, num, sort int32, asc bool) *qotgetwarrant.C2S {
	return &qotgetwarrant.C2S{Begin: proto.Int32(begin), Num: proto.Int32(num), SortField: proto.Int32(sort),
		Ascend: proto.Bool(asc), Owner: securityOf("HK.00700")}
}

func codesOf(list []*qotgetwarrant.WarrantData) []string {
	out := make([]string, len(list))
	for i, w := range list {
		out[i] = w.GetStock().GetCode()
	}
	return out
}

// TestWarrantPaging: pages of a sorted screen join into the whole, in order.
func TestWarrantPaging(t *testing.T) {
	e := startKinds(t)
	c := e.dial(t)
	all, st := warrants(t, c, warrantReq(0, 200, sortStrike, true))
	mustOK(t, st, "Qot_GetWarrant")
	if all.GetAllCount() != 9 || len(all.GetWarrantDataList()) != 9 || !all.GetLastPage() {
		t.Fatalf("all = count %d, %d rows, last %v", all.GetAllCount(), len(all.GetWarrantDataList()), all.GetLastPage())
	}
	var strikes []float64
	for _, w := range all.GetWarrantDataList() {
		strikes = append(strikes, w.GetStrikePrice())
		if keyOf(w.GetOwner()) != "HK.00700" || w.GetCurPrice() <= 0 || w.GetBidPrice() > w.GetAskPrice() || w.GetName() == "" {
			t.Errorf("row %v", w)
		}
	}
	if !slices.IsSorted(strikes) {
		t.Errorf("strikes %v not ascending", strikes)
	}
	var joined []string
	for begin := int32(0); ; begin += 4 {
		page, st := warrants(t, c, warrantReq(begin, 4, sortStrike, true))
		mustOK(t, st, "Qot_GetWarrant page")
		joined = append(joined, codesOf(page.GetWarrantDataList())...)
		if page.GetAllCount() != 9 || page.GetLastPage() != (begin+4 >= 9) {
			t.Fatalf("page at %d: count %d last %v", begin, page.GetAllCount(), page.GetLastPage())
		}
		if page.GetLastPage() {
			break
		}
	}
	if !slices.Equal(joined, codesOf(all.GetWarrantDataList())) {
		t.Errorf("pages %v, whole %v", joined, codesOf(all.GetWarrantDataList()))
	}
	past, st := warrants(t, c, warrantReq(50, 10, sortStrike, true))
	mustOK(t, st, "Qot_GetWarrant past the end")
	if len(past.GetWarrantDataList()) != 0 || !past.GetLastPage() || past.GetAllCount() != 9 {
		t.Errorf("past the end = %v", past)
	}
	desc, _ := warrants(t, c, warrantReq(0, 200, sortCode, false))
	codes := codesOf(desc.GetWarrantDataList())
	if !slices.IsSortedFunc(codes, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("codes %v not descending", codes)
	}
}

func TestWarrantFilters(t *testing.T) {
	e := startKinds(t)
	c := e.dial(t)
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name   string
		modify func(*qotgetwarrant.C2S)
		want   []string
	}{
		{"bulls", func(r *qotgetwarrant.C2S) { r.TypeList = []int32{market.WarrantBull} }, []string{"55123", "58810"}},
		{"calls and puts", func(r *qotgetwarrant.C2S) { r.TypeList = []int32{market.WarrantCall, market.WarrantPut} },
			[]string{"13125", "13188", "15672", "19210", "21880"}},
		{"issuer SG", func(r *qotgetwarrant.C2S) { r.IssuerList = []int32{market.IssuerSG} }, []string{"13125", "55123"}},
		{"strike 500 to 540", func(r *qotgetwarrant.C2S) { r.StrikePriceMin, r.StrikePriceMax = f(500), f(540) },
			[]string{"13125", "15672", "61234"}},
		{"recovery price: CBBCs only", func(r *qotgetwarrant.C2S) { r.RecoveryPriceMin = f(0) },
			[]string{"55123", "58810", "61234", "67890"}},
		{"delta: calls and puts only", func(r *qotgetwarrant.C2S) { r.DeltaMin = f(-1) },
			[]string{"13125", "13188", "15672", "19210", "21880"}},
		{"conversion ratio 50", func(r *qotgetwarrant.C2S) { r.ConversionMin, r.ConversionMax = f(50), f(50) }, []string{"15672"}},
		{"status suspended", func(r *qotgetwarrant.C2S) { r.Status = proto.Int32(2) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := warrantReq(0, 200, sortCode, true)
			tt.modify(req)
			s2c, st := warrants(t, c, req)
			mustOK(t, st, "Qot_GetWarrant")
			if got := codesOf(s2c.GetWarrantDataList()); !slices.Equal(got, tt.want) && len(got)+len(tt.want) > 0 {
				t.Errorf("codes %v, want %v", got, tt.want)
			}
			if int(s2c.GetAllCount()) != len(tt.want) {
				t.Errorf("allCount %d, want %d", s2c.GetAllCount(), len(tt.want))
			}
		})
	}

	// In and out of the money split the screen between them.
	in, _ := warrants(t, c, func() *qotgetwarrant.C2S {
		r := warrantReq(0, 200, sortCode, true)
		r.PriceType = proto.Int32(priceTypeWithin)
		return r
	}())
	out, _ := warrants(t, c, func() *qotgetwarrant.C2S {
		r := warrantReq(0, 200, sortCode, true)
		r.PriceType = proto.Int32(priceTypeOutside)
		return r
	}())
	if in.GetAllCount()+out.GetAllCount() != 9 {
		t.Errorf("%d in + %d out of the money", in.GetAllCount(), out.GetAllCount())
	}
	for _, w := range in.GetWarrantDataList() {
		if w.GetIpop() <= 0 {
			t.Errorf("%s in the money with ipop %v", w.GetStock().GetCode(), w.GetIpop())
		}
	}
}

func TestWarrantRefusals(t *testing.T) {
	e := startKinds(t)
	c := e.dial(t)
	tests := []struct {
		name   string
		modify func(*qotgetwarrant.C2S)
		code   int32
	}{
		{"num 0", func(r *qotgetwarrant.C2S) { r.Num = proto.Int32(0) }, codeInvalid},
		{"num over 200", func(r *qotgetwarrant.C2S) { r.Num = proto.Int32(201) }, codeInvalid},
		{"negative begin", func(r *qotgetwarrant.C2S) { r.Begin = proto.Int32(-1) }, codeInvalid},
		{"sort field for plates only", func(r *qotgetwarrant.C2S) { r.SortField = proto.Int32(35) }, codeInvalid},
		{"unknown owner", func(r *qotgetwarrant.C2S) { r.Owner = securityOf("HK.99998") }, codeUnknownSec},
		{"US owner", func(r *qotgetwarrant.C2S) { r.Owner = securityOf("US.AAPL") }, codeInvalid},
		{"a warrant as owner", func(r *qotgetwarrant.C2S) { r.Owner = securityOf("HK.13125") }, codeInvalid},
		{"bad maturity", func(r *qotgetwarrant.C2S) { r.MaturityTimeMin = proto.String("soon") }, codeInvalid},
		{"bad ipo period", func(r *qotgetwarrant.C2S) { r.IpoPeriod = proto.Int32(9) }, codeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := warrantReq(0, 10, sortCurPrice, true)
			tt.modify(req)
			_, st := warrants(t, c, req)
			mustFail(t, st, "Qot_GetWarrant", tt.code)
		})
	}
	// Without an owner the screen covers every HK warrant.
	req := warrantReq(0, 10, sortIssuer, true)
	req.Owner = nil
	s2c, st := warrants(t, c, req)
	mustOK(t, st, "Qot_GetWarrant without owner")
	if s2c.GetAllCount() != 9 {
		t.Errorf("allCount %d without owner", s2c.GetAllCount())
	}
}

// TestCalledCBBCs: with HK.00700 opening below the bulls' call prices, both
// bulls are called: they stop trading and screen as WarrantStatus_StopTrade.
func TestCalledCBBCs(t *testing.T) {
	e := startKindsAt(t, map[string]float64{"HK.00700": 425})
	c := e.dial(t)
	req := warrantReq(0, 200, sortCode, true)
	req.Status = proto.Int32(warrantStopTrade)
	s2c, st := warrants(t, c, req)
	mustOK(t, st, "Qot_GetWarrant stopped")
	if got := codesOf(s2c.GetWarrantDataList()); !slices.Equal(got, []string{"55123", "58810"}) {
		t.Errorf("stopped %v, want the two bulls", got)
	}
	req.Status = proto.Int32(warrantNormal)
	normal, _ := warrants(t, c, req)
	if normal.GetAllCount() != 7 {
		t.Errorf("%d trading normally, want 7", normal.GetAllCount())
	}
}
