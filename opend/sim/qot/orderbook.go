package qot

import (
	"context"
	"math"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetorderbook"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateorderbook"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// OwnOrder is one of the user's resting limit orders, as the order book shows it.
type OwnOrder struct {
	Buy   bool // bid side; otherwise ask side
	Price float64
	Qty   int64
}

// Qot_Common.OrderBookType values.
const (
	bookNormal = int32(qotcommon.OrderBookType_OrderBookType_Normal)
	bookOdd    = int32(qotcommon.OrderBookType_OrderBookType_Odd)
)

// liveBook is the order book of q: the synthetic levels plus the user's own
// resting orders at their price levels, each adding its quantity and one
// order, as on the exchange. Orders priced beyond the ten levels are not shown.
func (s *Service) liveBook(q market.Quote) (asks, bids []level) {
	asks, bids = book(q)
	if s.cfg.OwnOrders == nil {
		return asks, bids
	}
	for _, o := range s.cfg.OwnOrders(q.Key()) {
		side := asks
		if o.Buy {
			side = bids
		}
		p := market.Snap(q.Market, o.Price)
		for i := range side {
			if math.Abs(side[i].price-p) < 1e-9 {
				side[i].volume += o.Qty
				side[i].orders++
				break
			}
		}
	}
	return asks, bids
}

// oddBook is a deterministic odd-lot book (HK): fewer levels than the board-lot
// book, each under one lot, at the board-lot book's prices.
func oddBook(q market.Quote) (asks, bids []level) {
	lot := int64(max(q.LotSize, 1))
	fa, fb := book(q)
	seed := uint64(staticID(q.Key())) ^ uint64(q.Seq)*0xc2b2ae3d27d4eb4f
	pick := func(ls []level, salt uint64) []level {
		var out []level
		for i, l := range ls {
			h := mix(seed + salt + uint64(i))
			if lot > 1 && h%3 == 0 {
				out = append(out, level{l.price, 1 + int64(h>>8)%(lot-1), int32(1 + (h>>40)%3)})
			}
		}
		return out
	}
	return pick(fa, 0), pick(fb, 1<<20)
}

func oddBookPush(q market.Quote) *qotupdateorderbook.Response {
	asks, bids := oddBook(q)
	msg := bookMsg(q, asks, bids)
	msg.S2C.OrderBookType = proto.Int32(bookOdd)
	return msg
}

// bookMsg is the Qot_UpdateOrderBook push of a book.
func bookMsg(q market.Quote, asks, bids []level) *qotupdateorderbook.Response {
	at := q.Updated.In(zoneOf(q.Market)).Format(layoutMilli)
	ts := unixSeconds(q.Updated)
	return &qotupdateorderbook.Response{RetType: succeed(), S2C: &qotupdateorderbook.S2C{
		Security:                security(q.Instrument),
		Name:                    proto.String(q.Name),
		OrderBookAskList:        orderBookLevels(asks),
		OrderBookBidList:        orderBookLevels(bids),
		SvrRecvTimeBid:          proto.String(at),
		SvrRecvTimeBidTimestamp: proto.Float64(ts),
		SvrRecvTimeAsk:          proto.String(at),
		SvrRecvTimeAskTimestamp: proto.Float64(ts),
	}}
}

// getOrderBook answers with the book the last Qot_UpdateOrderBook push showed
// (built by the same function from the same step and own orders), cut to num
// levels a side. Like OpenD it needs the OrderBook subscription, or
// OrderBook_Odd for the odd-lot book, which only HK has.
func (s *Service) getOrderBook(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetorderbook.Request
	if err := decode("Qot_GetOrderBook", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	q, err := s.oneSecurity(c2s.GetSecurity())
	if err != nil {
		return nil, toEnvelope(err)
	}
	if c2s.GetNum() <= 0 {
		return nil, toEnvelope(failf(codeInvalid, "num must be positive, got %d", c2s.GetNum()))
	}
	typ := c2s.GetOrderBookType()
	var push *qotupdateorderbook.Response
	switch typ {
	case bookNormal:
		if err := s.needSub(c, q.Key(), SubOrderBook); err != nil {
			return nil, toEnvelope(err)
		}
		push = s.orderBookPush(q)
	case bookOdd:
		if q.Market != market.MarketHK {
			return nil, toEnvelope(failf(codeWrongMarket, "odd-lot order book is only available for HK securities, not %s", q.Key()))
		}
		if err := s.needSub(c, q.Key(), SubOrderBookOdd); err != nil {
			return nil, toEnvelope(err)
		}
		push = oddBookPush(q)
	default:
		return nil, toEnvelope(failf(codeInvalid, "unknown orderBookType %d", typ))
	}
	p := push.GetS2C()
	n := int(c2s.GetNum())
	return &qotgetorderbook.Response{RetType: succeed(), S2C: &qotgetorderbook.S2C{
		Security:                p.Security,
		Name:                    p.Name,
		OrderBookAskList:        p.OrderBookAskList[:min(n, len(p.OrderBookAskList))],
		OrderBookBidList:        p.OrderBookBidList[:min(n, len(p.OrderBookBidList))],
		SvrRecvTimeBid:          p.SvrRecvTimeBid,
		SvrRecvTimeBidTimestamp: p.SvrRecvTimeBidTimestamp,
		SvrRecvTimeAsk:          p.SvrRecvTimeAsk,
		SvrRecvTimeAskTimestamp: p.SvrRecvTimeAskTimestamp,
		OrderBookType:           proto.Int32(typ),
	}}, nil
}
