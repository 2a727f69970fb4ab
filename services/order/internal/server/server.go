// Package server implements the OrderService and AccountService gRPC handlers: it
// normalises requests, runs the key's checks and counted limits (package limits),
// makes placement idempotent (package idem), places through OpenD (package placer),
// audits every attempt and maps domain errors to statuses with a stable reason.
package server

import (
	"context"
	"log/slog"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
	"github.com/futugw/gateway/services/order/internal/tradefanout"
)

// Quoter values market orders: the current price of a security ("HK.00700"), ok
// false when there is none.
type Quoter interface {
	Price(ctx context.Context, secKey string, qotMarket int32, code string) (price float64, ok bool, err error)
}

// Auditor appends audit entries: an *audit.Log (synchronous) or an *audit.Writer
// (queued, written off the request path, nothing dropped).
type Auditor interface {
	Append(ctx context.Context, e audit.Entry) error
}

// Deps is what the server is built from. All are required except Now and Logger.
type Deps struct {
	Placer  *placer.Placer
	Counter *limits.Counter
	Idem    *idem.Store
	Audit   Auditor
	Quoter  Quoter
	Hub     *tradefanout.Hub
	Metrics *Metrics
	HoursTZ *time.Location
	Now     func() time.Time
	Logger  *slog.Logger
}

// Server implements gatewayv1.OrderServiceServer and gatewayv1.AccountServiceServer.
type Server struct {
	gatewayv1.UnimplementedOrderServiceServer
	gatewayv1.UnimplementedAccountServiceServer
	d Deps
}

// New returns a Server.
func New(d Deps) *Server {
	if d.Now == nil {
		d.Now = time.Now
	}
	d.Logger = obs.OrDiscard(d.Logger)
	if d.HoursTZ == nil {
		d.HoursTZ = time.UTC
	}
	if d.Metrics == nil {
		d.Metrics = NewMetrics(nil)
	}
	return &Server{d: d}
}

// detached returns a context for bookkeeping that must finish even when the caller
// went away (releasing reservations, recording results, auditing).
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
}
