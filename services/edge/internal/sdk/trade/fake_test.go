package trade

import (
	"context"
	"net"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
)

// fake is the three services in one process: it records each call (method, request,
// the idempotency-key metadata) and answers what the test set, or err.
type fake struct {
	gatewayv1.UnimplementedOrderServiceServer
	gatewayv1.UnimplementedAccountServiceServer
	gatewayv1.UnimplementedQuoteServiceServer

	mu    sync.Mutex
	calls []call
	err   error
	resp  proto.Message
}

type call struct {
	method string
	req    proto.Message
	key    string // the idempotency-key metadata
}

func (f *fake) record(ctx context.Context, method string, req proto.Message) error {
	md, _ := metadata.FromIncomingContext(ctx)
	k := ""
	if v := md.Get(idempotencyHeader); len(v) > 0 {
		k = v[0]
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call{method, req, k})
	return f.err
}

func (f *fake) took() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// answer is f.resp as T, or a new T when the test set none.
func answer[T proto.Message](f *fake, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if r, ok := f.resp.(T); ok {
		return r, nil
	}
	return zero.ProtoReflect().Type().New().Interface().(T), nil
}

func (f *fake) PlaceOrder(ctx context.Context, r *gatewayv1.PlaceOrderRequest) (*gatewayv1.PlaceOrderResponse, error) {
	return answer[*gatewayv1.PlaceOrderResponse](f, f.record(ctx, "PlaceOrder", r))
}
func (f *fake) ModifyOrder(ctx context.Context, r *gatewayv1.ModifyOrderRequest) (*gatewayv1.ModifyOrderResponse, error) {
	return answer[*gatewayv1.ModifyOrderResponse](f, f.record(ctx, "ModifyOrder", r))
}
func (f *fake) CancelOrder(ctx context.Context, r *gatewayv1.CancelOrderRequest) (*gatewayv1.ModifyOrderResponse, error) {
	return answer[*gatewayv1.ModifyOrderResponse](f, f.record(ctx, "CancelOrder", r))
}
func (f *fake) CancelAllOrder(ctx context.Context, r *gatewayv1.CancelAllOrderRequest) (*gatewayv1.CancelAllOrderResponse, error) {
	return answer[*gatewayv1.CancelAllOrderResponse](f, f.record(ctx, "CancelAllOrder", r))
}
func (f *fake) ListOrders(ctx context.Context, r *gatewayv1.ListOrdersRequest) (*gatewayv1.ListOrdersResponse, error) {
	return answer[*gatewayv1.ListOrdersResponse](f, f.record(ctx, "ListOrders", r))
}
func (f *fake) ListOrderFills(ctx context.Context, r *gatewayv1.ListOrderFillsRequest) (*gatewayv1.ListOrderFillsResponse, error) {
	return answer[*gatewayv1.ListOrderFillsResponse](f, f.record(ctx, "ListOrderFills", r))
}
func (f *fake) ListAccounts(ctx context.Context, r *gatewayv1.ListAccountsRequest) (*gatewayv1.ListAccountsResponse, error) {
	return answer[*gatewayv1.ListAccountsResponse](f, f.record(ctx, "ListAccounts", r))
}
func (f *fake) GetFunds(ctx context.Context, r *gatewayv1.GetFundsRequest) (*gatewayv1.GetFundsResponse, error) {
	return answer[*gatewayv1.GetFundsResponse](f, f.record(ctx, "GetFunds", r))
}
func (f *fake) GetPositions(ctx context.Context, r *gatewayv1.GetPositionsRequest) (*gatewayv1.GetPositionsResponse, error) {
	return answer[*gatewayv1.GetPositionsResponse](f, f.record(ctx, "GetPositions", r))
}
func (f *fake) GetBasicQuote(ctx context.Context, r *gatewayv1.GetBasicQuoteRequest) (*gatewayv1.GetBasicQuoteResponse, error) {
	return answer[*gatewayv1.GetBasicQuoteResponse](f, f.record(ctx, "GetBasicQuote", r))
}
func (f *fake) GetStaticInfo(ctx context.Context, r *gatewayv1.GetStaticInfoRequest) (*gatewayv1.GetStaticInfoResponse, error) {
	return answer[*gatewayv1.GetStaticInfoResponse](f, f.record(ctx, "GetStaticInfo", r))
}

// startFake serves f on an in-memory listener and returns the Conns to it.
func startFake(t *testing.T, f *fake) sdkcall.Conns {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer()
	gatewayv1.RegisterOrderServiceServer(srv, f)
	gatewayv1.RegisterAccountServiceServer(srv, f)
	gatewayv1.RegisterQuoteServiceServer(srv, f)
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(lis) }()
	cc, err := grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cc.Close()
		srv.Stop()
		<-done
	})
	return sdkcall.Conns{Order: cc, Quote: cc}
}
