package qot

import (
	"context"
	"sync"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateorderbook"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateticker"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/platform/obs"
	"google.golang.org/protobuf/proto"
)

// maxCatchUp bounds how many steps per security one loop iteration makes up
// for after a stall, so a paused process does not flood its clients.
const maxCatchUp = 1000

// minTick is the loop's shortest timer period; faster push rates are reached
// by stepping several times per tick.
const minTick = time.Millisecond

// Run steps every subscribed security once per PushInterval and pushes the
// results to the connections registered for them, until ctx is done. The steps are
// spread evenly over the interval (K securities: one step every PushInterval/K, or
// several per minTick when that is shorter), so clients see a steady stream rather
// than one burst of K pushes per interval. Steps of the market made elsewhere (for
// example by the trade engine) are pushed too.
func (s *Service) Run(ctx context.Context) error {
	cancel := s.m.OnTick(s.fanOut)
	defer cancel()
	defer s.m.OnTick(s.klTick)()

	interval := s.cfg.PushInterval
	t := time.NewTicker(max(interval/time.Duration(max(len(s.m.Instruments()), 1)), minTick))
	defer t.Stop()
	last := time.Now()
	owed := 0.0 // steps due and not yet made
	next := 0   // round-robin position in the keys
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			keys := s.stepKeys()
			if len(keys) == 0 {
				owed, last = 0, now
				continue
			}
			owed += float64(now.Sub(last)) / float64(interval) * float64(len(keys))
			owed = min(owed, float64(maxCatchUp*len(keys)))
			last = now
			for ; owed >= 1; owed-- {
				if ctx.Err() != nil {
					return nil
				}
				s.m.Step(keys[next%len(keys)])
				next++
			}
		}
	}
}

// fanOut pushes one stepped quote to every registered connection. Each push
// is encoded once per step and the same packet is queued on every connection.
func (s *Service) fanOut(q market.Quote) {
	dir := s.pushes.direction(q, true)
	targets := s.subs.targets(nil, q.Key())
	s.liveTick(q, dir, targets)
	if len(targets) == 0 {
		return
	}
	var basic, books, ticks []byte
	for _, t := range targets {
		if t.mask&maskOf(SubBasic) != 0 {
			if basic == nil {
				basic = s.encode(protoid.QotUpdateBasicQot, basicQotPush(q))
			}
			s.pushFrame(t.conn, basic)
		}
		if t.mask&maskOf(SubOrderBook) != 0 {
			if books == nil {
				books = s.encode(protoid.QotUpdateOrderBook, s.orderBookPush(q))
			}
			s.pushFrame(t.conn, books)
		}
		if t.mask&maskOf(SubTicker) != 0 {
			if ticks == nil {
				ticks = s.encode(protoid.QotUpdateTicker, tickerPush(q, dir))
			}
			s.pushFrame(t.conn, ticks)
		}
	}
}

func (s *Service) encode(protoID uint32, msg proto.Message) []byte {
	pkt, err := server.EncodePush(protoID, msg)
	if err != nil {
		// Only a missing required field can fail here: a bug worth an error log.
		s.log.Error("cannot encode push", "proto", protoID, obs.Err(err))
		return nil
	}
	return pkt
}

// pushFrame enqueues without blocking; the server closes a connection whose
// queue is full, so a failure here needs no more than a debug line.
func (s *Service) pushFrame(c *server.Conn, pkt []byte) {
	if pkt == nil {
		return
	}
	if err := c.PushFrame(pkt); err != nil {
		s.log.Debug("push dropped", "conn", c.ID(), obs.Err(err))
	}
}

func basicQotPush(q market.Quote) *qotupdatebasicqot.Response {
	return &qotupdatebasicqot.Response{RetType: succeed(), S2C: &qotupdatebasicqot.S2C{
		BasicQotList: []*qotcommon.BasicQot{basicQot(q)},
	}}
}

// orderBookPush is the Qot_UpdateOrderBook push of q's live book.
func (s *Service) orderBookPush(q market.Quote) *qotupdateorderbook.Response {
	asks, bids := s.liveBook(q)
	return bookMsg(q, asks, bids)
}

func tickerPush(q market.Quote, dir int32) *qotupdateticker.Response {
	return &qotupdateticker.Response{RetType: succeed(), S2C: &qotupdateticker.S2C{
		Security:   security(q.Instrument),
		Name:       proto.String(q.Name),
		TickerList: []*qotcommon.Ticker{ticker(q, dir)},
	}}
}

// pushState remembers each security's previous trade price to give tickers a
// direction: up-ticks are buyer initiated (Bid), down-ticks seller initiated.
type pushState struct {
	mu   sync.Mutex
	last map[string]float64
}

func newPushState() *pushState {
	return &pushState{last: make(map[string]float64)}
}

func (p *pushState) direction(q market.Quote, advance bool) int32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	prev, ok := p.last[q.Key()]
	if advance {
		p.last[q.Key()] = q.Cur
	}
	switch {
	case !ok || prev == q.Cur:
		return dirNeutral
	case q.Cur > prev:
		return dirBid
	default:
		return dirAsk
	}
}

// stepKeys returns the securities the loop advances.
func (s *Service) stepKeys() []string {
	if !s.cfg.StepAll {
		return s.subs.keys()
	}
	insts := s.m.Instruments()
	keys := make([]string, len(insts))
	for i, in := range insts {
		keys[i] = in.Key()
	}
	return keys
}
