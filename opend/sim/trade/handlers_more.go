package trade

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdflowsummary"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgethistoryorderfilllist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgethistoryorderlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetmarginratio"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetmaxtrdqtys"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderfee"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
)

// headed is a c2s that names an account.
type headed interface {
	GetHeader() *trdcommon.TrdHeader
}

// handle serves one request/response proto whose handling is fn: decode the
// Request (R), pass its c2s, wrap the s2c in a successful Response (freqlimit
// applies the frequency limits before). The difference between protos is data, so this
// is the one path they share.
func handle[R proto.Message, C headed, S any](e *Engine, srv *server.Server, id uint32, newReq func() R,
	c2s func(R) C, fn func(C) (S, error), wrap func(S) proto.Message) {
	srv.Handle(id, func(_ context.Context, _ *server.Conn, r server.Request) (proto.Message, error) {
		req := newReq()
		if err := decode(r, req); err != nil {
			return nil, err
		}
		s, err := fn(c2s(req))
		if err != nil {
			return nil, err
		}
		return wrap(s), nil
	})
}

// registerReports serves the history, fee, cash-flow, margin and max-quantity
// queries.
func (e *Engine) registerReports(srv *server.Server) {
	handle(e, srv, protoid.TrdGetHistoryOrderList,
		func() *trdgethistoryorderlist.Request { return &trdgethistoryorderlist.Request{} },
		(*trdgethistoryorderlist.Request).GetC2S, e.getHistoryOrderList,
		func(s *trdgethistoryorderlist.S2C) proto.Message {
			return &trdgethistoryorderlist.Response{RetType: ok(), S2C: s}
		})
	handle(e, srv, protoid.TrdGetHistoryOrderFillList,
		func() *trdgethistoryorderfilllist.Request { return &trdgethistoryorderfilllist.Request{} },
		(*trdgethistoryorderfilllist.Request).GetC2S, e.getHistoryOrderFillList,
		func(s *trdgethistoryorderfilllist.S2C) proto.Message {
			return &trdgethistoryorderfilllist.Response{RetType: ok(), S2C: s}
		})
	handle(e, srv, protoid.TrdGetOrderFee,
		func() *trdgetorderfee.Request { return &trdgetorderfee.Request{} },
		(*trdgetorderfee.Request).GetC2S, e.getOrderFee,
		func(s *trdgetorderfee.S2C) proto.Message { return &trdgetorderfee.Response{RetType: ok(), S2C: s} })
	handle(e, srv, protoid.TrdFlowSummary,
		func() *trdflowsummary.Request { return &trdflowsummary.Request{} },
		(*trdflowsummary.Request).GetC2S, e.getFlowSummary,
		func(s *trdflowsummary.S2C) proto.Message { return &trdflowsummary.Response{RetType: ok(), S2C: s} })
	handle(e, srv, protoid.TrdGetMarginRatio,
		func() *trdgetmarginratio.Request { return &trdgetmarginratio.Request{} },
		(*trdgetmarginratio.Request).GetC2S, e.getMarginRatio,
		func(s *trdgetmarginratio.S2C) proto.Message {
			return &trdgetmarginratio.Response{RetType: ok(), S2C: s}
		})
	handle(e, srv, protoid.TrdGetMaxTrdQtys,
		func() *trdgetmaxtrdqtys.Request { return &trdgetmaxtrdqtys.Request{} },
		(*trdgetmaxtrdqtys.Request).GetC2S, e.getMaxTrdQtys,
		func(s *trdgetmaxtrdqtys.S2C) proto.Message { return &trdgetmaxtrdqtys.Response{RetType: ok(), S2C: s} })
}
