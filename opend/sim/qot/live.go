package qot

import (
	"sync"

	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// liveState keeps the recent past that the live pulls answer from: each
// security's latest trades (what Qot_UpdateTicker pushed, for Qot_GetTicker)
// and today's time-share (Qot_UpdateRT / Qot_GetRT). The push path writes
// both, so a pull always agrees with the pushes before it. A security gets
// its history when first subscribed to Ticker or RT and keeps it for the life
// of the service: OpenD's own cache does the same, and it bounds memory by the
// securities ever subscribed rather than the whole universe.
type liveState struct {
	mu    sync.Mutex
	ticks map[string]*tickRing
}

func (s *Service) registerLive() {
	s.live = &liveState{ticks: make(map[string]*tickRing)}
	s.srv.Handle(protoid.QotGetTicker, s.getTicker)
	s.srv.Handle(protoid.QotGetOrderBook, s.getOrderBook)
	s.srv.Handle(protoid.QotGetRT, s.getRT)
	s.srv.Handle(protoid.QotGetBroker, s.getBroker)
}

// startLive starts the history of newly subscribed pairs, seeded with the
// security's latest trade: the one a first push sends.
func (s *Service) startLive(fresh []pair) {
	for _, p := range fresh {
		if p.subType != SubTicker && p.subType != SubRT {
			continue
		}
		q, ok := s.m.QuoteByKey(p.key)
		if !ok {
			continue
		}
		if p.subType == SubTicker {
			s.live.ring(p.key, true).add(tickRec{q, s.pushes.direction(q, false)})
		} else if series, ok := s.kl.book.series(p.key); ok {
			s.kl.book.ensure(series) // RT reads the K-line Builder's minutes
		}
	}
}

// liveTick records one step of the walk and pushes broker and odd-lot updates to
// the connections registered for them. Called by fanOut for every step with
// the ticker direction it computed; each packet is encoded once per step.
func (s *Service) liveTick(q market.Quote, dir int32, targets []target[*server.Conn]) {
	if r := s.live.ring(q.Key(), false); r != nil {
		r.add(tickRec{q, dir})
	}
	var brokers, odd []byte
	for _, t := range targets {
		if t.mask&maskOf(SubBroker) != 0 && q.Market == market.MarketHK {
			if brokers == nil {
				brokers = s.encode(protoid.QotUpdateBroker, brokerPush(q))
			}
			s.pushFrame(t.conn, brokers)
		}
		if t.mask&maskOf(SubOrderBookOdd) != 0 && q.Market == market.MarketHK {
			if odd == nil {
				odd = s.encode(protoid.QotUpdateOrderBook, oddBookPush(q))
			}
			s.pushFrame(t.conn, odd)
		}
	}
}

// firstLivePush sends the latest ticker, RT point, broker queue or odd-lot
// book right after a subscription, as OpenD's first push does.
func (s *Service) firstLivePush(c *server.Conn, subType int32, q market.Quote) error {
	switch {
	case subType == SubTicker:
		return c.Push(protoid.QotUpdateTicker, tickerPush(s.latestTick(q)))
	case subType == SubRT:
		if msg := s.rtPush(q); msg != nil {
			return c.Push(protoid.QotUpdateRT, msg)
		}
	case subType == SubBroker && q.Market == market.MarketHK:
		return c.Push(protoid.QotUpdateBroker, brokerPush(q))
	case subType == SubOrderBookOdd && q.Market == market.MarketHK:
		return c.Push(protoid.QotUpdateOrderBook, oddBookPush(q))
	}
	return nil
}

// latestTick is the trade a first Ticker push repeats: the ring's latest, so
// its direction is the one the step's push carried (a direction recomputed
// after the step would always read neutral).
func (s *Service) latestTick(q market.Quote) (market.Quote, int32) {
	if r := s.live.ring(q.Key(), false); r != nil {
		if last := r.latest(1); len(last) == 1 && last[0].q.Seq == q.Seq {
			return last[0].q, last[0].dir
		}
	}
	return q, s.pushes.direction(q, false)
}

// encodeIf encodes msg unless it is nil (nothing to push yet).
func (s *Service) encodeIf(protoID uint32, msg proto.Message) []byte {
	if msg == nil || !msg.ProtoReflect().IsValid() {
		return nil
	}
	return s.encode(protoID, msg)
}

// ring returns key's ticker ring, creating it when create is set.
func (l *liveState) ring(key string, create bool) *tickRing {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.ticks[key]
	if r == nil && create {
		r = &tickRing{}
		l.ticks[key] = r
	}
	return r
}

// needSub refuses data a connection has not subscribed to, with the wording
// of the existing Qot_GetBasicQot refusal.
func (s *Service) needSub(c *server.Conn, key string, subType int32) error {
	if s.subs.subscribed(c, pair{key, subType}) {
		return nil
	}
	return failf(codeNotSubscribed,
		"%s is not subscribed to %s on this connection; subscribe with Qot_Sub (subType %d) first",
		key, subTypeName(subType), subType)
}
