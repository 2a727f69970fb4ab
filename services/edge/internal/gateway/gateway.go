// Package gateway is the edge's REST front door: grpc-gateway translating /api/ JSON
// calls into gRPC calls on the auth, quote and order services, with the request
// caps, deadlines and error mapping of the edge's contract.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/grpclink"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/edge/internal/accesslog"
	"github.com/futugw/gateway/services/edge/internal/httperr"
)

// Options configures the gateway.
type Options struct {
	AuthAddr, QuoteAddr, OrderAddr string // gRPC targets ("127.0.0.1:50051")

	Timeout    time.Duration // per call; DefaultTimeout when zero
	MaxBody    int64         // per request body; DefaultMaxBody when zero
	TrustProxy bool          // keep X-Forwarded-For from the proxy in front

	// DialOptions replace the default (grpclink.DialOptions: an internal link).
	DialOptions []grpc.DialOption

	// Logger gets the detail of failures on the gateway's side, which the client
	// only sees as a fixed text; nil discards it.
	Logger *slog.Logger
}

// Gateway holds the REST handler and the upstream connections it owns.
type Gateway struct {
	handler http.Handler
	conns   []*grpc.ClientConn
	// Auth, Quote and Order are the upstream connections (Order also serves
	// AccountService), for readiness checks.
	Auth, Quote, Order *grpc.ClientConn
}

// New connects (lazily: grpc.NewClient does not dial) to the services and builds the
// REST handler. Close releases the connections.
func New(ctx context.Context, o Options) (*Gateway, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	dial := o.DialOptions
	if dial == nil {
		dial = grpclink.DialOptions()
	}
	g := &Gateway{}
	for _, c := range []struct {
		name, addr string
		conn       **grpc.ClientConn
	}{{"auth", o.AuthAddr, &g.Auth}, {"quote", o.QuoteAddr, &g.Quote}, {"order", o.OrderAddr, &g.Order}} {
		if c.addr == "" {
			_ = g.Close()
			return nil, fmt.Errorf("gateway: no %s address", c.name)
		}
		cc, err := grpc.NewClient(c.addr, dial...)
		if err != nil {
			_ = g.Close()
			return nil, fmt.Errorf("gateway: %s client for %q: %w", c.name, c.addr, err)
		}
		*c.conn = cc
		g.conns = append(g.conns, cc)
	}

	mux := NewServeMux(o.Logger)
	regs := []error{
		gatewayv1.RegisterAuthServiceHandlerClient(ctx, mux, gatewayv1.NewAuthServiceClient(g.Auth)),
		gatewayv1.RegisterQuoteServiceHandlerClient(ctx, mux, gatewayv1.NewQuoteServiceClient(g.Quote)),
		gatewayv1.RegisterOrderServiceHandlerClient(ctx, mux, gatewayv1.NewOrderServiceClient(g.Order)),
		gatewayv1.RegisterAccountServiceHandlerClient(ctx, mux, gatewayv1.NewAccountServiceClient(g.Order)),
		// The catalog's routes (api/catalog.json): quote reads and account reads.
		catalogv1.RegisterQuoteCatalogServiceHandlerClient(ctx, mux, catalogv1.NewQuoteCatalogServiceClient(g.Quote)),
		catalogv1.RegisterAccountCatalogServiceHandlerClient(ctx, mux, catalogv1.NewAccountCatalogServiceClient(g.Order)),
	}
	if err := errors.Join(regs...); err != nil {
		_ = g.Close()
		return nil, fmt.Errorf("gateway: register handlers: %w", err)
	}
	g.handler = untrustedForwarding(o.TrustProxy, limitBody(o.MaxBody, withTimeout(o.Timeout, mux)))
	return g, nil
}

// NewServeMux returns the grpc-gateway mux with the edge's codec, header policy and
// error handling, without any service registered; log (nil discards) gets the
// detail of server faults.
func NewServeMux(log *slog.Logger) *runtime.ServeMux {
	return runtime.NewServeMux(
		// The JSON codec: proto field names (snake_case) in and out, every field present
		// in responses (zeros included, so the panel never sees undefined), and unknown
		// request fields refused rather than silently dropped.
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.JSONPb{
			MarshalOptions:   protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true},
			UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
		}),
		runtime.WithErrorHandler(httperr.GatewayErrorHandler(log)),
		runtime.WithRoutingErrorHandler(httperr.RoutingErrorHandler),
		runtime.WithIncomingHeaderMatcher(incomingHeader),
		// The services' gRPC metadata is internal: none of it becomes a response
		// header or trailer (grpc-gateway would send it as Grpc-Metadata-*).
		runtime.WithOutgoingHeaderMatcher(dropMetadata),
		runtime.WithOutgoingTrailerMatcher(dropMetadata),
		// Declaring the length lets the access log send a complete answer before it
		// writes its line.
		runtime.WithWriteContentLength(),
		runtime.WithForwardResponseOption(noStore),
		// Neither a method override header nor a form-encoded POST may turn one
		// route into another.
		runtime.WithDisableHTTPMethodOverride(),
		runtime.WithDisablePathLengthFallback(),
		runtime.WithMiddlewares(nameRoute),
	)
}

// Handler serves /api/.
func (g *Gateway) Handler() http.Handler { return g.handler }

// Close closes the upstream connections.
func (g *Gateway) Close() error {
	var errs []error
	for _, cc := range g.conns {
		errs = append(errs, cc.Close())
	}
	g.conns = nil
	return errors.Join(errs...)
}

// incomingHeader forwards only the headers the services read. Authorization is
// always forwarded by grpc-gateway itself, and x-forwarded-for is derived by it from
// the connection; nothing else a client sends becomes gRPC metadata.
func incomingHeader(key string) (string, bool) {
	if strings.EqualFold(key, "idempotency-key") {
		return "idempotency-key", true
	}
	return "", false
}

// HealthCheck is a readiness check asking the grpc.health.v1 service behind cc
// whether the whole server is SERVING.
func HealthCheck(cc grpc.ClientConnInterface) obs.Check {
	hc := healthpb.NewHealthClient(cc)
	return func(ctx context.Context) error {
		resp, err := hc.Check(ctx, &healthpb.HealthCheckRequest{})
		if err != nil {
			return err
		}
		if s := resp.GetStatus(); s != healthpb.HealthCheckResponse_SERVING {
			return fmt.Errorf("health status %s", s)
		}
		return nil
	}
}

func dropMetadata(string) (string, bool) { return "", false }

// untrustedForwarding drops client-supplied X-Forwarded-* headers when the edge is
// not behind a trusted proxy, so the client address the services see and audit is
// the TCP peer, not whatever the caller claims.
func untrustedForwarding(trustProxy bool, next http.Handler) http.Handler {
	if trustProxy {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("X-Forwarded-For")
		r.Header.Del("X-Forwarded-Host")
		next.ServeHTTP(w, r)
	})
}

// noStore keeps API answers (keys, whoami) out of every cache.
func noStore(_ context.Context, w http.ResponseWriter, _ proto.Message) error {
	w.Header()["Cache-Control"] = noStoreValue
	return nil
}

var noStoreValue = []string{"no-store"} // shared: never modified

// nameRoute labels the access log and metrics with the matched REST pattern.
func nameRoute(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		if p, ok := runtime.HTTPPattern(r.Context()); ok {
			accesslog.SetRoute(r.Context(), r.Method+" "+p.String())
		}
		next(w, r, params)
	}
}
