package trade

import (
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetbasicqot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetstaticinfo"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetacclist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetfunds"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderfilllist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetpositionlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdsubaccpush"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdunlocktrade"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
)

// response is an official Response: every one has retType, retMsg, errCode.
type response interface {
	proto.Message
	GetRetType() int32
	GetRetMsg() string
	GetErrCode() int32
}

// run sends c2s to the handler of id and decodes its answer as resp with the default
// (non-partial) unmarshal, so a required field left out fails the test.
func run(t *testing.T, conns sdkcall.Conns, id uint32, c2s proto.Message, resp response) {
	t.Helper()
	h := Handlers()[id]
	if h == nil {
		t.Fatalf("no handler for %d", id)
	}
	b := h(t.Context(), conns, sdkcall.Request{ProtoID: id, Serial: 1, Body: body(c2s)})
	if err := proto.Unmarshal(b, resp); err != nil {
		t.Fatalf("%d: the answer does not decode as %T: %v", id, resp, err)
	}
}

func succeeded(t *testing.T, resp response) {
	t.Helper()
	if resp.GetRetType() != sdkcall.RetSucceed {
		t.Fatalf("retType %d: %s", resp.GetRetType(), resp.GetRetMsg())
	}
}

func TestHandlersCoverTheirProtoIDs(t *testing.T) {
	want := []uint32{2001, 2005, 2008, 2101, 2102, 2201, 2211, 2202, 2205, 3004, 3202}
	if len(Handlers()) != len(want) {
		t.Fatalf("%d handlers, want %d", len(Handlers()), len(want))
	}
	for _, id := range want {
		if Handlers()[id] == nil {
			t.Errorf("no handler for %d", id)
		}
	}
}

func TestGetAccList(t *testing.T) {
	f := &fake{resp: &gatewayv1.ListAccountsResponse{Accounts: []*gatewayv1.Account{
		{AccId: 1001, TrdEnv: gatewayv1.TrdEnv_TRD_ENV_SIMULATE, TrdMarkets: []gatewayv1.TrdMarket{1}, AccType: 2},
		{AccId: 2002, TrdEnv: gatewayv1.TrdEnv_TRD_ENV_REAL, TrdMarkets: []gatewayv1.TrdMarket{2, 1}, AccType: 2},
	}}}
	conns := startFake(t, f)
	var resp trdgetacclist.Response
	// userID left out: the gateway does not need it.
	run(t, conns, protoid.TrdGetAccList, &trdgetacclist.C2S{}, &resp)
	succeeded(t, &resp)
	list := resp.GetS2C().GetAccList()
	if len(list) != 2 || list[0].GetAccID() != 1001 || list[0].GetTrdEnv() != 0 || list[0].GetAccType() != 2 ||
		list[1].GetTrdEnv() != 1 || len(list[1].GetTrdMarketAuthList()) != 2 || list[1].GetTrdMarketAuthList()[0] != 2 ||
		list[1].GetAccStatus() != int32(trdcommon.TrdAccStatus_TrdAccStatus_Active) {
		t.Fatalf("accList = %v", list)
	}

	var futures trdgetacclist.Response
	run(t, conns, protoid.TrdGetAccList, &trdgetacclist.C2S{UserID: proto.Uint64(1), TrdCategory: proto.Int32(2)}, &futures)
	succeeded(t, &futures)
	if len(futures.GetS2C().GetAccList()) != 0 || len(f.took()) != 1 {
		t.Fatalf("futures accounts = %v after %d calls", futures.GetS2C(), len(f.took()))
	}
}

