package qot

import (
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetfutureinfo"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetreference"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

func futureInfos(t *testing.T, c *rawclient.Client, keys ...string) ([]*qotgetfutureinfo.FutureInfo, envelope.Status) {
	t.Helper()
	var resp qotgetfutureinfo.Response
	st := call(testCtx(t), t, c, protoid.QotGetFutureInfo, &qotgetfutureinfo.Request{C2S: &qotgetfutureinfo.C2S{SecurityList: secs(keys...)}}, &resp)
	return resp.GetS2C().GetFutureInfoList(), st
}

func references(t *testing.T, c *rawclient.Client, key string, refType int32) (*qotgetreference.S2C, envelope.Status) {
	t.Helper()
	var resp qotgetreference.Response
	st := call(testCtx(t), t, c, protoid.QotGetReference, &qotgetreference.Request{C2S: &qotgetreference.C2S{
		Security: securityOf(key), ReferenceType: proto.Int32(refType)}}, &resp)
	return resp.GetS2C(), st
}

// TestFutureInfoAndReference: the main contract points at the current month,
// which Qot_GetReference lists with the next month.
func TestFutureInfoAndReference(t *testing.T) {
	e := startKinds(t)
	c := e.dial(t)
	ref, st := references(t, c, "HK.HSImain", refFuture)
	mustOK(t, st, "Qot_GetReference future")
	months := ref.GetStaticInfoList()
	if len(months) != 2 {
		t.Fatalf("%d related contracts", len(months))
	}
	keys := []string{"HK.HSImain"}
	for _, m := range months {
		f := m.GetFutureExData()
		if m.GetBasic().GetSecType() != market.SecTypeFuture || f.GetIsMainContract() || f.GetLastTradeTime() == "" {
			t.Errorf("related contract %v", m)
		}
		keys = append(keys, keyOf(m.GetBasic().GetSecurity()))
	}
	infos, st := futureInfos(t, c, keys...)
	mustOK(t, st, "Qot_GetFutureInfo")
	if len(infos) != 3 {
		t.Fatalf("%d infos", len(infos))
	}
	main, current := infos[0], infos[1]
	if keyOf(main.GetOrigin()) != keys[1] || main.GetLastTradeTime() != "" || keyOf(main.GetOwner()) != "HK.800000" {
		t.Errorf("main contract %v", main)
	}
	if current.GetLastTradeTime() != months[0].GetFutureExData().GetLastTradeTime() || current.GetLastTradeTime() >= infos[2].GetLastTradeTime() {
		t.Errorf("month contracts %v then %v", current.GetLastTradeTime(), infos[2].GetLastTradeTime())
	}
	for _, fi := range infos {
		if fi.GetContractSize() != market.FutureMultiplier || fi.GetMinVar() != 1 || fi.GetQuoteCurrency() != "HKD" ||
			len(fi.GetTradeTime()) != 3 || fi.GetExchange() == "" || fi.GetName() == "" {
			t.Errorf("info %v", fi)
		}
	}
}

func TestWarrantReference(t *testing.T) {
	e := startKinds(t)
	c := e.dial(t)
	ref, st := references(t, c, "HK.00700", refWarrant)
	mustOK(t, st, "Qot_GetReference warrants")
	if len(ref.GetStaticInfoList()) != 9 {
		t.Fatalf("%d warrants", len(ref.GetStaticInfoList()))
	}
	for _, w := range ref.GetStaticInfoList() {
		if w.GetBasic().GetSecType() != market.SecTypeWarrant || keyOf(w.GetWarrantExData().GetOwner()) != "HK.00700" {
			t.Errorf("warrant %v", w)
		}
	}
	none, st := references(t, c, "US.AAPL", refWarrant)
	mustOK(t, st, "Qot_GetReference warrants of AAPL")
	if len(none.GetStaticInfoList()) != 0 {
		t.Errorf("AAPL has %d warrants", len(none.GetStaticInfoList()))
	}
}

func TestKindRefusals(t *testing.T) {
	e := startKinds(t)
	c := e.dial(t)
	for _, tt := range []struct {
		key     string
		refType int32
		code    int32
	}{
		{"HK.99998", refWarrant, codeUnknownSec},
		{"HK.00700", refFuture, codeInvalid},
		{"HK.00700", 0, codeInvalid},
		{"HK.00700", 9, codeInvalid},
	} {
		_, st := references(t, c, tt.key, tt.refType)
		mustFail(t, st, "Qot_GetReference", tt.code)
	}
	for _, tt := range []struct {
		keys []string
		code int32
	}{
		{[]string{"HK.HSImain", "HK.00700"}, codeInvalid},
		{[]string{"HK.HSI0001"}, codeUnknownSec},
		{nil, codeInvalid},
	} {
		_, st := futureInfos(t, c, tt.keys...)
		mustFail(t, st, "Qot_GetFutureInfo", tt.code)
	}
}
