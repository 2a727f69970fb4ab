package trade

import (
	"context"
	"errors"
	"slices"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderfilllist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderlist"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
	"google.golang.org/protobuf/proto"
)

// listFilter is what the gateway serves of an official TrdFilterConditions on
// today's lists: codes and ids. Times (the lists are today's), orderIDEx (the
// gateway has none) and a filterMarket other than the header's are refused rather
// than ignored.
type listFilter struct {
	codes []string
	ids   []uint64
}

func filterOf(h *trdcommon.TrdHeader, f *trdcommon.TrdFilterConditions) (listFilter, error) {
	if f.GetBeginTime() != "" || f.GetEndTime() != "" || len(f.GetOrderIDExList()) > 0 {
		return listFilter{}, errors.New("only filterConditions.codeList and idList are supported")
	}
	if m := f.GetFilterMarket(); m != 0 && m != h.GetTrdMarket() {
		return listFilter{}, errors.New("filterConditions.filterMarket must be the header's trdMarket")
	}
	return listFilter{codes: f.GetCodeList(), ids: f.GetIdList()}, nil
}

func (f listFilter) pass(code string, id uint64) bool {
	return wanted(f.codes, code) && (len(f.ids) == 0 || slices.Contains(f.ids, id))
}

// getOrderList answers Trd_GetOrderList with OrderService.ListOrders (today's
// orders), filtered here by codeList, idList and filterStatusList.
func getOrderList(ctx context.Context, c sdkcall.Conns, r sdkcall.Request) []byte {
	var c2s trdgetorderlist.C2S
	if err := sdkcall.DecodeC2S(r.Body, &c2s); err != nil {
		return malformed(r.ProtoID, err)
	}
	a, err := accountOf(c2s.GetHeader(), false)
	if err != nil {
		return malformed(r.ProtoID, err)
	}
	f, err := filterOf(c2s.GetHeader(), c2s.GetFilterConditions())
	if err != nil {
		return malformed(r.ProtoID, err)
	}
	resp, err := gatewayv1.NewOrderServiceClient(c.Order).ListOrders(ctx, &gatewayv1.ListOrdersRequest{
		TrdEnv: a.env, AccId: a.accID, TrdMarket: a.market})
	if err != nil {
		return sdkcall.Refuse(err)
	}
	s2c, err := orderListS2C(c2s.GetHeader(), f, c2s.GetFilterStatusList(), resp)
	if err != nil {
		return internal(r.ProtoID, err.Error())
	}
	return sdkcall.Answer(s2c)
}

// orderListS2C is the official order list of the gateway's. orderIDEx, required, is
// not known to the gateway: "" (modify by orderID). secMarket is not in the gateway's
// order and left out; trdMarket is the header's.
func orderListS2C(h *trdcommon.TrdHeader, f listFilter, statuses []int32, resp *gatewayv1.ListOrdersResponse) (*trdgetorderlist.S2C, error) {
	s2c := &trdgetorderlist.S2C{Header: h, OrderList: []*trdcommon.Order{}}
	for _, o := range resp.GetOrders() {
		id, ok := parseID(o.GetOrderId())
		if !ok {
			return nil, errors.New("the order service answered a non-numeric order id")
		}
		if !f.pass(o.GetCode(), id) || (len(statuses) > 0 && !slices.Contains(statuses, int32(o.GetOrderStatus()))) {
			continue
		}
		s2c.OrderList = append(s2c.OrderList, orderOut(h, id, o))
	}
	return s2c, nil
}