func TestUnlockAsksNothing(t *testing.T) {
	f := &fake{}
	conns := startFake(t, f)
	var unlock trdunlocktrade.Response
	run(t, conns, protoid.TrdUnlockTrade, &trdunlocktrade.C2S{Unlock: proto.Bool(true), PwdMD5: proto.String("e10adc3949ba59abbe56e057f20f883e")}, &unlock)
	succeeded(t, &unlock)
	var lock trdunlocktrade.Response
	run(t, conns, protoid.TrdUnlockTrade, &trdunlocktrade.C2S{Unlock: proto.Bool(false)}, &lock)
	if lock.GetRetType() != sdkcall.RetFailed || !strings.Contains(lock.GetRetMsg(), "locking trade is not supported") {
		t.Fatalf("lock answered %v", &lock)
	}
	if n := len(f.took()); n != 0 {
		t.Fatalf("%d service calls", n)
	}
}

// subSocket records Trd_SubAccPush lists, refusing with err when set.
type subSocket struct {
	lists [][]uint64
	err   error
}

func (s *subSocket) RegisterQuotePush([]string, []int32, bool) {}
func (s *subSocket) ResetQuotePush()                           {}

func (s *subSocket) SubscribeAccounts(ids []uint64) error {
	if s.err != nil {
		return s.err
	}
	s.lists = append(s.lists, ids)
	return nil
}

// TestSubAccPushSetsTheSocketsAccounts: Trd_SubAccPush hands its whole list to the
// socket and asks no service; the socket's refusal is the answer's.
func TestSubAccPushSetsTheSocketsAccounts(t *testing.T) {
	f := &fake{}
	conns := startFake(t, f)
	sock := &subSocket{}
	sub := func(s sdkcall.Socket, ids ...uint64) *trdsubaccpush.Response {
		var resp trdsubaccpush.Response
		b := subAccPush(t.Context(), conns, sdkcall.Request{ProtoID: protoid.TrdSubAccPush, Body: body(&trdsubaccpush.C2S{AccIDList: ids}), Socket: s})
		if err := proto.Unmarshal(b, &resp); err != nil {
			t.Fatal(err)
		}
		return &resp
	}
	succeeded(t, sub(sock, 1001, 2001))
	succeeded(t, sub(sock))
	if len(sock.lists) != 2 || !slices.Equal(sock.lists[0], []uint64{1001, 2001}) || len(sock.lists[1]) != 0 {
		t.Fatalf("lists handed to the socket: %v", sock.lists)
	}
	refused := sub(&subSocket{err: errinfo.New(codes.PermissionDenied, gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED, "account 2001 is not in this key's allowed_acc_ids")}, 2001)
	if refused.GetRetType() != sdkcall.RetFailed || refused.GetErrCode() != int32(gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED) ||
		!strings.Contains(refused.GetRetMsg(), "(reason account_not_allowed)") {
		t.Fatalf("refused subscription answered %v", refused)
	}
	if r := sub(nil, 1001); r.GetRetType() != sdkcall.RetFailed {
		t.Fatalf("without a socket: %v", r)
	}
	if n := len(f.took()); n != 0 {
		t.Fatalf("%d service calls", n)
	}
}

func TestGetFunds(t *testing.T) {
	f := &fake{resp: &gatewayv1.GetFundsResponse{Power: 1e6, TotalAssets: 2e6, Cash: 5e5, MarketVal: 1.5e6, FrozenCash: 10, Currency: 1}}
	conns := startFake(t, f)
	var resp trdgetfunds.Response
	run(t, conns, protoid.TrdGetFunds, &trdgetfunds.C2S{Header: header(0, 1001, 1), Currency: proto.Int32(2)}, &resp)
	succeeded(t, &resp)
	fu := resp.GetS2C().GetFunds()
	if fu.GetPower() != 1e6 || fu.GetTotalAssets() != 2e6 || fu.GetCash() != 5e5 || fu.GetMarketVal() != 1.5e6 ||
		fu.GetFrozenCash() != 10 || fu.GetCurrency() != 1 || resp.GetS2C().GetHeader().GetAccID() != 1001 {
		t.Fatalf("funds = %v", resp.GetS2C())
	}
	got := f.took()[0].req.(*gatewayv1.GetFundsRequest)
	if got.GetAccId() != 1001 || got.GetTrdMarket() != 1 || got.GetTrdEnv() != 0 {
		t.Fatalf("GetFunds got %v", got)
	}
}

