package catalog

import (
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/getglobalstate"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetkl"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgethistoryorderlist"
)

// TestMirrorsAreWireCompatible: every route's mirrored request and response have
// the official C2S's and S2C's field numbers, wire types and labels, all the way
// down, so proto.Marshal of one is proto.Unmarshal of the other.
func TestMirrorsAreWireCompatible(t *testing.T) {
	for _, r := range Routes() {
		req := r.NewRequest().ProtoReflect().Descriptor().Fields().ByName("c2s").Message()
		resp := r.NewResponse().ProtoReflect().Descriptor().Fields().ByName("s2c").Message()
		compatible(t, r.Name+"Request", r.NewIn().ProtoReflect().Descriptor(), req, nil, map[string]bool{})
		compatible(t, r.Name+"Response", r.NewOut().ProtoReflect().Descriptor(), resp, r.OmitResponseFields, map[string]bool{})
	}
}

func compatible(t *testing.T, where string, mirror, official protoreflect.MessageDescriptor, omit []string, seen map[string]bool) {
	t.Helper()
	key := string(mirror.FullName()) + "=" + string(official.FullName())
	if seen[key] {
		return
	}
	seen[key] = true
	mf, of := mirror.Fields(), official.Fields()
	if mf.Len()+len(omit) != of.Len() {
		t.Errorf("%s: %d fields (%d left out), %s has %d", where, mf.Len(), len(omit), official.FullName(), of.Len())
	}
	for i := range of.Len() {
		o := of.Get(i)
		if slices.Contains(omit, Snake(string(o.Name()))) {
			if mf.ByNumber(o.Number()) != nil {
				t.Errorf("%s.%s: left out, but mirrored", where, o.Name())
			}
			continue
		}
		m := mf.ByNumber(o.Number())
		at := where + "." + string(o.Name())
		if m == nil {
			t.Errorf("%s: no field %d", at, o.Number())
			continue
		}
		if string(m.Name()) != Snake(string(o.Name())) {
			t.Errorf("%s: mirrored as %s", at, m.Name())
		}
		if m.IsList() != o.IsList() {
			t.Errorf("%s: repeated %v, official %v", at, m.IsList(), o.IsList())
		}
		mk, ok := m.Kind(), o.Kind()
		intLike := func(k protoreflect.Kind) bool { return k == protoreflect.Int32Kind || k == protoreflect.EnumKind }
		if mk != ok && !(intLike(mk) && intLike(ok)) {
			t.Errorf("%s: kind %v, official %v", at, mk, ok)
		}
		if o.IsList() && o.Kind() != protoreflect.MessageKind && o.Kind() != protoreflect.StringKind && o.Kind() != protoreflect.BytesKind &&
			m.IsPacked() != o.IsPacked() {
			t.Errorf("%s: packed %v, official %v", at, m.IsPacked(), o.IsPacked())
		}
		if ok == protoreflect.MessageKind {
			compatible(t, at, m.Message(), o.Message(), nil, seen)
		}
	}
}

func TestConversionRoundTrip(t *testing.T) {
	r, ok := ByMethod("/futu.gateway.catalog.v1.QuoteCatalogService/GetKL")
	if !ok {
		t.Fatal("no GetKL route")
	}
	in := &catalogv1.GetKLRequest{
		RehabType: catalogv1.RehabType_REHAB_TYPE_FORWARD.Enum(), KlType: catalogv1.KLType_KL_TYPE_DAY.Enum(),
		Security: &catalogv1.Security{Market: proto.Int32(1), Code: proto.String("00700")}, ReqNum: proto.Int32(0),
	}
	req, err := r.ToOfficial(in)
	if err != nil {
		t.Fatal(err)
	}
	c2s := req.(*qotgetkl.Request).GetC2S()
	if c2s.GetRehabType() != 1 || c2s.GetKlType() != 2 || c2s.GetSecurity().GetCode() != "00700" || c2s.ReqNum == nil {
		t.Errorf("official C2S %v", c2s)
	}

	// A required field left out is named in snake_case.
	_, err = r.ToOfficial(&catalogv1.GetKLRequest{KlType: catalogv1.KLType_KL_TYPE_DAY.Enum(),
		Security: &catalogv1.Security{Market: proto.Int32(1)}, ReqNum: proto.Int32(5)})
	if err == nil || !strings.Contains(err.Error(), "rehab_type is required") {
		t.Errorf("missing rehab_type: %v", err)
	}
	_, err = r.ToOfficial(&catalogv1.GetKLRequest{RehabType: catalogv1.RehabType_REHAB_TYPE_NONE.Enum(), KlType: catalogv1.KLType_KL_TYPE_DAY.Enum(),
		Security: &catalogv1.Security{Market: proto.Int32(1)}, ReqNum: proto.Int32(5)})
	if err == nil || !strings.Contains(err.Error(), "security.code is required") {
		t.Errorf("missing security.code: %v", err)
	}

	resp := &qotgetkl.Response{RetType: proto.Int32(0), S2C: &qotgetkl.S2C{
		Security: &qotcommon.Security{Market: proto.Int32(1), Code: proto.String("00700")},
		KlList:   []*qotcommon.KLine{{Time: proto.String("2026-12-04 00:00:00"), IsBlank: proto.Bool(false), ClosePrice: proto.Float64(400.2)}},
	}}
	out, err := r.FromOfficial(resp)
	if err != nil {
		t.Fatal(err)
	}
	got := out.(*catalogv1.GetKLResponse)
	if got.GetSecurity().GetCode() != "00700" || len(got.GetKlList()) != 1 || got.GetKlList()[0].GetClosePrice() != 400.2 {
		t.Errorf("mirrored S2C %v", got)
	}
}

