package placer

import (
	"context"
	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetfunds"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderfilllist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetpositionlist"
	"github.com/futugw/gateway/opend/protoid"
	"google.golang.org/protobuf/proto"
)

// Fills returns today's fills of h.
func (p *Placer) Fills(ctx context.Context, h Header) ([]*trdcommon.OrderFill, error) {
	c, err := p.current()
	if err != nil {
		return nil, err
	}
	var resp trdgetorderfilllist.Response
	if err := p.call(ctx, c, protoid.TrdGetOrderFillList, &trdgetorderfilllist.Request{C2S: &trdgetorderfilllist.C2S{Header: h.proto()}}, &resp); err != nil {
		return nil, readError(err)
	}
	return resp.GetS2C().GetOrderFillList(), nil
}

// Funds returns h's funds.
func (p *Placer) Funds(ctx context.Context, h Header) (*trdcommon.Funds, error) {
	c, err := p.current()
	if err != nil {
		return nil, err
	}
	var resp trdgetfunds.Response
	if err := p.call(ctx, c, protoid.TrdGetFunds, &trdgetfunds.Request{C2S: &trdgetfunds.C2S{Header: h.proto()}}, &resp); err != nil {
		return nil, readError(err)
	}
	return resp.GetS2C().GetFunds(), nil
}

// Positions returns h's positions.
func (p *Placer) Positions(ctx context.Context, h Header) ([]*trdcommon.Position, error) {
	c, err := p.current()
	if err != nil {
		return nil, err
	}
	var resp trdgetpositionlist.Response
	if err := p.call(ctx, c, protoid.TrdGetPositionList, &trdgetpositionlist.Request{C2S: &trdgetpositionlist.C2S{Header: h.proto()}}, &resp); err != nil {
		return nil, readError(err)
	}
	return resp.GetS2C().GetPositionList(), nil
}

// Snapshot is what the order checks need of a security.
type Snapshot struct {
	LotSize  int32
	CurPrice float64
}

// Snapshot asks OpenD for a security's lot size and current price (Qot_GetSecuritySnapshot
// needs no subscription). qotMarket is Qot_Common.QotMarket (1 HK, 11 US).
func (p *Placer) Snapshot(ctx context.Context, qotMarket int32, code string) (Snapshot, error) {
	c, err := p.current()
	if err != nil {
		return Snapshot{}, err
	}
	var resp qotgetsecuritysnapshot.Response
	req := &qotgetsecuritysnapshot.Request{C2S: &qotgetsecuritysnapshot.C2S{
		SecurityList: []*qotcommon.Security{{Market: proto.Int32(qotMarket), Code: proto.String(code)}},
	}}
	if err := p.call(ctx, c, protoid.QotGetSecuritySnapshot, req, &resp); err != nil {
		return Snapshot{}, readError(err)
	}
	list := resp.GetS2C().GetSnapshotList()
	if len(list) == 0 {
		return Snapshot{}, &Error{Kind: KindInvalid, Reason: gatewayv1.Reason_REASON_INVALID_ORDER, Msg: "unknown security " + code}
	}
	b := list[0].GetBasic()
	return Snapshot{LotSize: b.GetLotSize(), CurPrice: b.GetCurPrice()}, nil
}

// LotSize returns a security's lot size, from a cache filled by Snapshot (lot sizes
// change rarely; a stale one makes OpenD refuse, never place wrongly).
func (p *Placer) LotSize(ctx context.Context, qotMarket int32, code string) (int32, error) {
	key := lotKey{qotMarket, code}
	if v, ok := p.lots.Load(key); ok {
		return v.(int32), nil
	}
	s, err := p.Snapshot(ctx, qotMarket, code)
	if err != nil {
		return 0, err
	}
	p.lots.Store(key, s.LotSize)
	return s.LotSize, nil
}

type lotKey struct {
	market int32
	code   string
}