func TestGetPositionList(t *testing.T) {
	f := &fake{resp: &gatewayv1.GetPositionsResponse{Positions: []*gatewayv1.Position{
		{Code: "00700", Name: "TENCENT", Qty: 200, CanSellQty: 100, Price: 310, CostPrice: 300, Val: 62000, PlVal: 2000, SecMarket: 1},
		{Code: "09988", Name: "BABA", Qty: -100, Price: 80, Val: -8000},
	}}}
	conns := startFake(t, f)
	var resp trdgetpositionlist.Response
	run(t, conns, protoid.TrdGetPositionList, &trdgetpositionlist.C2S{Header: header(0, 1001, 1)}, &resp)
	succeeded(t, &resp)
	list := resp.GetS2C().GetPositionList()
	if len(list) != 2 {
		t.Fatalf("positions = %v", list)
	}
	p := list[0]
	if p.GetCode() != "00700" || p.GetName() != "TENCENT" || p.GetQty() != 200 || p.GetCanSellQty() != 100 || p.GetPrice() != 310 ||
		p.GetCostPrice() != 300 || p.GetVal() != 62000 || p.GetPlVal() != 2000 || p.GetSecMarket() != 1 ||
		p.GetPositionSide() != int32(trdcommon.PositionSide_PositionSide_Long) || p.GetTrdMarket() != 1 {
		t.Fatalf("position = %v", p)
	}
	if r := p.GetPlRatio(); r < 3.33 || r > 3.34 {
		t.Fatalf("plRatio = %v", r)
	}
	if list[1].GetPositionSide() != int32(trdcommon.PositionSide_PositionSide_Short) || list[1].PlRatio != nil {
		t.Fatalf("short position = %v", list[1])
	}

	var one trdgetpositionlist.Response
	run(t, conns, protoid.TrdGetPositionList, &trdgetpositionlist.C2S{Header: header(0, 1001, 1),
		FilterConditions: &trdcommon.TrdFilterConditions{CodeList: []string{"09988"}}}, &one)
	succeeded(t, &one)
	if l := one.GetS2C().GetPositionList(); len(l) != 1 || l[0].GetCode() != "09988" {
		t.Fatalf("filtered positions = %v", l)
	}
}

