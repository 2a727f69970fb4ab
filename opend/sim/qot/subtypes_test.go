package qot

import (
	"slices"
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
)

func TestSubTypeTable(t *testing.T) {
	tests := []struct {
		t     int32
		name  string
		valid bool
	}{
		{0, "SubType(0)", false},
		{SubBasic, "Basic", true},
		{SubOrderBook, "OrderBook", true},
		{3, "SubType(3)", false},
		{SubTicker, "Ticker", true},
		{SubRT, "RT", true},
		{int32(qotcommon.SubType_SubType_KL_Day), "KL_Day", true},
		{int32(qotcommon.SubType_SubType_KL_1Min), "KL_1Min", true},
		{SubBroker, "Broker", true},
		{int32(qotcommon.SubType_SubType_KL_Qurater), "KL_Qurater", true},
		{int32(qotcommon.SubType_SubType_KL_240Min), "KL_240Min", true},
		{SubOrderBookOdd, "OrderBook_Odd", true},
		{23, "SubType(23)", false},
		{-1, "SubType(-1)", false},
		{64, "SubType(64)", false},
	}
	for _, tt := range tests {
		if got := subTypeName(tt.t); got != tt.name {
			t.Errorf("subTypeName(%d) = %q, want %q", tt.t, got, tt.name)
		}
		if got := maskOf(tt.t) != 0; got != tt.valid {
			t.Errorf("maskOf(%d) valid = %v, want %v", tt.t, got, tt.valid)
		}
	}
	// Every enum value but None is accepted, each with its own bit.
	if len(allSubTypes) != len(qotcommon.SubType_name)-1 {
		t.Fatalf("allSubTypes has %d types, enum has %d values", len(allSubTypes), len(qotcommon.SubType_name))
	}
	var seen pushMask
	for _, st := range allSubTypes {
		m := maskOf(st)
		if m == 0 || seen&m != 0 {
			t.Errorf("sub type %d: mask %b overlaps %b", st, m, seen)
		}
		seen |= m
	}
}

func TestRegistryKeepsKeyUntilLastSubType(t *testing.T) {
	r := newRegistry[int](100, 0)
	kl := int32(qotcommon.SubType_SubType_KL_Year)
	ps := []pair{{"HK.00700", SubBroker}, {"HK.00700", kl}}
	if _, err := r.subscribe(1, ps, true, zeroTime); err != nil {
		t.Fatal(err)
	}
	if tg := r.targets(nil, "HK.00700"); len(tg) != 1 || tg[0].mask != maskOf(SubBroker)|maskOf(kl) {
		t.Fatalf("targets %v", tg)
	}
	if err := r.unsubscribe(1, ps[:1], zeroTime); err != nil {
		t.Fatal(err)
	}
	if keys := r.keys(); len(keys) != 1 {
		t.Fatalf("key dropped while KL_Year still subscribed: %v", keys)
	}
	if err := r.unsubscribe(1, ps[1:], zeroTime); err != nil {
		t.Fatal(err)
	}
	if keys := r.keys(); len(keys) != 0 {
		t.Fatalf("keys after last unsub: %v", keys)
	}
}

var zeroTime = time.Unix(0, 0)

// TestSubscribeEverySubType subscribes one security to every sub type over the
// protocol: each pair is one quota slot, and GetSubInfo lists every type.
func TestSubscribeEverySubType(t *testing.T) {
	e := start(t, Config{})
	ctx := testCtx(t)
	c := e.dial(t)
	mustOK(t, doSub(ctx, t, c, subReq{keys: []string{"HK.00700", "US.AAPL"}, types: allSubTypes, push: true}), "sub all types")

	info := subInfo(ctx, t, c, false)
	want := 2 * len(allSubTypes)
	if int(info.GetTotalUsedQuota()) != want || int(info.GetRemainQuota()) != 500-want {
		t.Errorf("used %d remain %d, want %d used", info.GetTotalUsedQuota(), info.GetRemainQuota(), want)
	}
	conns := info.GetConnSubInfoList()
	if len(conns) != 1 || int(conns[0].GetUsedQuota()) != want {
		t.Fatalf("conn sub info %v", conns)
	}
	var got []int32
	for _, si := range conns[0].GetSubInfoList() {
		got = append(got, si.GetSubType())
		if len(si.GetSecurityList()) != 2 {
			t.Errorf("sub type %d lists %d securities", si.GetSubType(), len(si.GetSecurityList()))
		}
	}
	if !slices.Equal(got, allSubTypes) {
		t.Errorf("GetSubInfo types %v, want %v", got, allSubTypes)
	}

	// A quota of 3 takes 3 pairs: one security with 3 types, not 3 securities' worth.
	e2 := start(t, Config{SubQuota: 3})
	c2 := e2.dial(t)
	mustOK(t, doSub(ctx, t, c2, subReq{keys: []string{"HK.00700"}, types: []int32{SubRT, SubBroker, SubTicker}}), "3 types")
	mustFail(t, doSub(ctx, t, c2, subReq{keys: []string{"HK.00700"}, types: []int32{int32(qotcommon.SubType_SubType_KL_Day)}}),
		"fourth type over quota", codeQuota)
}
