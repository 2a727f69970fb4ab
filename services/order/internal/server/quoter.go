package server

import (
	"context"
	"strings"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/services/order/internal/placer"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

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