func TestGetOrderList(t *testing.T) {
	f := &fake{resp: &gatewayv1.ListOrdersResponse{Orders: []*gatewayv1.Order{
		{OrderId: "1796542195000002", Code: "00700", Name: "TENCENT", TrdSide: 1, OrderType: 2,
			OrderStatus: gatewayv1.OrderStatus_ORDER_STATUS_FILLED_ALL, Qty: 100, FillQty: 100, FillAvgPrice: 470.6,
			CreateTime: "2026-12-06 15:30:27.007", UpdateTime: "2026-12-06 15:30:27.100", Remark: "r"},
		{OrderId: "1796542195000003", Code: "00700", Name: "TENCENT", TrdSide: 1, OrderType: 14,
			OrderStatus: gatewayv1.OrderStatus_ORDER_STATUS_SUBMITTED, Qty: 100, AuxPrice: 480,
			TrailType: gatewayv1.TrailType_TRAIL_TYPE_RATIO, TrailValue: 2, TimeInForce: 1, LastErrMsg: "x"},
		{OrderId: "9", Code: "09988", OrderStatus: gatewayv1.OrderStatus_ORDER_STATUS_UNKNOWN},
	}}}
	conns := startFake(t, f)
	var resp trdgetorderlist.Response
	run(t, conns, protoid.TrdGetOrderList, &trdgetorderlist.C2S{Header: header(0, 1001, 1)}, &resp)
	succeeded(t, &resp)
	list := resp.GetS2C().GetOrderList()
	if len(list) != 3 {
		t.Fatalf("orders = %v", list)
	}
	o := list[0]
	if o.GetOrderID() != 1796542195000002 || o.GetCode() != "00700" || o.GetName() != "TENCENT" || o.GetTrdSide() != 1 ||
		o.GetOrderType() != 2 || o.GetOrderStatus() != 11 || o.GetQty() != 100 || o.GetFillQty() != 100 ||
		o.GetFillAvgPrice() != 470.6 || o.GetCreateTime() != "2026-12-06 15:30:27.007" || o.GetRemark() != "r" || o.GetTrdMarket() != 1 {
		t.Fatalf("order = %v", o)
	}
	if o := list[1]; o.GetAuxPrice() != 480 || o.GetTrailType() != 1 || o.GetTrailValue() != 2 || o.GetTimeInForce() != 1 || o.GetLastErrMsg() != "x" {
		t.Fatalf("trailing order = %v", o)
	}
	if list[2].GetOrderStatus() != -1 {
		t.Fatalf("unknown status = %v", list[2])
	}

	var filtered trdgetorderlist.Response
	run(t, conns, protoid.TrdGetOrderList, &trdgetorderlist.C2S{Header: header(0, 1001, 1), FilterStatusList: []int32{5},
		FilterConditions: &trdcommon.TrdFilterConditions{CodeList: []string{"00700"}, FilterMarket: proto.Int32(1)}}, &filtered)
	succeeded(t, &filtered)
	if l := filtered.GetS2C().GetOrderList(); len(l) != 1 || l[0].GetOrderID() != 1796542195000003 {
		t.Fatalf("filtered orders = %v", l)
	}
	var byID trdgetorderlist.Response
	run(t, conns, protoid.TrdGetOrderList, &trdgetorderlist.C2S{Header: header(0, 1001, 1),
		FilterConditions: &trdcommon.TrdFilterConditions{IdList: []uint64{9}}}, &byID)
	if l := byID.GetS2C().GetOrderList(); len(l) != 1 || l[0].GetOrderID() != 9 {
		t.Fatalf("orders by id = %v", l)
	}
}

func TestGetOrderFillList(t *testing.T) {
	f := &fake{resp: &gatewayv1.ListOrderFillsResponse{Fills: []*gatewayv1.OrderFill{
		{FillId: "77", OrderId: "1796542195000002", Code: "00700", Name: "TENCENT", TrdSide: 1, Qty: 100, Price: 470.6, CreateTime: "2026-12-06 15:30:27.050"},
	}}}
	conns := startFake(t, f)
	var resp trdgetorderfilllist.Response
	run(t, conns, protoid.TrdGetOrderFillList, &trdgetorderfilllist.C2S{Header: header(0, 1001, 1)}, &resp)
	succeeded(t, &resp)
	l := resp.GetS2C().GetOrderFillList()
	if len(l) != 1 || l[0].GetFillID() != 77 || l[0].GetOrderID() != 1796542195000002 || l[0].GetCode() != "00700" ||
		l[0].GetQty() != 100 || l[0].GetPrice() != 470.6 || l[0].GetTrdSide() != 1 || l[0].GetCreateTime() == "" || l[0].GetTrdMarket() != 1 {
		t.Fatalf("fills = %v", l)
	}
}

func TestPlaceOrderSendsThePacketKey(t *testing.T) {
	f := &fake{resp: &gatewayv1.PlaceOrderResponse{OrderId: "1796542195000009"}}
	conns := startFake(t, f)
	var resp trdplaceorder.Response
	run(t, conns, protoid.TrdPlaceOrder, limitOrder(), &resp)
	succeeded(t, &resp)
	if resp.GetS2C().GetOrderID() != 1796542195000009 || resp.GetS2C().GetHeader().GetAccID() != 1001 {
		t.Fatalf("s2c = %v", resp.GetS2C())
	}
	c := f.took()
	if len(c) != 1 || c[0].method != "PlaceOrder" || c[0].key != "sdk:7:42" ||
		c[0].req.(*gatewayv1.PlaceOrderRequest).GetClientOrderId() != "sdk:7:42" {
		t.Fatalf("calls = %+v", c)
	}
}

