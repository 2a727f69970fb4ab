package ws

import (
	"strconv"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/edge/internal/sdk/frame"
	"github.com/futugw/gateway/services/edge/internal/ws/outq"
	"github.com/futugw/gateway/services/edge/internal/ws/pushframe"
)

// subTypeOf names the sub type of a push that arrived without one, from the
// protocol table.
func subTypeOf(p *gatewayv1.QuotePush) int32 {
	if p.GetSubType() != 0 {
		return p.GetSubType()
	}
	return protoid.SubTypeOf(p.GetProtoId())
}

// onQuotePush dispatches one message of the quote stream.
func (h *Hub) onQuotePush(p *gatewayv1.QuotePush) {
	switch {
	case p.GetSessionSubs() != nil:
		h.onSessionSubs(p.GetSessionSubs())
	case p.GetNotify().GetSessionId() != "":
		h.notifySession(p.GetNotify().GetSessionId(), pushframe.Notify(p.GetNotify().GetEvent(), p.GetNotify().GetMessage()))
	case p.GetNotify() != nil:
		h.broadcast(pushframe.Notify(p.GetNotify().GetEvent(), p.GetNotify().GetMessage()), false)
	case p.GetProtoId() == protoid.QotUpdatePriceReminder:
		h.onReminder(p)
	case p.GetSecKey() != "":
		h.onQuote(p)
	}
}

// onSessionSubs replaces a hosted session's subscription set; its sockets start and
// stop receiving at once.
func (h *Hub) onSessionSubs(ss *gatewayv1.SessionSubscriptions) {
	subs := make(map[subKey]struct{}, len(ss.GetSubscriptions()))
	for _, s := range ss.GetSubscriptions() {
		subs[subKey{secKey: s.GetSecKey(), subType: s.GetSubType()}] = struct{}{}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if sess := h.sessions[ss.GetSessionId()]; sess != nil {
		h.setSubsLocked(sess, subs)
	}
}

// onQuote builds the frame once and queues the same bytes on every socket of every
// session subscribed to this security and sub type. A slow socket keeps the latest
// frame per (security, push type, sub type): the latest quote, order book, broker
// queue, RT minute and, per K-line period, bar; tickers are never conflated (each is
// a trade): they queue in order, and those a full queue drops are announced by a gap
// frame.
func (h *Hub) onQuote(p *gatewayv1.QuotePush) {
	key := subKey{secKey: p.GetSecKey(), subType: subTypeOf(p)}
	qk := outq.Key{SecKey: p.GetSecKey(), ProtoID: p.GetProtoId(), SubType: key.subType}
	tick := p.GetProtoId() == protoid.QotUpdateTicker
	f := quoteFrames{h: h, p: p}
	h.mu.RLock()
	defer h.mu.RUnlock()
	for sess := range h.bySub[key] {
		for s := range sess.sockets {
			if s.muted != nil {
				if _, off := s.muted[key]; off {
					continue
				}
			}
			it := f.of(s)
			if it.Data == nil {
				continue // undecodable push, logged once in quoteItem
			}
			if tick {
				if s.q.PushTick(qk, it) {
					h.m.ticksDropped.Inc()
				}
			} else if s.q.PushQuote(qk, it) {
				h.m.conflated.Inc()
			}
		}
	}
}

// onReminder queues a price reminder (3019) on every socket: OpenD pushes reminders
// to every connection of the user, and every socket's key has qot:read. A reminder
// is an event, never conflated: a socket that cannot take it is closed.
func (h *Hub) onReminder(p *gatewayv1.QuotePush) {
	f := quoteFrames{h: h, p: p}
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.all {
		if it := f.of(s); it.Data != nil && !s.q.Push(it) {
			s.requestClose(closeTooSlow)
		}
	}
}

// gapItem is the frame standing for missed ticks of k dropped by a slow socket.
func gapItem(k outq.Key, missed uint64) *outq.Item {
	return &outq.Item{Data: pushframe.Gap(k.ProtoID, k.SecKey, missed), Kind: kindGap}
}

// quoteFrames builds a quote push's two frames at most once each, when a socket
// first wants that form: base64 of the OpenD body, or the body decoded to JSON.
type quoteFrames struct {
	h                   *Hub
	p                   *gatewayv1.QuotePush
	plain, decoded, sdk *outq.Item
}

func (f *quoteFrames) of(s *socket) *outq.Item {
	if s.sdk {
		if f.sdk == nil {
			f.sdk = &outq.Item{Data: frame.Push(f.p.GetProtoId(), f.p.GetBody()), Kind: kindQuote, Received: f.p.GetReceivedUnixNano()}
		}
		return f.sdk
	}
	if s.json {
		if f.decoded == nil {
			f.decoded = f.h.quoteItem(f.p, pushframe.QuoteJSON)
		}
		return f.decoded
	}
	if f.plain == nil {
		f.plain = f.h.quoteItem(f.p, pushframe.Quote)
	}
	return f.plain
}

func (h *Hub) quoteItem(p *gatewayv1.QuotePush, build func(*gatewayv1.QuotePush) ([]byte, error)) *outq.Item {
	b, err := build(p)
	if err != nil {
		h.opts.Logger.Warn("quote push dropped: cannot build frame", "sec_key", p.GetSecKey(),
			"proto_id", p.GetProtoId(), obs.Err(err))
	}
	return &outq.Item{Data: b, Kind: kindQuote, Received: p.GetReceivedUnixNano()}
}

// onTrade queues a trade frame on every socket allowed to see the account. A socket
// that cannot take it is closed: trade events are never dropped silently.
func (h *Hub) onTrade(p *gatewayv1.TradePush) {
	b, err := pushframe.Trade(p)
	if err != nil {
		h.opts.Logger.Warn("trade push dropped: cannot build frame", obs.Err(err))
		return
	}
	it := &outq.Item{Data: b, Kind: kindTrade}
	var sdkIt *outq.Item // built for the first SDK socket, shared by the others
	acc := strconv.FormatUint(p.GetAccId(), 10)
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.traders {
		if !s.wantsTrade(acc) {
			continue
		}
		sit := it
		if s.sdk {
			if sdkIt == nil {
				sdkIt = &outq.Item{Data: frame.Push(p.GetProtoId(), p.GetBody()), Kind: kindTrade}
			}
			sit = sdkIt
		}
		if !s.q.Push(sit) {
			s.requestClose(closeTooSlow)
		}
	}
}

// notifySession queues a notify frame on the sockets of one session only (a quota
// refusal concerns the session that asked, not every browser on this edge).
func (h *Hub) notifySession(id string, b []byte) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if sess := h.sessions[id]; sess != nil {
		pushOrClose(sess.sockets, &outq.Item{Data: b, Kind: kindNotify})
	}
}

// broadcast queues a notification on every socket (only acc:read ones with
// tradersOnly).
func (h *Hub) broadcast(b []byte, tradersOnly bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	set := h.all
	if tradersOnly {
		set = h.traders
	}
	pushOrClose(set, &outq.Item{Data: b, Kind: kindNotify})
}

// pushOrClose queues a frame that must not be lost on every socket of set, closing
// those that cannot take it. The hub's lock is held. These JSON notices have no
// place in the SDK protocol: SDK sockets are left out.
func pushOrClose(set map[*socket]struct{}, it *outq.Item) {
	for s := range set {
		if s.sdk {
			continue
		}
		if !s.q.Push(it) {
			s.requestClose(closeTooSlow)
		}
	}
}
