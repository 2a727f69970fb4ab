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
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
)

// Register builds an Engine on m and serves its trade requests on srv.
// Subscriptions of a connection are dropped when it closes. The caller owns
// the Engine and calls Close when the server stops.
func Register(srv *server.Server, m *market.Market, cfg Config) *Engine {
	e := New(m, cfg)
	srv.Handle(protoid.TrdGetAccList, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
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
	srv.Handle(protoid.TrdUnlockTrade, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
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
	srv.Handle(protoid.TrdSubAccPush, func(_ context.Context, c *server.Conn, r server.Request) (proto.Message, error) {
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
	srv.Handle(protoid.TrdGetFunds, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
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
	srv.Handle(protoid.TrdGetPositionList, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
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
	srv.Handle(protoid.TrdGetOrderList, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
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
	srv.Handle(protoid.TrdGetOrderFillList, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
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
	srv.Handle(protoid.TrdPlaceOrder, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
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
	srv.Handle(protoid.TrdModifyOrder, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
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
	e.registerReports(srv)
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