func TestFieldPaths(t *testing.T) {
	r, _ := ByMethod("/futu.gateway.catalog.v1.AccountCatalogService/GetHistoryOrderList")
	in := &catalogv1.GetHistoryOrderListRequest{Header: &catalogv1.TrdHeader{AccId: proto.Uint64(1001)}}
	if a := Accounts(in, r.AccountFields); len(a) != 1 || !a[0].Set || a[0].ID != 1001 || a[0].Field != "header.acc_id" {
		t.Errorf("accounts %+v", a)
	}
	if a := Accounts(&catalogv1.GetHistoryOrderListRequest{}, r.AccountFields); len(a) != 1 || a[0].Set {
		t.Errorf("no header: %+v", a)
	}
	// The official request carries the account where OpenD reads it.
	req, err := r.ToOfficial(&catalogv1.GetHistoryOrderListRequest{
		Header:           &catalogv1.TrdHeader{TrdEnv: catalogv1.TrdEnv_TRD_ENV_SIMULATE.Enum(), AccId: proto.Uint64(1001), TrdMarket: catalogv1.TrdMarket_TRD_MARKET_HK.Enum()},
		FilterConditions: &catalogv1.TrdFilterConditions{},
	})
	if err != nil {
		t.Fatal(err)
	}
	if h := req.(*trdgethistoryorderlist.Request).GetC2S().GetHeader(); h.GetAccID() != 1001 || h.GetTrdMarket() != int32(trdcommon.TrdMarket_TrdMarket_HK) {
		t.Errorf("official header %v", h)
	}

	ms, _ := ByMethod("/futu.gateway.catalog.v1.QuoteCatalogService/GetMarketState")
	secs := Securities(&catalogv1.GetMarketStateRequest{SecurityList: []*catalogv1.Security{
		{Market: proto.Int32(1), Code: proto.String("00700")}, {Market: proto.Int32(11), Code: proto.String("AAPL")},
	}}, ms.SecurityFields)
	if len(secs) != 2 || secs[1].Code != "AAPL" || secs[1].Market != 11 {
		t.Errorf("securities %+v", secs)
	}
	for _, tt := range []struct {
		sec Security
		ok  bool
	}{
		{Security{Market: 1, Code: "00700"}, true},
		{Security{Market: 1, Code: "HSImain"}, true},
		{Security{Market: 11, Code: "AAPL250117C230000"}, true},
		{Security{Market: 0, Code: "00700"}, false},
		{Security{Market: 99, Code: "00700"}, false},
		{Security{Market: 1, Code: ""}, false},
		{Security{Market: 1, Code: "007 00"}, false},
		{Security{Market: 1, Code: strings.Repeat("9", 33)}, false},
	} {
		if err := ValidSecurity(tt.sec); (err == nil) != tt.ok {
			t.Errorf("ValidSecurity(%+v) = %v", tt.sec, err)
		}
	}
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{
		"klType": "kl_type", "accID": "acc_id", "maxAckKLNum": "max_ack_kl_num", "orderIDEx": "order_id_ex",
		"bGetDetail": "b_get_detail", "security": "security", "peTTM": "pe_ttm",
	} {
		if got := Snake(in); got != want {
			t.Errorf("Snake(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDefaults: a catalog default fills a field the caller leaves out, never one it sets.
func TestDefaults(t *testing.T) {
	r, _ := ByMethod("/futu.gateway.catalog.v1.QuoteCatalogService/GetGlobalState")
	req, err := r.ToOfficial(&catalogv1.GetGlobalStateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if c2s := req.(*getglobalstate.Request).GetC2S(); c2s.UserID == nil || c2s.GetUserID() != 0 {
		t.Errorf("user_id not defaulted: %v", c2s)
	}
	req, err = r.ToOfficial(&catalogv1.GetGlobalStateRequest{UserId: proto.Uint64(7)})
	if err != nil {
		t.Fatal(err)
	}
	if got := req.(*getglobalstate.Request).GetC2S().GetUserID(); got != 7 {
		t.Errorf("user_id %d, want the caller's 7", got)
	}
}

// The cache column reads back as a rule: live reads for a second, history in Redis,
// account reads never.
func TestCacheRule(t *testing.T) {
	for _, c := range []struct {
		method string
		want   CacheRule
	}{
		{"/futu.gateway.catalog.v1.QuoteCatalogService/GetOrderBook", CacheRule{TTL: time.Second}},
		{"/futu.gateway.catalog.v1.QuoteCatalogService/GetKL", CacheRule{TTL: time.Second}},
		{"/futu.gateway.catalog.v1.QuoteCatalogService/RequestHistoryKL", CacheRule{History: true}},
		{"/futu.gateway.catalog.v1.QuoteCatalogService/RequestHistoryKLQuota", CacheRule{}},
		{"/futu.gateway.catalog.v1.AccountCatalogService/GetOrderFee", CacheRule{}},
	} {
		r, ok := ByMethod(c.method)
		if !ok || r.CacheRule() != c.want {
			t.Errorf("%s: %+v, want %+v", c.method, r.CacheRule(), c.want)
		}
	}
	for _, r := range Routes() {
		if r.Service == Account && r.Cache != "" {
			t.Errorf("%s: an account read is cached", r.Name)
		}
	}
	if (&Route{Cache: "ttl:250ms"}).CacheRule() != (CacheRule{TTL: 250 * time.Millisecond}) || (&Route{Cache: "ttl:x"}).CacheRule() != (CacheRule{}) {
		t.Error("ttl parsing")
	}
}