func TestModifyOrderCalls(t *testing.T) {
	f := &fake{resp: &gatewayv1.ModifyOrderResponse{OrderId: "555"}}
	conns := startFake(t, f)
	for _, tc := range []struct {
		c2s    *trdmodifyorder.C2S
		method string
	}{
		{&trdmodifyorder.C2S{PacketID: packet(7, 50), Header: header(0, 1001, 1), OrderID: proto.Uint64(555),
			ModifyOrderOp: proto.Int32(1), Qty: proto.Float64(200), Price: proto.Float64(299)}, "ModifyOrder"},
		{&trdmodifyorder.C2S{PacketID: packet(7, 51), Header: header(0, 1001, 1), OrderID: proto.Uint64(555),
			ModifyOrderOp: proto.Int32(2)}, "CancelOrder"},
		{&trdmodifyorder.C2S{PacketID: packet(7, 52), Header: header(0, 1001, 1), OrderID: proto.Uint64(0),
			ModifyOrderOp: proto.Int32(2), ForAll: proto.Bool(true)}, "CancelAllOrder"},
	} {
		var resp trdmodifyorder.Response
		run(t, conns, protoid.TrdModifyOrder, tc.c2s, &resp)
		succeeded(t, &resp)
		c := f.took()
		last := c[len(c)-1]
		if last.method != tc.method || last.key != PacketKey(tc.c2s.GetPacketID()) {
			t.Fatalf("%s: call %+v", tc.method, last)
		}
		if want := tc.c2s.GetOrderID(); tc.method != "CancelAllOrder" && resp.GetS2C().GetOrderID() != want {
			t.Fatalf("%s: orderID %d, want %d", tc.method, resp.GetS2C().GetOrderID(), want)
		}
	}
}

func TestGetBasicQotFillsEveryRequiredField(t *testing.T) {
	f := &fake{resp: &gatewayv1.GetBasicQuoteResponse{Quotes: []*gatewayv1.BasicQuote{
		{Security: &gatewayv1.Security{Market: 1, Code: "00700"}, SecKey: "HK.00700", Name: "TENCENT", CurPrice: 471.8,
			LastClosePrice: 480, OpenPrice: 474.8, HighPrice: 476, LowPrice: 471.2, Volume: 53700, Turnover: 2.5e7,
			UpdateTime: "2026-12-06 15:30:18", UpdateTimestamp: 1.7e9},
		{Security: &gatewayv1.Security{Market: 11, Code: "AAPL"}, IsSuspended: true},
	}}}
	conns := startFake(t, f)
	var resp qotgetbasicqot.Response
	run(t, conns, protoid.QotGetBasicQot, &qotgetbasicqot.C2S{SecurityList: []*qotcommon.Security{
		{Market: proto.Int32(1), Code: proto.String("00700")}, {Market: proto.Int32(11), Code: proto.String("AAPL")}}}, &resp)
	succeeded(t, &resp)
	l := resp.GetS2C().GetBasicQotList()
	if len(l) != 2 {
		t.Fatalf("quotes = %v", l)
	}
	q := l[0]
	if q.GetSecurity().GetMarket() != 1 || q.GetSecurity().GetCode() != "00700" || q.GetName() != "TENCENT" || q.GetCurPrice() != 471.8 ||
		q.GetLastClosePrice() != 480 || q.GetOpenPrice() != 474.8 || q.GetHighPrice() != 476 || q.GetLowPrice() != 471.2 ||
		q.GetVolume() != 53700 || q.GetTurnover() != 2.5e7 || q.GetUpdateTime() != "2026-12-06 15:30:18" || q.GetUpdateTimestamp() != 1.7e9 {
		t.Fatalf("quote = %v", q)
	}
	if a := q.GetAmplitude(); a < 1.0 || a > 1.01 {
		t.Fatalf("amplitude = %v", a)
	}
	if !l[1].GetIsSuspended() || l[1].GetAmplitude() != 0 {
		t.Fatalf("suspended quote = %v", l[1])
	}
	got := f.took()[0].req.(*gatewayv1.GetBasicQuoteRequest)
	if len(got.GetSecurityList()) != 2 || got.GetSecurityList()[1].GetMarket() != 11 || got.GetSecurityList()[1].GetCode() != "AAPL" {
		t.Fatalf("GetBasicQuote got %v", got)
	}
}

