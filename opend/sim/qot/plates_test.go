package qot

import (
	"slices"
	"strings"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetownerplate"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetplatesecurity"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetplateset"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

func plateSet(t *testing.T, c *rawclient.Client, mkt, set int32) ([]*qotcommon.PlateInfo, envelope.Status) {
	t.Helper()
	var resp qotgetplateset.Response
	st, err := c.Call(testCtx(t), protoid.QotGetPlateSet, &qotgetplateset.Request{C2S: &qotgetplateset.C2S{
		Market: proto.Int32(mkt), PlateSetType: proto.Int32(set)}}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetS2C().GetPlateInfoList(), st
}

func plateSecurities(t *testing.T, c *rawclient.Client, c2s *qotgetplatesecurity.C2S) ([]string, envelope.Status) {
	t.Helper()
	var resp qotgetplatesecurity.Response
	st, err := c.Call(testCtx(t), protoid.QotGetPlateSecurity, &qotgetplatesecurity.Request{C2S: c2s}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, si := range resp.GetS2C().GetStaticInfoList() {
		out = append(out, keyOf(si.GetBasic().GetSecurity()))
	}
	return out, st
}

// TestPlatesCoherentBothWays: every member of every plate lists that plate
// among its owner plates, and every owner plate of a security lists it.
func TestPlatesCoherentBothWays(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	members := map[string][]string{} // plate -> securities
	for _, mkt := range []int32{market.MarketHK, market.MarketUS} {
		all, st := plateSet(t, c, mkt, plateSetAll)
		mustOK(t, st, "Qot_GetPlateSet")
		ind, _ := plateSet(t, c, mkt, plateSetIndustry)
		con, _ := plateSet(t, c, mkt, plateSetConcept)
		if len(ind) == 0 || len(con) == 0 || len(all) != len(ind)+len(con) {
			t.Fatalf("market %d: %d plates, %d industries, %d concepts", mkt, len(all), len(ind), len(con))
		}
		for _, p := range all {
			if p.GetName() == "" || p.PlateType != nil || p.GetPlate().GetMarket() != mkt {
				t.Errorf("plate info %v", p)
			}
			keys, st := plateSecurities(t, c, &qotgetplatesecurity.C2S{Plate: p.GetPlate()})
			mustOK(t, st, "Qot_GetPlateSecurity")
			if len(keys) == 0 || !slices.IsSorted(keys) {
				t.Errorf("plate %s: members %v, want some, by code", keyOf(p.GetPlate()), keys)
			}
			members[keyOf(p.GetPlate())] = keys
		}
	}

	var all []string
	for _, in := range e.mkt.Instruments() {
		all = append(all, in.Key())
	}
	var resp qotgetownerplate.Response
	st, err := c.Call(testCtx(t), protoid.QotGetOwnerPlate, &qotgetownerplate.Request{C2S: &qotgetownerplate.C2S{
		SecurityList: secs(all...)}}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	mustOK(t, st, "Qot_GetOwnerPlate")
	owned := map[string]int{}
	for _, o := range resp.GetS2C().GetOwnerPlateList() {
		sec := keyOf(o.GetSecurity())
		industries := 0
		for _, p := range o.GetPlateInfoList() {
			pk := keyOf(p.GetPlate())
			if !slices.Contains(members[pk], sec) {
				t.Errorf("%s owns plate %s, whose members %v lack it", sec, pk, members[pk])
			}
			if p.GetPlateType() == plateSetIndustry {
				industries++
			}
			owned[pk]++
		}
		if industries != 1 {
			t.Errorf("%s has %d industries, want 1", sec, industries)
		}
	}
	for pk, m := range members {
		if owned[pk] != len(m) {
			t.Errorf("plate %s has %d members but %d securities own it", pk, len(m), owned[pk])
		}
	}
}

// TestGeneratedEquitiesHaveAnIndustry: securities beyond the catalog fall into
// an industry of their market, both ways.
func TestGeneratedEquitiesHaveAnIndustry(t *testing.T) {
	universe := market.New(market.Config{Seed: 1, ExtraSecurities: 40}).Instruments()
	for _, in := range universe {
		owners := ownerPlates(in)
		if len(owners) == 0 {
			t.Errorf("%s has no plate", in.Key())
		}
		for _, p := range owners {
			if !slices.Contains(plateMembers(p, universe), in) {
				t.Errorf("%s owns %s but is not among its members", in.Key(), p.key())
			}
		}
	}
}

func TestPlateSecuritySorted(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	for range 50 {
		for _, in := range e.mkt.Instruments() {
			e.mkt.Step(in.Key())
		}
	}
	hsi := securityOf("HK.BK1501")
	byCode, _ := plateSecurities(t, c, &qotgetplatesecurity.C2S{Plate: hsi, Ascend: proto.Bool(false)})
	if !slices.IsSortedFunc(byCode, func(a, b string) int { return -strings.Compare(a, b) }) || len(byCode) != 10 {
		t.Errorf("descending by code: %v", byCode)
	}
	keys, st := plateSecurities(t, c, &qotgetplatesecurity.C2S{Plate: hsi,
		SortField: proto.Int32(int32(qotcommon.SortField_SortField_ChangeRate)), Ascend: proto.Bool(false)})
	mustOK(t, st, "sort by change rate")
	var rates []float64
	for _, k := range keys {
		q, _ := e.mkt.QuoteByKey(k)
		rates = append(rates, -changeRate(q))
	}
	if !slices.IsSorted(rates) || len(keys) != 10 {
		t.Errorf("by change rate descending: %v (%v)", keys, rates)
	}
}

func TestPlateRefusals(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	for _, tt := range []struct {
		name     string
		mkt, set int32
	}{
		{"unknown market", 0, plateSetAll},
		{"HK futures", 2, plateSetAll},
		{"Other is an answer only", market.MarketHK, 4},
		{"negative set", market.MarketHK, -1},
	} {
		_, st := plateSet(t, c, tt.mkt, tt.set)
		mustFail(t, st, tt.name, codeInvalid)
	}
	for _, tt := range []struct {
		name string
		c2s  *qotgetplatesecurity.C2S
		code int32
	}{
		{"unknown plate", &qotgetplatesecurity.C2S{Plate: securityOf("HK.BK9999")}, codeUnknownSec},
		{"a stock is not a plate", &qotgetplatesecurity.C2S{Plate: securityOf("HK.00700")}, codeUnknownSec},
		{"warrant sort field", &qotgetplatesecurity.C2S{Plate: securityOf("HK.BK1001"), SortField: proto.Int32(int32(qotcommon.SortField_SortField_Premium))}, codeInvalid},
		{"pre-market sort field", &qotgetplatesecurity.C2S{Plate: securityOf("US.BK2001"), SortField: proto.Int32(int32(qotcommon.SortField_SortField_PreCurPrice))}, codeUnsupported},
	} {
		_, st := plateSecurities(t, c, tt.c2s)
		mustFail(t, st, tt.name, tt.code)
	}
	var resp qotgetownerplate.Response
	st, err := c.Call(testCtx(t), protoid.QotGetOwnerPlate, &qotgetownerplate.Request{C2S: &qotgetownerplate.C2S{SecurityList: secs("HK.99998")}}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	mustFail(t, st, "owner plate of unknown security", codeUnknownSec)
}
