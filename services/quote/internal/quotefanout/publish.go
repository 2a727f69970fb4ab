package quotefanout

import (
	"fmt"
	"sync"
	"time"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebroker"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatekl"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateorderbook"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatepricereminder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatert"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateticker"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"google.golang.org/protobuf/proto"
)

// Publish routes one OpenD push (the whole Response body as received). A
// Qot_UpdateBasicQot listing several securities is split into one frame per security,
// a Qot_UpdateKL is routed by its security and K-line type (its sub type), a price
// reminder (3019, no subscription) goes to every stream;
// each encoded once and shared by every stream that wants it; every BasicQot also
// refreshes the push cache. recvNano is when the push arrived.
func (h *Hub) Publish(protoID uint32, body []byte, recvNano int64) error {
	switch protoID {
	case protoid.QotUpdateBasicQot:
		return h.publishBasic(body, recvNano)
	case protoid.QotUpdateOrderBook:
		var r qotupdateorderbook.Response
		if err := proto.Unmarshal(body, &r); err != nil {
			return fmt.Errorf("quotefanout: decode Qot_UpdateOrderBook: %w", err)
		}
		h.publishOne(protoID, subs.SubOrderBook, r.GetS2C().GetSecurity(), body, recvNano)
	case protoid.QotUpdateTicker:
		var r qotupdateticker.Response
		if err := proto.Unmarshal(body, &r); err != nil {
			return fmt.Errorf("quotefanout: decode Qot_UpdateTicker: %w", err)
		}
		h.publishOne(protoID, subs.SubTicker, r.GetS2C().GetSecurity(), body, recvNano)
	case protoid.QotUpdateKL:
		var r qotupdatekl.Response
		if err := proto.Unmarshal(body, &r); err != nil {
			return fmt.Errorf("quotefanout: decode Qot_UpdateKL: %w", err)
		}
		t, ok := subs.KLSubType(r.GetS2C().GetKlType())
		if !ok {
			return fmt.Errorf("quotefanout: Qot_UpdateKL push with unknown klType %d", r.GetS2C().GetKlType())
		}
		h.publishOne(protoID, t, r.GetS2C().GetSecurity(), body, recvNano)
	case protoid.QotUpdateRT:
		var r qotupdatert.Response
		if err := proto.Unmarshal(body, &r); err != nil {
			return fmt.Errorf("quotefanout: decode Qot_UpdateRT: %w", err)
		}
		h.publishOne(protoID, subs.SubRT, r.GetS2C().GetSecurity(), body, recvNano)
	case protoid.QotUpdateBroker:
		var r qotupdatebroker.Response
		if err := proto.Unmarshal(body, &r); err != nil {
			return fmt.Errorf("quotefanout: decode Qot_UpdateBroker: %w", err)
		}
		h.publishOne(protoID, subs.SubBroker, r.GetS2C().GetSecurity(), body, recvNano)
	case protoid.QotUpdatePriceReminder:
		var r qotupdatepricereminder.Response
		if err := proto.Unmarshal(body, &r); err != nil {
			return fmt.Errorf("quotefanout: decode Qot_UpdatePriceReminder: %w", err)
		}
		h.publishReminder(quoteMsg(protoID, subs.Pair{Sec: secOf(r.GetS2C().GetSecurity())}, body, recvNano))
	default:
		return fmt.Errorf("quotefanout: proto %d is not a quote push", protoID)
	}
	return nil
}

func (h *Hub) publishBasic(body []byte, recvNano int64) error {
	var r qotupdatebasicqot.Response
	if err := proto.Unmarshal(body, &r); err != nil {
		return fmt.Errorf("quotefanout: decode Qot_UpdateBasicQot: %w", err)
	}
	if r.GetRetType() != 0 {
		return fmt.Errorf("quotefanout: Qot_UpdateBasicQot push with retType %d: %s", r.GetRetType(), r.GetRetMsg())
	}
	list := r.GetS2C().GetBasicQotList()
	for _, q := range list {
		sec := secOf(q.GetSecurity())
		h.cache.put(sec, q, recvNano)
		p := subs.Pair{Sec: sec, SubType: subs.SubBasic}
		one := body // a push of one security is already the frame's body
		if len(list) > 1 {
			b, err := proto.Marshal(&qotupdatebasicqot.Response{RetType: proto.Int32(0),
				S2C: &qotupdatebasicqot.S2C{BasicQotList: []*qotcommon.BasicQot{q}}})
			if err != nil {
				return fmt.Errorf("quotefanout: encode %s: %w", sec.Key(), err)
			}
			one = b
		}
		m := quoteMsg(protoid.QotUpdateBasicQot, p, one, recvNano)
		h.remember(p, m)
		h.deliver(p, m)
	}
	return nil
}

func (h *Hub) publishOne(protoID uint32, subType int32, s *qotcommon.Security, body []byte, recvNano int64) {
	p := subs.Pair{Sec: secOf(s), SubType: subType}
	m := quoteMsg(protoID, p, body, recvNano)
	if subType != subs.SubTicker { // a ticker is an increment; the others carry their state whole
		h.remember(p, m)
	}
	h.deliver(p, m)
}

// publishReminder sends a price reminder to every stream: OpenD pushes it to every
// connection of the user without a subscription, and it is an event (never
// conflated), so it travels with the control frames.
func (h *Hub) publishReminder(m *gatewayv1.QuotePush) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.streams {
		s.q.control(m)
	}
}

func quoteMsg(protoID uint32, p subs.Pair, body []byte, recvNano int64) *gatewayv1.QuotePush {
	return &gatewayv1.QuotePush{ProtoId: protoID, SecKey: p.Sec.Key(), SubType: p.SubType,
		Body: body, ReceivedUnixNano: recvNano}
}

func secOf(s *qotcommon.Security) subs.Security {
	return subs.Security{Market: s.GetMarket(), Code: s.GetCode()}
}

// Cache keeps the latest BasicQot pushed for each security, so basic quotes of
// subscribed securities are answered without asking OpenD.
type Cache struct {
	mu sync.RWMutex
	m  map[subs.Security]cached
}

type cached struct {
	q  *qotcommon.BasicQot // never mutated after it is stored
	at int64               // unix nanoseconds the push arrived
}

func newCache() *Cache { return &Cache{m: make(map[subs.Security]cached)} }

func (c *Cache) put(s subs.Security, q *qotcommon.BasicQot, at int64) {
	c.mu.Lock()
	c.m[s] = cached{q, at}
	c.mu.Unlock()
}

// Get returns the latest BasicQot of s and when it arrived.
func (c *Cache) Get(s subs.Security) (*qotcommon.BasicQot, time.Time, bool) {
	c.mu.RLock()
	e, ok := c.m[s]
	c.mu.RUnlock()
	if !ok {
		return nil, time.Time{}, false
	}
	return e.q, time.Unix(0, e.at), true
}
