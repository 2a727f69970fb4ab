package catalog

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
)

// Handler serves one call of a catalog route: in is the route's mirrored request
// (r.NewIn), the answer its mirrored response (r.NewOut).
type Handler func(ctx context.Context, r *Route, in proto.Message) (proto.Message, error)

var descs = map[Service]*grpc.ServiceDesc{
	Quote:   &catalogv1.QuoteCatalogService_ServiceDesc,
	Account: &catalogv1.AccountCatalogService_ServiceDesc,
}

// Register serves every method of svc's generated gRPC service with h. The server's
// interceptors (authentication, error details) run as for any other method, and
// reflection sees the generated service.
func Register(s grpc.ServiceRegistrar, svc Service, h Handler) {
	desc := descs[svc]
	out := *desc
	out.HandlerType = (*any)(nil) // one generic implementation, not the generated interface
	out.Methods = make([]grpc.MethodDesc, len(desc.Methods))
	for i, md := range desc.Methods {
		full := "/" + desc.ServiceName + "/" + md.MethodName
		r, ok := ByMethod(full)
		if !ok || !r.Generic || r.Service != svc {
			panic(fmt.Sprintf("catalog: %s has no row of its service", full)) // generated together: cannot happen
		}
		out.Methods[i] = grpc.MethodDesc{MethodName: md.MethodName, Handler: unary(r, h)}
	}
	s.RegisterService(&out, h)
}

func unary(r *Route, h Handler) func(srv any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
	info := &grpc.UnaryServerInfo{FullMethod: r.FullMethod}
	return func(srv any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
		in := r.NewIn()
		if err := dec(in); err != nil {
			return nil, err
		}
		if icpt == nil {
			return h(ctx, r, in)
		}
		i := *info
		i.Server = srv
		return icpt(ctx, in, &i, func(ctx context.Context, req any) (any, error) {
			return h(ctx, r, req.(proto.Message))
		})
	}
}
