package server

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/freqlimit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/catalog"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
)

// Catalog serves every account route of the catalog (catalog.Register with
// catalog.Account): every account field of the row must be set and in the key's
// allowed_acc_ids, every security field valid; then the request goes to OpenD as the
// official Request (the mirror is wire-compatible) and the S2C comes back.
func (s *Server) Catalog(ctx context.Context, r *catalog.Route, in proto.Message) (proto.Message, error) {
	p, err := authn.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	pol := limits.PolicyFrom(p.Owner(), p.Scopes, p.Limits)
	for _, a := range catalog.Accounts(in, r.AccountFields) {
		if !a.Set || a.ID == 0 {
			return nil, errinfo.Newf(codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT, "%s is required", a.Field)
		}
		if !pol.AccountAllowed(strconv.FormatUint(a.ID, 10)) {
			return nil, errinfo.Newf(codes.PermissionDenied, gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED, "account %d is not in this key's allowed_acc_ids", a.ID)
		}
	}
	for _, sec := range catalog.Securities(in, r.SecurityFields) {
		if err := catalog.ValidSecurity(sec); err != nil {
			return nil, errinfo.New(codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT, err.Error())
		}
	}
	req, err := r.ToOfficial(in)
	if err != nil {
		return nil, errinfo.New(codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT, err.Error())
	}
	if err := s.pace(ctx, r, req); err != nil {
		return nil, err
	}
	resp := r.NewResponse()
	if err := s.d.Placer.Read(ctx, r.ProtoID, req, resp); err != nil {
		// A refused read is not a refused order: opend_refused, as for quote reads.
		if e, ok := placer.AsError(err); ok && e.Reason == gatewayv1.Reason_REASON_OPEND_REJECTED {
			c := codes.FailedPrecondition
			if e.Kind == placer.KindInvalid {
				c = codes.InvalidArgument
			}
			return nil, errinfo.Newf(c, gatewayv1.Reason_REASON_OPEND_REFUSED, "OpenD refused the request: %s", e.Msg)
		}
		return nil, toStatus(err)
	}
	return r.FromOfficial(resp)
}

// readLimits is how the account reads read OpenD's table: 90% of each limit, with a
// second of margin on every window for the time a request takes to reach OpenD.
var readLimits = freqlimit.Policy{Scale: 0.9, Margin: time.Second}

// maxReadWait is the longest an account read waits for a frequency slot.
const maxReadWait = 200 * time.Millisecond

// pace holds a read of r (req, its official Request) below OpenD's frequency limit
// for its interface (per account where OpenD counts per account): it returns at
// once, after a short wait, or a rate_limited refusal with the delay after which
// a slot frees, so that OpenD never refuses for frequency.
func (s *Server) pace(ctx context.Context, r *catalog.Route, req proto.Message) error {
	body, err := proto.Marshal(req)
	if err != nil {
		return nil
	}
	wait, ok := s.reads.Reserve(ctx, r.ProtoID, body, maxReadWait)
	if !ok {
		return errinfo.NewRetry(codes.ResourceExhausted, gatewayv1.Reason_REASON_RATE_LIMITED,
			fmt.Sprintf("OpenD's frequency limit for %s is used up; retry in %s", r.Proto, wait.Round(time.Second)), wait)
	}
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return toStatus(ctx.Err())
	}
}
