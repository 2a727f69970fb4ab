package server

import (
	"context"
	"errors"
	"io"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/services/quote/internal/quotefanout"
	"google.golang.org/grpc"
)

// StreamPushes feeds one edge: each request names the sessions it hosts (replacing
// the previous set); the answer is every push for their union, their subscription
// changes and notifications. A stream that falls too far behind on frames that must
// not be dropped ends with ResourceExhausted (stream_overflow); the edge reconnects.
func (s *Server) StreamPushes(stream grpc.BidiStreamingServer[gatewayv1.StreamPushesRequest, gatewayv1.QuotePush]) error {
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	feed := s.o.Hub.Open()
	defer feed.Close()

	// The receiver ends when the RPC ends (Recv fails then); an error other than the
	// edge half-closing stops the sender too.
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil {
				if ctx.Err() == nil && !errors.Is(err, io.EOF) {
					cancel()
				}
				return
			}
			feed.SetSessions(req.GetSessionIds())
		}
	}()

	return forward(ctx, feed, stream)
}

// pushSender is either kind of quote push stream.
type pushSender interface {
	Send(*gatewayv1.QuotePush) error
}

// forward sends feed's frames to stream until ctx ends or the feed fails.
func forward(ctx context.Context, feed *quotefanout.Stream, stream pushSender) error {
	for {
		m, err := feed.Next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return toStatus(err)
		}
		if err := stream.Send(m); err != nil {
			return err
		}
	}
}

// WatchQuotes is StreamPushes for one internal tool: the caller's own session,
// fixed for the stream's life. The authn interceptor ends it when the key expires or
// is revoked.
func (s *Server) WatchQuotes(_ *gatewayv1.WatchQuotesRequest, stream grpc.ServerStreamingServer[gatewayv1.QuotePush]) error {
	p, err := authn.FromContext(stream.Context())
	if err != nil {
		return err
	}
	s.seen(p)
	feed := s.o.Hub.Open()
	defer feed.Close()
	feed.SetSessions([]string{p.Session()})
	return forward(stream.Context(), feed, stream)
}
