package server

import (
	"sync"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/catalog"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/keypolicy"
)

// TestCatalogAccountReads: the generic account handler reads through OpenD for an
// allowed account and refuses every other before OpenD hears of it.
func TestCatalogAccountReads(t *testing.T) {
	e := newEnv(t)
	route, ok := catalog.ByMethod("/futu.gateway.catalog.v1.AccountCatalogService/GetHistoryOrderList")
	if !ok {
		t.Fatal("no GetHistoryOrderList route")
	}
	req := func(acc uint64, mkt catalogv1.TrdMarket) *catalogv1.GetHistoryOrderListRequest {
		r := &catalogv1.GetHistoryOrderListRequest{FilterConditions: &catalogv1.TrdFilterConditions{
			BeginTime: proto.String("2026-03-01 00:00:00"), EndTime: proto.String("2026-03-03 00:00:00")}}
		if acc != 0 {
			r.Header = &catalogv1.TrdHeader{TrdEnv: catalogv1.TrdEnv_TRD_ENV_SIMULATE.Enum(), AccId: proto.Uint64(acc), TrdMarket: mkt.Enum()}
		}
		return r
	}
	only1001 := &gatewayv1.KeyLimits{AllowedAccIds: []string{"1001"}}
	tests := []struct {
		name   string
		limits *gatewayv1.KeyLimits
		in     *catalogv1.GetHistoryOrderListRequest
		code   codes.Code
		reason gatewayv1.Reason
	}{
		{"allowed account", only1001, req(1001, catalogv1.TrdMarket_TRD_MARKET_HK), codes.OK, 0},
		{"any account without a list", nil, req(1002, catalogv1.TrdMarket_TRD_MARKET_US), codes.OK, 0},
		{"another account", only1001, req(1002, catalogv1.TrdMarket_TRD_MARKET_US), codes.PermissionDenied, gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED},
		{"no account", only1001, req(0, 0), codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT},
		{"a required field missing", nil, &catalogv1.GetHistoryOrderListRequest{Header: req(1001, catalogv1.TrdMarket_TRD_MARKET_HK).Header},
			codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT},
		{"refused by OpenD", nil, req(1001, catalogv1.TrdMarket_TRD_MARKET_US), codes.FailedPrecondition, gatewayv1.Reason_REASON_OPEND_REFUSED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.srv.Catalog(ctxFor("k", tt.limits, keypolicy.ScopeAccRead), route, tt.in)
			if status.Code(err) != tt.code || errinfo.Reason(err) != tt.reason {
				t.Fatalf("err %v (reason %v), want %v %v", err, errinfo.Reason(err), tt.code, tt.reason)
			}
			if err == nil {
				if h := out.(*catalogv1.GetHistoryOrderListResponse).GetHeader(); h.GetAccId() != tt.in.GetHeader().GetAccId() {
					t.Errorf("answer header %v", h)
				}
			}
		})
	}
}

// TestCatalogAccountReadsPaced: account reads are paced per account below OpenD's
// limit (Trd_GetHistoryOrderList: 10 per 30s per account, kept at 9): a burst on one
// account gets rate_limited refusals with a retry delay, and another account is
// unaffected. The window is in Redis: a second order server on the same Redis
// shares it, and paced alone each would have let the whole burst through.
func TestCatalogAccountReadsPaced(t *testing.T) {
	e := newEnv(t)
	d := e.srv.d
	twin := New(d)
	d.Redis = nil
	alone := []*Server{New(d), New(d)}
	route, _ := catalog.ByMethod("/futu.gateway.catalog.v1.AccountCatalogService/GetHistoryOrderList")
	req := func(acc uint64, mkt catalogv1.TrdMarket) *catalogv1.GetHistoryOrderListRequest {
		return &catalogv1.GetHistoryOrderListRequest{
			Header: &catalogv1.TrdHeader{TrdEnv: catalogv1.TrdEnv_TRD_ENV_SIMULATE.Enum(), AccId: proto.Uint64(acc), TrdMarket: mkt.Enum()},
			FilterConditions: &catalogv1.TrdFilterConditions{
				BeginTime: proto.String("2026-03-01 00:00:00"), EndTime: proto.String("2026-03-03 00:00:00")}}
	}
	ctx := ctxFor("k", nil, keypolicy.ScopeAccRead)
	burst := func(srvs ...*Server) (ok, limited int) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range 12 {
			s := srvs[i%len(srvs)]
			wg.Go(func() {
				_, err := s.Catalog(ctx, route, req(1001, catalogv1.TrdMarket_TRD_MARKET_HK))
				mu.Lock()
				defer mu.Unlock()
				switch d, has := errinfo.RetryAfter(err); {
				case err == nil:
					ok++
				case status.Code(err) == codes.ResourceExhausted && errinfo.Reason(err) == gatewayv1.Reason_REASON_RATE_LIMITED && has && d > 0:
					limited++
				default:
					t.Errorf("unexpected %v", err)
				}
			})
		}
		wg.Wait()
		return ok, limited
	}
	if ok, limited := burst(e.srv, twin); ok != 9 || limited != 3 {
		t.Fatalf("burst of 12 on one account over two servers: %d ok, %d rate_limited; want 9, 3", ok, limited)
	}
	if _, err := e.srv.Catalog(ctx, route, req(1002, catalogv1.TrdMarket_TRD_MARKET_US)); err != nil {
		t.Fatalf("another account: %v", err)
	}
	if ok, _ := burst(alone...); ok != 12 {
		t.Fatalf("paced per process: %d of 12 ok, want all (6 each, below 9)", ok)
	}
}
