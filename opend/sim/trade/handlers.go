package trade

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetacclist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetfunds"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderfilllist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetpositionlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdsubaccpush"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdunlocktrade"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
)

// Protocol ids of the requests the engine serves.
const (
	ProtoGetAccList       uint32 = 2001
	ProtoUnlockTrade      uint32 = 2005
	ProtoSubAccPush       uint32 = 2008
	ProtoGetFunds         uint32 = 2101
	ProtoGetPositionList  uint32 = 2102
	ProtoGetOrderList     uint32 = 2201
	ProtoPlaceOrder       uint32 = 2202
	ProtoModifyOrder      uint32 = 2205
	ProtoGetOrderFillList uint32 = 2211
)

// Register builds an Engine on m and serves its trade requests on srv.
// Subscriptions of a connection are dropped when it closes. The caller owns
// the Engine and calls Close when the server stops.
func Register(srv *server.Server, m *market.Market, cfg Config) *Engine {
	e := New(m, cfg)
	srv.Handle(ProtoGetAccList, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
		var req trdgetacclist.Request
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		s2c, err := e.getAccList(req.GetC2S())
		if err != nil {
			return nil, err
		}
		return &trdgetacclist.Response{RetType: ok(), S2C: s2c}, nil
	})
	srv.Handle(ProtoUnlockTrade, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
		var req trdunlocktrade.Request
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		s2c, err := e.unlockTrade(req.GetC2S())
		if err != nil {
			return nil, err
		}
		return &trdunlocktrade.Response{RetType: ok(), S2C: s2c}, nil
	})
	srv.Handle(ProtoSubAccPush, func(_ context.Context, c *server.Conn, r server.Request) (proto.Message, error) {
		var req trdsubaccpush.Request
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		s2c, err := e.subAccPush(c, c.Context(), req.GetC2S())
		if err != nil {
			return nil, err
		}
		return &trdsubaccpush.Response{RetType: ok(), S2C: s2c}, nil
	})
	srv.Handle(ProtoGetFunds, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
		var req trdgetfunds.Request
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		s2c, err := e.getFunds(req.GetC2S())
		if err != nil {
			return nil, err
		}
		return &trdgetfunds.Response{RetType: ok(), S2C: s2c}, nil
	})
	srv.Handle(ProtoGetPositionList, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
		var req trdgetpositionlist.Request
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		s2c, err := e.getPositionList(req.GetC2S())
		if err != nil {
			return nil, err
		}
		return &trdgetpositionlist.Response{RetType: ok(), S2C: s2c}, nil
	})
	srv.Handle(ProtoGetOrderList, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
		var req trdgetorderlist.Request
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		s2c, err := e.getOrderList(req.GetC2S())
		if err != nil {
			return nil, err
		}
		return &trdgetorderlist.Response{RetType: ok(), S2C: s2c}, nil
	})
	srv.Handle(ProtoGetOrderFillList, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
		var req trdgetorderfilllist.Request
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		s2c, err := e.getOrderFillList(req.GetC2S())
		if err != nil {
			return nil, err
		}
		return &trdgetorderfilllist.Response{RetType: ok(), S2C: s2c}, nil
	})
	srv.Handle(ProtoPlaceOrder, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
		var req trdplaceorder.Request
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		s2c, err := e.placeOrder(req.GetC2S())
		if err != nil {
			return nil, err
		}
		return &trdplaceorder.Response{RetType: ok(), S2C: s2c}, nil
	})
	srv.Handle(ProtoModifyOrder, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
		var req trdmodifyorder.Request
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		s2c, err := e.modifyOrder(req.GetC2S())
		if err != nil {
			return nil, err
		}
		return &trdmodifyorder.Response{RetType: ok(), S2C: s2c}, nil
	})
	return e
}

func ok() *int32 { return proto.Int32(0) }

// decode unmarshals a request body; proto2 required fields (c2s, header,
// packetID...) must be present.
func decode(r server.Request, m proto.Message) error {
	if err := proto.Unmarshal(r.Body, m); err != nil {
		return refuse(codeInvalidRequest, "malformed request for proto %d: %v", r.ProtoID, err)
	}
	return nil
}
