package trade

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderfee"
	"github.com/futugw/gateway/opend/fees"
	"github.com/futugw/gateway/opend/sim/calendar"
)

// maxFeeOrders is how many orders one Trd_GetOrderFee may name (Futu: 400).
const maxFeeOrders = 400

// getOrderFee handles Trd_GetOrderFee 2225: the fee items of each named order,
// today's or an earlier day's, in the order asked. Fees are charged on what
// filled; an unfilled order costs nothing. Like OpenD it serves real accounts
// only.
func (e *Engine) getOrderFee(c2s *trdgetorderfee.C2S) (*trdgetorderfee.S2C, error) {
	ids := c2s.GetOrderIdExList()
	if len(ids) == 0 {
		return nil, refuse(codeInvalidRequest, "orderIdExList is empty")
	}
	if len(ids) > maxFeeOrders {
		return nil, refuse(codeInvalidRequest, "too many orders: %d, at most %d per request", len(ids), maxFeeOrders)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.account(c2s.GetHeader())
	if err != nil {
		return nil, err
	}
	if a.cfg.Env == EnvSimulate {
		return nil, refuse(codeUnsupported, "order fees are not available for simulated accounts (account %d)", a.cfg.ID)
	}
	s2c := &trdgetorderfee.S2C{Header: a.header(c2s.GetHeader().GetTrdMarket())}
	for _, idEx := range ids {
		o, fills, ok := e.orderByIDEx(a, idEx)
		if !ok {
			return nil, refuse(codeOrder, "unknown orderIDEx %q for account %d", idEx, a.cfg.ID)
		}
		items := charges(executionOf(o, fills))
		of := &trdcommon.OrderFee{OrderIDEx: proto.String(o.idEx), FeeAmount: proto.Float64(fees.Total(items))}
		for _, it := range items {
			of.FeeList = append(of.FeeList, &trdcommon.OrderFeeItem{Title: proto.String(it.Title), Value: proto.Float64(it.Value)})
		}
		s2c.OrderFeeList = append(s2c.OrderFeeList, of)
	}
	return s2c, nil
}

func executionOf(o *order, fills []*fill) execution {
	x := execution{market: o.inst.Market, side: o.side}
	for _, f := range fills {
		x.shares += f.qty
		x.value += f.qty * f.price
	}
	x.value = round6(x.value)
	return x
}

// orderByIDEx finds one of a's orders, today's or a synthetic earlier day's,
// with its fills. Past ids carry their creation second, which names the day.
// Callers hold mu.
func (e *Engine) orderByIDEx(a *account, idEx string) (*order, []*fill, bool) {
	for _, o := range a.orders {
		if o.idEx == idEx {
			var fs []*fill
			for _, f := range a.fills {
				if f.ord == o {
					fs = append(fs, f)
				}
			}
			return o, fs, true
		}
	}
	n, err := strconv.ParseUint(strings.TrimPrefix(idEx, "SIM"), 10, 64)
	if err != nil || !strings.HasPrefix(idEx, "SIM") {
		return nil, nil, false
	}
	created := time.Unix(int64(n/1_000_000), 0)
	now := e.cfg.Now()
	if now.Sub(created) > historyDepth {
		return nil, nil, false
	}
	idx := slices.Index(e.accList, a)
	for _, tm := range a.cfg.Markets {
		qm, ok := qotMarket(tm)
		if !ok {
			continue
		}
		loc := marketLoc(qm)
		d := calendar.DateOf(created.In(loc))
		if !d.Before(calendar.DateOf(now.In(loc))) {
			continue
		}
		pd := e.past.day(a, idx, qm, d)
		for _, o := range pd.orders {
			if o.idEx == idEx {
				var fs []*fill
				for _, f := range pd.fills {
					if f.ord == o {
						fs = append(fs, f)
					}
				}
				return o, fs, true
			}
		}
	}
	return nil, nil, false
}