// A request refused here reaches no service, and says why with invalid_argument.
func TestMalformedRequestsReachNoService(t *testing.T) {
	f := &fake{}
	conns := startFake(t, f)
	noPacket := limitOrder()
	noPacket.PacketID = nil
	noCode := limitOrder()
	noCode.Code = nil
	for _, tc := range []struct {
		id   uint32
		c2s  proto.Message
		want string
	}{
		{protoid.TrdPlaceOrder, noPacket, "packetID is required"},
		{protoid.TrdPlaceOrder, noCode, "code"},
		{protoid.TrdPlaceOrder, &trdplaceorder.C2S{PacketID: packet(1, 1), Header: header(0, 1001, 9)}, "trdMarket"},
		{protoid.TrdModifyOrder, &trdmodifyorder.C2S{PacketID: packet(1, 2), Header: header(0, 1001, 1), OrderID: proto.Uint64(1)}, "modifyOrderOp"},
		{protoid.TrdGetFunds, &trdgetfunds.C2S{}, "header"},
		{protoid.TrdGetPositionList, &trdgetpositionlist.C2S{Header: header(3, 1001, 1)}, "trdEnv"},
		{protoid.TrdGetPositionList, &trdgetpositionlist.C2S{Header: header(0, 1001, 1), FilterPLRatioMin: proto.Float64(1)}, "codeList"},
		{protoid.TrdGetOrderList, &trdgetorderlist.C2S{Header: header(0, 1001, 1),
			FilterConditions: &trdcommon.TrdFilterConditions{BeginTime: proto.String("2026-12-01 00:00:00")}}, "codeList and idList"},
		{protoid.TrdGetOrderFillList, &trdgetorderfilllist.C2S{Header: header(0, 0, 1)}, "accID"},
	} {
		var resp trdplaceorder.Response // every Response has the same first three fields
		b := Handlers()[tc.id](t.Context(), conns, sdkcall.Request{ProtoID: tc.id, Body: body(tc.c2s)})
		if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(b, &resp); err != nil {
			t.Fatal(err)
		}
		if resp.GetRetType() != sdkcall.RetFailed || !strings.Contains(resp.GetRetMsg(), tc.want) ||
			!strings.Contains(resp.GetRetMsg(), "(reason invalid_argument)") || resp.GetErrCode() != int32(gatewayv1.Reason_REASON_INVALID_ARGUMENT) {
			t.Errorf("%d %v: answered %v", tc.id, tc.c2s, &resp)
		}
	}
	var garbage trdplaceorder.Response
	b := placeOrder(t.Context(), conns, sdkcall.Request{ProtoID: protoid.TrdPlaceOrder, Body: []byte{0x0a, 0x05, 1}})
	if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(b, &garbage); err != nil || garbage.GetRetType() != sdkcall.RetFailed {
		t.Fatalf("garbage answered %v %v", &garbage, err)
	}
	if c := f.took(); len(c) != 0 {
		t.Fatalf("services were called: %+v", c)
	}
}

