package server

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/platform/catalog"
)

// Catalog serves every quote route of the catalog (catalog.Register with
// catalog.Quote): it validates the row's security fields, sends the request to OpenD
// as the official Request (the mirror is wire-compatible), and answers the S2C.
// Identical concurrent calls of a Coalesce row share one OpenD request.
func (s *Server) Catalog(ctx context.Context, r *catalog.Route, in proto.Message) (proto.Message, error) {
	for _, sec := range catalog.Securities(in, r.SecurityFields) {
		if err := catalog.ValidSecurity(sec); err != nil {
			return nil, invalid(err.Error())
		}
	}
	req, err := r.ToOfficial(in)
	if err != nil {
		return nil, invalid(err.Error())
	}
	callCtx := ctx
	if r.Policy == catalog.Coalesce {
		// A shared request outlives the caller that started it leaving; CallTimeout
		// still bounds it.
		callCtx = context.WithoutCancel(ctx)
	}
	return s.coalesce.Do(ctx, r, in, func() (proto.Message, error) {
		resp := r.NewResponse()
		if err := s.call(callCtx, r.ProtoID, req, resp); err != nil {
			return nil, toStatus(err)
		}
		return r.FromOfficial(resp)
	})
}
