package trade

import (
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorderfill"
	"github.com/futugw/gateway/opend/protoid"
)

// timeLayout is OpenD's time string format.
const timeLayout = "2006-01-02 15:04:05.000"

func fmtTime(t time.Time) string { return t.Format(timeLayout) }

// fmtLocal writes t in the zone of the security's market, as OpenD does.
func fmtLocal(t time.Time, qotMarket int32) string { return fmtTime(t.In(marketLoc(qotMarket))) }

// stamp is a unix timestamp in seconds with millisecond precision.
func stamp(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func (a *account) header(trdMarket int32) *trdcommon.TrdHeader {
	return &trdcommon.TrdHeader{
		TrdEnv:    proto.Int32(a.cfg.Env),
		AccID:     proto.Uint64(a.cfg.ID),
		TrdMarket: proto.Int32(trdMarket),
	}
}

func (a *account) toProto() *trdcommon.TrdAcc {
	acc := &trdcommon.TrdAcc{
		TrdEnv:            proto.Int32(a.cfg.Env),
		AccID:             proto.Uint64(a.cfg.ID),
		TrdMarketAuthList: append([]int32(nil), a.cfg.Markets...),
		AccType:           proto.Int32(a.cfg.AccType),
		SecurityFirm:      proto.Int32(firmFutuSecurities),
		AccStatus:         proto.Int32(0), // Active
	}
	if a.cfg.Env == EnvSimulate {
		acc.SimAccType = proto.Int32(simAccTypeStock)
	} else {
		acc.CardNum = proto.String(a.cfg.CardNum)
		acc.UniCardNum = proto.String(a.cfg.CardNum)
	}
	return acc
}

func (o *order) toProto() *trdcommon.Order {
	po := &trdcommon.Order{
		TrdSide:         proto.Int32(o.side),
		OrderType:       proto.Int32(o.typ),
		OrderStatus:     proto.Int32(o.status),
		OrderID:         proto.Uint64(o.id),
		OrderIDEx:       proto.String(o.idEx),
		Code:            proto.String(o.inst.Code),
		Name:            proto.String(o.inst.Name),
		Qty:             proto.Float64(o.qty),
		Price:           proto.Float64(o.price),
		CreateTime:      proto.String(fmtLocal(o.created, o.inst.Market)),
		UpdateTime:      proto.String(fmtLocal(o.updated, o.inst.Market)),
		FillQty:         proto.Float64(o.filled),
		FillAvgPrice:    proto.Float64(o.avgPrice()),
		LastErrMsg:      proto.String(o.lastErr),
		SecMarket:       proto.Int32(trdSecMarket(o.inst.Market)),
		CreateTimestamp: proto.Float64(stamp(o.created)),
		UpdateTimestamp: proto.Float64(stamp(o.updated)),
		Remark:          proto.String(o.remark),
		TimeInForce:     proto.Int32(o.tif),
		Currency:        proto.Int32(o.inst.Currency),
		TrdMarket:       proto.Int32(trdMarketOf(o.inst.Market)),
		FillOutsideRTH:  proto.Bool(o.outsideRTH),
	}
	o.condProto(po)
	return po
}

func (f *fill) toProto() *trdcommon.OrderFill {
	o := f.ord
	return &trdcommon.OrderFill{
		TrdSide:         proto.Int32(o.side),
		FillID:          proto.Uint64(f.id),
		FillIDEx:        proto.String(f.idEx),
		OrderID:         proto.Uint64(o.id),
		OrderIDEx:       proto.String(o.idEx),
		Code:            proto.String(o.inst.Code),
		Name:            proto.String(o.inst.Name),
		Qty:             proto.Float64(f.qty),
		Price:           proto.Float64(f.price),
		CreateTime:      proto.String(fmtLocal(f.at, o.inst.Market)),
		SecMarket:       proto.Int32(trdSecMarket(o.inst.Market)),
		CreateTimestamp: proto.Float64(stamp(f.at)),
		UpdateTimestamp: proto.Float64(stamp(f.at)),
		Status:          proto.Int32(0), // OK
	}
}

// toProto renders a position valued at price.
func (p *position) toProto(acc *account, price float64) *trdcommon.Position {
	val := round6(p.qty * price)
	costVal := p.qty * p.cost
	pl := round6(val - costVal)
	ratio := 0.0
	if costVal > 0 {
		ratio = round6(pl / costVal * 100)
	}
	tdPL := round6(val + p.sellVal - p.buyVal) // today's P/L for positions opened today
	return &trdcommon.Position{
		PositionID:       proto.Uint64(p.id),
		PositionSide:     proto.Int32(p.side()),
		Code:             proto.String(p.inst.Code),
		Name:             proto.String(p.inst.Name),
		Qty:              proto.Float64(p.qty),
		CanSellQty:       proto.Float64(max(p.canSell(), 0)), // a short has nothing to sell
		Price:            proto.Float64(price),
		CostPrice:        proto.Float64(round6(p.cost)),
		Val:              proto.Float64(val),
		PlVal:            proto.Float64(pl),
		PlRatio:          proto.Float64(ratio),
		SecMarket:        proto.Int32(trdSecMarket(p.inst.Market)),
		TdPlVal:          proto.Float64(tdPL),
		TdTrdVal:         proto.Float64(round6(p.buyVal + p.sellVal)),
		TdBuyVal:         proto.Float64(round6(p.buyVal)),
		TdBuyQty:         proto.Float64(p.buyQty),
		TdSellVal:        proto.Float64(round6(p.sellVal)),
		TdSellQty:        proto.Float64(p.sellQty),
		UnrealizedPL:     proto.Float64(pl),
		RealizedPL:       proto.Float64(round6(p.realized)),
		Currency:         proto.Int32(p.inst.Currency),
		TrdMarket:        proto.Int32(trdMarketOf(p.inst.Market)),
		AverageCostPrice: proto.Float64(round6(p.cost)),
		DilutedCostPrice: proto.Float64(round6(p.cost)),
		AccID:            proto.Uint64(acc.cfg.ID),
	}
}

func orderEvent(o *order) event {
	a := o.acc
	return event{accID: a.cfg.ID, protoID: protoid.TrdUpdateOrder, msg: &trdupdateorder.Response{
		RetType: proto.Int32(0),
		S2C:     &trdupdateorder.S2C{Header: a.header(trdMarketOf(o.inst.Market)), Order: o.toProto()},
	}}
}

func fillEvent(f *fill) event {
	a := f.ord.acc
	return event{accID: a.cfg.ID, protoID: protoid.TrdUpdateOrderFill, msg: &trdupdateorderfill.Response{
		RetType: proto.Int32(0),
		S2C:     &trdupdateorderfill.S2C{Header: a.header(trdMarketOf(f.ord.inst.Market)), OrderFill: f.toProto()},
	}}
}
