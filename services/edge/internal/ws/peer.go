package ws

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/grpc/codes"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/edge/internal/ws/outq"
)

// Peer is a socket of Futu's official JavaScript SDK (package sdk speaks its
// protocol) hosted by the hub beside the /ws sockets: the same session routing, push
// fan-out (each push framed once per edge in the SDK form), slow-socket queue,
// keepalive, expiry and revocation closes. Its reader is package sdk's; only the
// hub's writer writes to the connection.
type Peer struct{ s *socket }

// ErrTooManySockets refuses an Attach over the key's MaxSocketsPerKey.
var ErrTooManySockets = errors.New("too many sockets")

// ErrClosing refuses an Attach while the hub shuts down.
var ErrClosing = errors.New("the edge is shutting down")

// Attach hosts an SDK socket whose key (token, a session key; never logged) p
// describes. read runs on its own goroutine as the socket's reader until the
// connection closes (every close path closes it); it answers through Send. Attach
// returns at once; the hub owns the socket from then on (Close waits for it), and
// done runs once the connection is closed, before the hub's Close returns.
func (h *Hub) Attach(conn *websocket.Conn, p *authn.Principal, token string, read func(*Peer), done func()) (*Peer, error) {
	if !h.reserve(p.Owner()) {
		return nil, fmt.Errorf("%w: this key already has %d live-data sockets open", ErrTooManySockets, h.opts.MaxSocketsPerKey)
	}
	s := newSocket(h, conn, p, token, false)
	s.sdk = true
	s.q.SetGap(nil) // a gap notice has no SDK form
	peer := &Peer{s: s}
	s.read = func() { read(peer) }
	if !h.add(s) {
		h.unreserve(p.Owner())
		return nil, ErrClosing
	}
	go func() {
		s.run()
		if done != nil {
			done() // before remove: the hub's Close waits for it
		}
		h.remove(s)
	}()
	return peer, nil
}

// Send queues an answer frame (never dropped); a socket that cannot take it is
// closed as too slow, and Send reports false.
func (p *Peer) Send(b []byte) bool {
	if p.s.q.Push(&outq.Item{Data: b, Kind: kindReply}) {
		return true
	}
	p.s.requestClose(closeTooSlow)
	return false
}

// Rekey moves the socket to its refreshed session key: revocations and the expiry
// follow the new key from now on.
func (p *Peer) Rekey(token string, pr *authn.Principal) {
	s, h := p.s, p.s.h
	h.mu.Lock()
	defer h.mu.Unlock()
	removeFrom(h.byToken, s.tokenHash, s)
	s.token, s.tokenHash, s.expires = token, authn.HashToken(token), pr.ExpiresAt
	addTo(h.byToken, s.tokenHash, s)
}

// SubscribeAccounts replaces the accounts whose order and fill pushes the SDK socket
// receives: the whole list each time, as OpenD's Trd_SubAccPush takes it, and none
// before the first. The key needs acc:read and every account must be one it may
// see; a refused list leaves the subscription as it was.
func (p *Peer) SubscribeAccounts(accIDs []uint64) error {
	s := p.s
	if !s.trades {
		return errinfo.New(codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED, "trade pushes need the acc:read scope")
	}
	accs := make([]string, 0, len(accIDs))
	for _, id := range accIDs {
		acc := strconv.FormatUint(id, 10)
		if !s.maySee(acc) {
			return errinfo.Newf(codes.PermissionDenied, gatewayv1.Reason_REASON_ACCOUNT_NOT_ALLOWED, "account %s is not in this key's allowed_acc_ids", acc)
		}
		if !slices.Contains(accs, acc) {
			accs = append(accs, acc)
		}
	}
	s.h.mu.Lock()
	s.subAcc = accs
	s.h.mu.Unlock()
	return nil
}

// RegisterQuotePush registers (on) or unregisters the SDK socket's pushes of the
// named securities' sub types, as OpenD's Qot_RegQotPush and Qot_Sub's
// isRegOrUnRegPush do per connection: an unregistered pair stays subscribed but its
// pushes skip this socket. A subscription's pushes are registered until unregistered.
func (p *Peer) RegisterQuotePush(secKeys []string, subTypes []int32, on bool) {
	s := p.s
	s.h.mu.Lock()
	defer s.h.mu.Unlock()
	for _, k := range secKeys {
		for _, t := range subTypes {
			key := subKey{secKey: k, subType: t}
			switch {
			case !on && s.muted == nil:
				s.muted = map[subKey]struct{}{key: {}}
			case !on:
				s.muted[key] = struct{}{}
			default:
				delete(s.muted, key)
			}
		}
	}
	if len(s.muted) == 0 {
		s.muted = nil // the fan-out's fast path
	}
}

// ResetQuotePush registers every push again (Qot_Sub's isUnsubAll).
func (p *Peer) ResetQuotePush() {
	p.s.h.mu.Lock()
	p.s.muted = nil
	p.s.h.mu.Unlock()
}

// Expires is when the socket's current key expires (zero: never).
func (p *Peer) Expires() time.Time {
	p.s.h.mu.RLock()
	defer p.s.h.mu.RUnlock()
	return p.s.expires
}

// Closed is closed once the edge has decided to close the socket (revoked,
// expired, too slow, shutting down) or Close was called.
func (p *Peer) Closed() <-chan struct{} { return p.s.closeReq }

// Close asks the writer to close the socket with code and reason (a malformed
// frame, say; a reason stays under 123 bytes); the first reason to close wins.
func (p *Peer) Close(code websocket.StatusCode, reason string) {
	s := p.s
	s.closeOnce.Do(func() {
		s.why, s.whyCode, s.whyText = closeProtocol, code, reason
		close(s.closeReq)
	})
}
