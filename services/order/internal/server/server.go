// Package server implements the OrderService and AccountService gRPC handlers: it
// normalises requests, runs the key's checks and counted limits (package limits),
// makes placement idempotent (package idem), places through OpenD (package placer),
// audits every attempt and maps domain errors to statuses with a stable reason.
package server

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/freqlimit"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/platform/ratewindow"
	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
	"github.com/futugw/gateway/services/order/internal/tradefanout"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
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

// Deps is what the server is built from. All are required except Now, Logger and
// Redis.
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
	// Redis holds the windows pacing the catalog's account reads below OpenD's
	// limits, shared with every order and quote replica; nil paces in process.
	Redis redis.UniversalClient
}

// Server implements gatewayv1.OrderServiceServer and gatewayv1.AccountServiceServer.
type Server struct {
	gatewayv1.UnimplementedOrderServiceServer
	gatewayv1.UnimplementedAccountServiceServer
	d     Deps
	reads *freqlimit.Pacer // paces the catalog's account reads below OpenD's limits
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
	// The order service runs as one process per OpenD: while Redis is unavailable
	// it paces its reads alone at the whole of readLimits.
	po := freqlimit.PacerOptions{Limits: readLimits, Local: readLimits, Now: d.Now, OnFallback: d.Metrics.paceFallback}
	if d.Redis != nil {
		po.Shared = ratewindow.New(d.Redis, ratewindow.Options{})
	}
	return &Server{d: d, reads: freqlimit.NewPacer(po)}
}

// detached returns a context for bookkeeping that must finish even when the caller
// went away (releasing reservations, recording results, auditing).
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
}

// Metrics of the order service.
type Metrics struct {
	orders    *prometheus.CounterVec
	placement prometheus.Histogram
	script    prometheus.Histogram
	fallbacks *prometheus.CounterVec
	estimates *prometheus.CounterVec
}

// NewMetrics makes the metrics and registers them on reg (when not nil).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		orders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "futugw_order_orders_total",
			Help: "Order placement attempts by result (placed, refused, replayed, unknown, failed) and reason.",
		}, []string{"result", "reason"}),
		placement: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "futugw_order_placement_seconds",
			Help:    "From receipt of PlaceOrder to OpenD's acknowledgement, for placed orders.",
			Buckets: []float64{.0002, .0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
		script: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "futugw_order_limit_script_seconds",
			Help:    "Latency of the Redis script that checks and reserves the counted limits.",
			Buckets: []float64{.0001, .0002, .0005, .001, .002, .005, .01, .05, .25},
		}),
		fallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "futugw_order_read_pacing_fallbacks_total",
			Help: "Catalog account reads paced in this process because the shared windows in Redis were unavailable or slow, by OpenD proto id.",
		}, []string{"proto_id"}),
		estimates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "futugw_order_fee_estimates_total",
			Help: "Order fee estimates by result (estimated, refused, failed) and reason.",
		}, []string{"result", "reason"}),
	}
	if reg != nil {
		reg.MustRegister(m.orders, m.placement, m.script, m.fallbacks, m.estimates)
	}
	return m
}

func (m *Metrics) paceFallback(protoID uint32) {
	m.fallbacks.WithLabelValues(strconv.FormatUint(uint64(protoID), 10)).Inc()
}

// ObserveScript records one limit-script run.
func (m *Metrics) ObserveScript(d time.Duration) { m.script.Observe(d.Seconds()) }

// quoteTimeout bounds one valuation call.
const quoteTimeout = 2 * time.Second

// QuoteServiceQuoter values market orders with QuoteService.GetBasicQuote, calling
// with the order service's own service key.
type QuoteServiceQuoter struct {
	client     gatewayv1.QuoteServiceClient
	serviceKey string
}

// NewQuoteServiceQuoter returns a Quoter over cc authenticating with serviceKey.
func NewQuoteServiceQuoter(cc grpc.ClientConnInterface, serviceKey string) *QuoteServiceQuoter {
	return &QuoteServiceQuoter{client: gatewayv1.NewQuoteServiceClient(cc), serviceKey: serviceKey}
}

// Price implements Quoter.
func (q *QuoteServiceQuoter) Price(ctx context.Context, secKey string, qotMarket int32, code string) (float64, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, quoteTimeout)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+q.serviceKey)
	resp, err := q.client.GetBasicQuote(ctx, &gatewayv1.GetBasicQuoteRequest{
		SecurityList: []*gatewayv1.Security{{Market: qotMarket, Code: code}},
	})
	if err != nil {
		return 0, false, err
	}
	for _, bq := range resp.GetQuotes() {
		if strings.EqualFold(bq.GetSecKey(), secKey) || bq.GetSecurity().GetCode() == code {
			return bq.GetCurPrice(), bq.GetCurPrice() > 0, nil
		}
	}
	return 0, false, nil
}

// SnapshotQuoter values market orders with OpenD's security snapshot over the
// order service's own connection (when no quote service is configured).
type SnapshotQuoter struct{ P *placer.Placer }

// Price implements Quoter.
func (q SnapshotQuoter) Price(ctx context.Context, _ string, qotMarket int32, code string) (float64, bool, error) {
	s, err := q.P.Snapshot(ctx, qotMarket, code)
	if err != nil {
		return 0, false, err
	}
	return s.CurPrice, s.CurPrice > 0, nil
}
