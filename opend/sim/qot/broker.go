package qot

import (
	"context"
	"fmt"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetbroker"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebroker"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// brokerSeats is the simulated exchange participants: HK broker ids are four
// digits; the names are synthetic so no real firm is misquoted.
var brokerSeats = func() []broker {
	out := make([]broker, 24)
	for i := range out {
		id := int64(1000 + i*397%9000)
		out[i] = broker{id, fmt.Sprintf("Simulated Securities %02d Limited", i+1)}
	}
	return out
}()

type broker struct {
	id   int64
	name string
}

// maxBrokersPerLevel bounds the queue at one price, keeping it readable.
const maxBrokersPerLevel = 4

// brokerQueue derives the broker queue from q's order book: at each level
// (pos 1 is the best price), one broker per order up to maxBrokersPerLevel,
// seats picked by a hash of the security, the step and the level, so it is
// deterministic for a seed and moves with the book.
func brokerQueue(q market.Quote) (asks, bids []*qotcommon.Broker) {
	la, lb := book(q)
	seed := uint64(staticID(q.Key())) ^ uint64(q.Seq)*0xd6e8feb86659fd93
	side := func(ls []level, salt uint64) []*qotcommon.Broker {
		var out []*qotcommon.Broker
		for i, l := range ls {
			for j := range min(int(l.orders), maxBrokersPerLevel) {
				b := brokerSeats[mix(seed+salt+uint64(i*maxBrokersPerLevel+j))%uint64(len(brokerSeats))]
				out = append(out, &qotcommon.Broker{Id: proto.Int64(b.id), Name: proto.String(b.name), Pos: proto.Int32(int32(i + 1))})
			}
		}
		return out
	}
	return side(la, 0), side(lb, 1<<20)
}

func brokerPush(q market.Quote) *qotupdatebroker.Response {
	asks, bids := brokerQueue(q)
	return &qotupdatebroker.Response{RetType: succeed(), S2C: &qotupdatebroker.S2C{
		Security:      security(q.Instrument),
		Name:          proto.String(q.Name),
		BrokerAskList: asks,
		BrokerBidList: bids,
	}}
}

// getBroker returns the broker queue of an HK security subscribed with
// Broker, the same one the last Qot_UpdateBroker push carried. Other markets
// have no broker queue and are refused, as by OpenD.
func (s *Service) getBroker(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetbroker.Request
	if err := decode("Qot_GetBroker", req.Body, &in); err != nil {
		return nil, err
	}
	q, err := s.oneSecurity(in.GetC2S().GetSecurity())
	if err != nil {
		return nil, toEnvelope(err)
	}
	if q.Market != market.MarketHK {
		return nil, toEnvelope(failf(codeWrongMarket, "broker queue is only available for HK securities, not %s", q.Key()))
	}
	if err := s.needSub(c, q.Key(), SubBroker); err != nil {
		return nil, toEnvelope(err)
	}
	p := brokerPush(q).GetS2C()
	return &qotgetbroker.Response{RetType: succeed(), S2C: &qotgetbroker.S2C{
		Security:      p.Security,
		Name:          p.Name,
		BrokerAskList: p.BrokerAskList,
		BrokerBidList: p.BrokerBidList,
	}}, nil
}
