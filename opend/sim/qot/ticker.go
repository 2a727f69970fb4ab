package qot

import (
	"context"
	"sync"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetticker"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// maxTickers is OpenD's cap on Qot_GetTicker's maxRetNum, and so the depth of
// each security's ring.
const maxTickers = 1000

// tickRec is one trade as Qot_UpdateTicker pushed it.
type tickRec struct {
	q   market.Quote
	dir int32
}

// tickRing holds a security's latest maxTickers trades.
type tickRing struct {
	mu   sync.Mutex
	buf  []tickRec
	next int // index the next trade overwrites once buf is full
}

// add appends t unless it is not newer than the latest trade: steps reach the
// ring from the subscription seed and from the push path, possibly both.
func (r *tickRing) add(t tickRec) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.buf); n > 0 && t.q.Seq <= r.lastLocked().q.Seq {
		return
	}
	if len(r.buf) < maxTickers {
		r.buf = append(r.buf, t)
		return
	}
	r.buf[r.next] = t
	r.next = (r.next + 1) % maxTickers
}

func (r *tickRing) lastLocked() tickRec {
	if len(r.buf) < maxTickers {
		return r.buf[len(r.buf)-1]
	}
	return r.buf[(r.next+maxTickers-1)%maxTickers]
}

// latest returns up to n of the latest trades, oldest first, as OpenD lists them.
func (r *tickRing) latest(n int) []tickRec {
	r.mu.Lock()
	defer r.mu.Unlock()
	size := len(r.buf)
	n = min(n, size)
	out := make([]tickRec, 0, n)
	start := size - n
	if size == maxTickers {
		start += r.next
	}
	for i := range n {
		out = append(out, r.buf[(start+i)%size])
	}
	return out
}

// getTicker returns the latest trades of a security subscribed with Ticker:
// the same Ticker messages the Qot_UpdateTicker pushes carried.
func (s *Service) getTicker(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetticker.Request
	if err := decode("Qot_GetTicker", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	q, err := s.oneSecurity(c2s.GetSecurity())
	if err != nil {
		return nil, toEnvelope(err)
	}
	if c2s.GetMaxRetNum() <= 0 {
		return nil, toEnvelope(failf(codeInvalid, "maxRetNum must be positive, got %d", c2s.GetMaxRetNum()))
	}
	if err := s.needSub(c, q.Key(), SubTicker); err != nil {
		return nil, toEnvelope(err)
	}
	out := &qotgetticker.S2C{Security: security(q.Instrument), Name: proto.String(q.Name), TickerList: []*qotcommon.Ticker{}}
	if r := s.live.ring(q.Key(), false); r != nil {
		for _, t := range r.latest(min(int(c2s.GetMaxRetNum()), maxTickers)) {
			out.TickerList = append(out.TickerList, ticker(t.q, t.dir))
		}
	}
	return &qotgetticker.Response{RetType: succeed(), S2C: out}, nil
}

// oneSecurity resolves the single security of a pull.
func (s *Service) oneSecurity(sec *qotcommon.Security) (market.Quote, error) {
	if sec == nil {
		return market.Quote{}, failf(codeInvalid, "security is required")
	}
	keys, err := s.resolve([]*qotcommon.Security{sec})
	if err != nil {
		return market.Quote{}, err
	}
	q, _ := s.m.QuoteByKey(keys[0])
	return q, nil
}
