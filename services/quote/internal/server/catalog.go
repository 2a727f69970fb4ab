package server

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/platform/catalog"
)

// Catalog serves every quote route of the catalog (catalog.Register with
// catalog.Quote): it validates the row's security fields, answers from a kept answer
// when the row's cache rule allows, and otherwise sends the request to OpenD as the
// official Request (the mirror is wire-compatible), paced below OpenD's frequency
// limit, and answers the S2C. Identical concurrent calls of a Coalesce row share one
// OpenD request.
func (s *Server) Catalog(ctx context.Context, r *catalog.Route, in proto.Message) (proto.Message, error) {
	for _, sec := range catalog.Securities(in, r.SecurityFields) {
		if err := catalog.ValidSecurity(sec); err != nil {
			return nil, invalid(err.Error())
		}
	}
	req, err := r.ToOfficial(in) // fills in the row's defaults first
	if err != nil {
		return nil, invalid(err.Error())
	}
	g := s.o.Guard
	var key []byte // the canonical request, naming a kept answer
	if g != nil {
		g.Request(r)
		if r.Cache != "" {
			key, _ = proto.MarshalOptions{Deterministic: true}.Marshal(in)
			if out := r.NewOut(); key != nil && g.Cached(ctx, r, key, out) {
				return out, nil
			}
		}
	}
	callCtx := ctx
	if r.Policy == catalog.Coalesce {
		// A shared request outlives the caller that started it leaving; CallTimeout
		// still bounds it.
		callCtx = context.WithoutCancel(ctx)
	}
	return s.coalesce.Do(ctx, r, in, func() (proto.Message, error) {
		// A flight that ended between the check above and this one kept its answer.
		if out := r.NewOut(); key != nil && g.Cached(callCtx, r, key, out) {
			return out, nil
		}
		if g != nil {
			if err := g.Admit(callCtx, r, req); err != nil {
				return nil, toStatus(err)
			}
		}
		resp := r.NewResponse()
		if err := s.call(callCtx, r.ProtoID, req, resp); err != nil {
			return nil, toStatus(err)
		}
		out, err := r.FromOfficial(resp)
		if err == nil && g != nil && key != nil {
			g.Keep(callCtx, r, in, key, out)
		}
		return out, err
	})
}