func orderOut(h *trdcommon.TrdHeader, id uint64, o *gatewayv1.Order) *trdcommon.Order {
	out := &trdcommon.Order{
		TrdSide:        proto.Int32(int32(o.GetTrdSide())),
		OrderType:      proto.Int32(int32(o.GetOrderType())),
		OrderStatus:    proto.Int32(int32(o.GetOrderStatus())),
		OrderID:        proto.Uint64(id),
		OrderIDEx:      proto.String(""),
		Code:           proto.String(o.GetCode()),
		Name:           proto.String(o.GetName()),
		Qty:            proto.Float64(o.GetQty()),
		Price:          proto.Float64(o.GetPrice()),
		CreateTime:     proto.String(o.GetCreateTime()),
		UpdateTime:     proto.String(o.GetUpdateTime()),
		FillQty:        proto.Float64(o.GetFillQty()),
		FillAvgPrice:   proto.Float64(o.GetFillAvgPrice()),
		TimeInForce:    proto.Int32(int32(o.GetTimeInForce())),
		FillOutsideRTH: proto.Bool(o.GetFillOutsideRth()),
		TrdMarket:      proto.Int32(h.GetTrdMarket()),
	}
	if o.GetLastErrMsg() != "" {
		out.LastErrMsg = proto.String(o.GetLastErrMsg())
	}
	if o.GetRemark() != "" {
		out.Remark = proto.String(o.GetRemark())
	}
	if o.GetAuxPrice() != 0 {
		out.AuxPrice = proto.Float64(o.GetAuxPrice())
	}
	if o.GetTrailType() != gatewayv1.TrailType_TRAIL_TYPE_UNKNOWN {
		out.TrailType = proto.Int32(int32(o.GetTrailType()))
		out.TrailValue = proto.Float64(o.GetTrailValue())
		out.TrailSpread = proto.Float64(o.GetTrailSpread())
	}
	return out
}

// getOrderFillList answers Trd_GetOrderFillList with OrderService.ListOrderFills
// (today's fills), filtered here by codeList and idList (fill ids).
func getOrderFillList(ctx context.Context, c sdkcall.Conns, r sdkcall.Request) []byte {
	var c2s trdgetorderfilllist.C2S
	if err := sdkcall.DecodeC2S(r.Body, &c2s); err != nil {
		return malformed(r.ProtoID, err)
	}
	a, err := accountOf(c2s.GetHeader(), false)
	if err != nil {
		return malformed(r.ProtoID, err)
	}
	f, err := filterOf(c2s.GetHeader(), c2s.GetFilterConditions())
	if err != nil {
		return malformed(r.ProtoID, err)
	}
	resp, err := gatewayv1.NewOrderServiceClient(c.Order).ListOrderFills(ctx, &gatewayv1.ListOrderFillsRequest{
		TrdEnv: a.env, AccId: a.accID, TrdMarket: a.market})
	if err != nil {
		return sdkcall.Refuse(err)
	}
	s2c, err := fillListS2C(c2s.GetHeader(), f, resp)
	if err != nil {
		return internal(r.ProtoID, err.Error())
	}
	return sdkcall.Answer(s2c)
}

// fillListS2C is the official fill list of the gateway's. fillIDEx, required, is not
// known to the gateway: "". status is OK: the gateway lists today's fills as made.
func fillListS2C(h *trdcommon.TrdHeader, f listFilter, resp *gatewayv1.ListOrderFillsResponse) (*trdgetorderfilllist.S2C, error) {
	s2c := &trdgetorderfilllist.S2C{Header: h, OrderFillList: []*trdcommon.OrderFill{}}
	for _, x := range resp.GetFills() {
		id, ok := parseID(x.GetFillId())
		order, ok2 := parseID(x.GetOrderId())
		if !ok || !ok2 {
			return nil, errors.New("the order service answered a non-numeric fill or order id")
		}
		if !f.pass(x.GetCode(), id) {
			continue
		}
		s2c.OrderFillList = append(s2c.OrderFillList, &trdcommon.OrderFill{
			TrdSide:    proto.Int32(int32(x.GetTrdSide())),
			FillID:     proto.Uint64(id),
			FillIDEx:   proto.String(""),
			OrderID:    proto.Uint64(order),
			Code:       proto.String(x.GetCode()),
			Name:       proto.String(x.GetName()),
			Qty:        proto.Float64(x.GetQty()),
			Price:      proto.Float64(x.GetPrice()),
			CreateTime: proto.String(x.GetCreateTime()),
			Status:     proto.Int32(int32(trdcommon.OrderFillStatus_OrderFillStatus_OK)),
			TrdMarket:  proto.Int32(h.GetTrdMarket()),
		})
	}
	return s2c, nil
}
