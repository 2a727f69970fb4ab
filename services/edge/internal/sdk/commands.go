package sdk

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/keepalive"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotregqotpush"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsub"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/seckey"
	"github.com/futugw/gateway/platform/catalog"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
)

// Table maps proto ids to their handlers: KeepAlive answered here, Qot_Sub through
// QuoteService.Subscribe and Unsubscribe, every generic catalog row through its
// gRPC method, then extra (the trade commands) over all of them. A proto id in none
// of them is answered by Unserved.
func Table(extra map[uint32]sdkcall.Handler) map[uint32]sdkcall.Handler {
	t := make(map[uint32]sdkcall.Handler)
	for _, r := range catalog.Routes() {
		if r.ProtoID == 0 || t[r.ProtoID] != nil {
			continue // the first row of a proto id serves it
		}
		t[r.ProtoID] = Generic(&r)
	}
	t[protoid.KeepAlive] = KeepAlive
	t[protoid.QotSub] = Sub
	t[protoid.QotRegQotPush] = RegQotPush
	for id, h := range extra {
		t[id] = h
	}
	return t
}

// Unserved answers a command futugw does not serve: a refusal naming it, never
// silence.
func Unserved(id uint32) []byte {
	name := "command"
	if p, ok := protoid.Lookup(id); ok {
		name = p.Name
	}
	return sdkcall.Failed(fmt.Sprintf("futugw does not serve %s (proto %d)", name, id), 0)
}

// Generic serves a generic catalog row: the official c2s decodes into the row's
// mirrored request, which goes to the row's gRPC method with the socket's session
// key, so the services apply the same scopes, accounts, securities, pacing and
// caching as for REST; the mirrored response is the official s2c.
func Generic(r *catalog.Route) sdkcall.Handler {
	return func(ctx context.Context, c sdkcall.Conns, req sdkcall.Request) []byte {
		in := r.NewIn()
		if err := sdkcall.DecodeC2S(req.Body, in); err != nil {
			return sdkcall.Refuse(status.Error(codes.InvalidArgument, err.Error()))
		}
		conn := c.Quote
		if r.Service != catalog.Quote {
			conn = c.Order
		}
		out := r.NewOut()
		if err := conn.Invoke(ctx, r.FullMethod, in, out); err != nil {
			return sdkcall.Refuse(err)
		}
		return sdkcall.Answer(out)
	}
}

// KeepAlive answers 1004 locally with the server's time.
func KeepAlive(context.Context, sdkcall.Conns, sdkcall.Request) []byte {
	return sdkcall.Answer(&keepalive.S2C{Time: proto.Int64(time.Now().Unix())})
}

// Sub is Qot_Sub: isSubOrUnSub true subscribes the socket's session through
// QuoteService.Subscribe (the quote service's shared subscriptions: one OpenD
// subscription however many sockets ask), false unsubscribes (isUnsubAll: all of
// them). The session's pushes reach the socket from the edge's fan-out, registered
// until isRegOrUnRegPush false (or Qot_RegQotPush) unregisters them on this socket;
// left out, it changes no registration, as with OpenD.
func Sub(ctx context.Context, c sdkcall.Conns, req sdkcall.Request) []byte {
	var in qotsub.C2S
	if err := sdkcall.DecodeC2S(req.Body, &in); err != nil {
		return sdkcall.Refuse(status.Error(codes.InvalidArgument, err.Error()))
	}
	secs := sdkcall.Securities(in.GetSecurityList())
	q := gatewayv1.NewQuoteServiceClient(c.Quote)
	var err error
	if in.GetIsSubOrUnSub() {
		_, err = q.Subscribe(ctx, &gatewayv1.SubscribeRequest{SecurityList: secs, SubTypeList: in.GetSubTypeList()})
	} else {
		_, err = q.Unsubscribe(ctx, &gatewayv1.UnsubscribeRequest{SecurityList: secs, SubTypeList: in.GetSubTypeList(), UnsubscribeAll: in.GetIsUnsubAll()})
	}
	if err != nil {
		return sdkcall.Refuse(err)
	}
	if req.Socket != nil {
		switch {
		case !in.GetIsSubOrUnSub() && in.GetIsUnsubAll():
			req.Socket.ResetQuotePush()
		case !in.GetIsSubOrUnSub(): // an unsubscribed pair forgets its registration
			req.Socket.RegisterQuotePush(secKeys(in.GetSecurityList()), in.GetSubTypeList(), true)
		case in.IsRegOrUnRegPush != nil:
			req.Socket.RegisterQuotePush(secKeys(in.GetSecurityList()), in.GetSubTypeList(), in.GetIsRegOrUnRegPush())
		}
	}
	return sdkcall.Answer(&qotsub.S2C{})
}

// RegQotPush is Qot_RegQotPush: it registers or unregisters, on this socket, the
// pushes of securities' sub types its session subscribed; the subscriptions stay.
func RegQotPush(_ context.Context, _ sdkcall.Conns, req sdkcall.Request) []byte {
	var in qotregqotpush.C2S
	if err := sdkcall.DecodeC2S(req.Body, &in); err != nil {
		return sdkcall.Refuse(status.Error(codes.InvalidArgument, err.Error()))
	}
	if req.Socket == nil {
		return sdkcall.Refuse(status.Error(codes.Internal, "no socket to register pushes on"))
	}
	req.Socket.RegisterQuotePush(secKeys(in.GetSecurityList()), in.GetSubTypeList(), in.GetIsRegOrUnReg())
	return sdkcall.Answer(&qotregqotpush.S2C{})
}

// secKeys are the gateway's keys of official securities.
func secKeys(list []*qotcommon.Security) []string {
	keys := make([]string, 0, len(list))
	for _, s := range list {
		keys = append(keys, seckey.Of(s.GetMarket(), s.GetCode()))
	}
	return keys
}