// A service's refusal is answered with retType -1, its reason in retMsg and errCode.
func TestRefusalsCarryTheReason(t *testing.T) {
	f := &fake{err: errinfo.New(codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED, "this account needs the trade:real scope")}
	conns := startFake(t, f)
	for id, c2s := range map[uint32]proto.Message{
		protoid.TrdGetAccList:       &trdgetacclist.C2S{UserID: proto.Uint64(0)},
		protoid.TrdGetFunds:         &trdgetfunds.C2S{Header: header(1, 2001, 1)},
		protoid.TrdGetPositionList:  &trdgetpositionlist.C2S{Header: header(1, 2001, 1)},
		protoid.TrdGetOrderList:     &trdgetorderlist.C2S{Header: header(1, 2001, 1)},
		protoid.TrdGetOrderFillList: &trdgetorderfilllist.C2S{Header: header(1, 2001, 1)},
		protoid.TrdPlaceOrder:       limitOrder(),
		protoid.TrdModifyOrder: &trdmodifyorder.C2S{PacketID: packet(1, 2), Header: header(1, 2001, 1), OrderID: proto.Uint64(1),
			ModifyOrderOp: proto.Int32(2)},
		protoid.QotGetBasicQot: &qotgetbasicqot.C2S{},
	} {
		var resp trdplaceorder.Response
		b := Handlers()[id](t.Context(), conns, sdkcall.Request{ProtoID: id, Body: body(c2s)})
		if err := proto.Unmarshal(b, &resp); err != nil {
			t.Fatal(err)
		}
		if resp.GetRetType() != sdkcall.RetFailed || resp.GetRetMsg() != "this account needs the trade:real scope (reason scope_denied)" ||
			resp.GetErrCode() != int32(gatewayv1.Reason_REASON_SCOPE_DENIED) || resp.S2C != nil {
			t.Errorf("%d: answered %v", id, &resp)
		}
	}
}

// TestGetStaticInfo: Qot_GetStaticInfo of named securities comes from
// QuoteService.GetStaticInfo with every required field set; listing a whole market
// is refused before any service call.
func TestGetStaticInfo(t *testing.T) {
	f := &fake{resp: &gatewayv1.GetStaticInfoResponse{StaticInfoList: []*gatewayv1.StaticInfo{
		{Security: &gatewayv1.Security{Market: 1, Code: "00700"}, SecKey: "HK.00700", Name: "TENCENT", LotSize: 100, SecType: 3, ListTime: "2004-06-16"},
	}}}
	conns := startFake(t, f)
	var resp qotgetstaticinfo.Response
	run(t, conns, protoid.QotGetStaticInfo, &qotgetstaticinfo.C2S{SecurityList: []*qotcommon.Security{{Market: proto.Int32(1), Code: proto.String("00700")}}}, &resp)
	succeeded(t, &resp)
	l := resp.GetS2C().GetStaticInfoList()
	if len(l) != 1 {
		t.Fatalf("static info = %v", l)
	}
	b := l[0].GetBasic()
	if b.GetSecurity().GetCode() != "00700" || b.GetName() != "TENCENT" || b.GetLotSize() != 100 || b.GetSecType() != 3 || b.GetListTime() != "2004-06-16" {
		t.Fatalf("basic = %v", b)
	}
	if got := f.took()[0].req.(*gatewayv1.GetStaticInfoRequest); len(got.GetSecurityList()) != 1 || got.GetSecurityList()[0].GetCode() != "00700" {
		t.Fatalf("GetStaticInfo got %v", got)
	}
	var market qotgetstaticinfo.Response
	run(t, conns, protoid.QotGetStaticInfo, &qotgetstaticinfo.C2S{Market: proto.Int32(1), SecType: proto.Int32(3)}, &market)
	if market.GetRetType() != sdkcall.RetFailed || !strings.Contains(market.GetRetMsg(), "securityList") || len(f.took()) != 1 {
		t.Fatalf("a whole market: %v after %d calls", &market, len(f.took()))
	}
}
