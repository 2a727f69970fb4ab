// Package server implements gatewayv1.QuoteService over the subscription registry, the
// fan-out hub and the OpenD connection: it validates requests, reads the caller's
// session from the authenticated principal and maps domain errors to gRPC statuses.
package server

import (
	"cmp"
	"context"
	"log/slog"
	"sync"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/catalog"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/quote/internal/quotefanout"
	"github.com/futugw/gateway/services/quote/internal/readguard"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"github.com/futugw/gateway/services/quote/internal/substore"
	"google.golang.org/protobuf/proto"
)

// OpenD is the request side of the OpenD connection.
type OpenD interface {
	Call(ctx context.Context, protoID uint32, req, resp proto.Message) error
}

// Options configure a Server. Registry, Hub and OpenD are required.
type Options struct {
	Registry *subs.Registry
	Hub      *quotefanout.Hub
	OpenD    OpenD
	// Sessions is told the key of every subscription request, so that its
	// subscriptions end with them; nil when nothing ends sessions.
	Sessions *subs.Lifetimes
	// Saves, when set, is flushed before Subscribe and Unsubscribe answer, so a
	// change acknowledged survives a restart of the service (unless Redis is down).
	Saves *substore.Writer
	// Fresh is how old a pushed quote may be and still answer GetBasicQuote; 5s when
	// zero.
	Fresh time.Duration
	// Guard keeps catalog answers and paces the catalog's OpenD requests below
	// OpenD's frequency limits; nil sends every uncoalesced call to OpenD.
	Guard *readguard.Guard
	// CallTimeout bounds each OpenD request a handler makes; 5s when zero.
	CallTimeout time.Duration
	Now         func() time.Time
	Logger      *slog.Logger
}

// Server is the QuoteService.
type Server struct {
	gatewayv1.UnimplementedQuoteServiceServer
	o Options

	staticMu sync.RWMutex
	static   map[subs.Security]*qotcommon.SecurityStaticBasic // static info never changes intraday

	coalesce catalog.Coalescer // the catalog routes' shared OpenD requests
}

// New returns a Server.
func New(o Options) *Server {
	o.Fresh = cmp.Or(o.Fresh, 5*time.Second)
	o.CallTimeout = cmp.Or(o.CallTimeout, 5*time.Second)
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Logger = obs.OrDiscard(o.Logger)
	s := &Server{o: o, static: make(map[subs.Security]*qotcommon.SecurityStaticBasic)}
	if o.Guard != nil {
		s.coalesce.Shared = o.Guard.Coalesced
	}
	return s
}

// seen records the caller's key for its session's lifetime.
func (s *Server) seen(p *authn.Principal) {
	if s.o.Sessions != nil {
		s.o.Sessions.Seen(p.Session(), p.TokenHash, p.ExpiresAt)
	}
}

// saved waits, within ctx, for session's changes to be saved. Its failure is not the
// caller's: the subscription works without it, and the store logs and retries.
func (s *Server) saved(ctx context.Context, session string) {
	if s.o.Saves != nil {
		_ = s.o.Saves.Flush(ctx, session)
	}
}

// call bounds an OpenD request by CallTimeout (or the caller's earlier deadline).
func (s *Server) call(ctx context.Context, protoID uint32, req, resp proto.Message) error {
	ctx, cancel := context.WithTimeout(ctx, s.o.CallTimeout)
	defer cancel()
	return s.o.OpenD.Call(ctx, protoID, req, resp)
}
