package trade

import (
	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetmarginratio"
	"github.com/futugw/gateway/opend/sim/market"
)

// maxMarginSecurities is how many securities one Trd_GetMarginRatio may name
// (Futu: 100).
const maxMarginSecurities = 100

// getMarginRatio handles Trd_GetMarginRatio 2223: each security's financing
// terms (see marginOf), in the order asked. The short pool shrinks as
// simulated accounts sell short.
func (e *Engine) getMarginRatio(c2s *trdgetmarginratio.C2S) (*trdgetmarginratio.S2C, error) {
	secs := c2s.GetSecurityList()
	if len(secs) == 0 {
		return nil, refuse(codeInvalidRequest, "securityList is empty")
	}
	if len(secs) > maxMarginSecurities {
		return nil, refuse(codeInvalidRequest, "too many securities: %d, at most %d per request", len(secs), maxMarginSecurities)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.account(c2s.GetHeader())
	if err != nil {
		return nil, err
	}
	s2c := &trdgetmarginratio.S2C{Header: a.header(c2s.GetHeader().GetTrdMarket())}
	for _, s := range secs {
		inst, ok := e.mkt.Instrument(s.GetMarket(), s.GetCode())
		if !ok {
			return nil, refuse(codeSecurity, "unknown security %s", market.Key(s.GetMarket(), s.GetCode()))
		}
		if !a.allows(trdMarketOf(inst.Market)) {
			return nil, refuse(codeSecurity, "security %s is not traded by account %d", inst.Key(), a.cfg.ID)
		}
		t := e.marginTerms(inst)
		s2c.MarginRatioInfoList = append(s2c.MarginRatioInfoList, &trdgetmarginratio.MarginRatioInfo{
			Security:        &qotcommon.Security{Market: proto.Int32(inst.Market), Code: proto.String(inst.Code)},
			IsLongPermit:    proto.Bool(t.longOK),
			IsShortPermit:   proto.Bool(t.shortOK),
			ShortPoolRemain: proto.Float64(t.pool),
			ShortFeeRate:    proto.Float64(t.feeRate),
			AlertLongRatio:  proto.Float64(t.alertLong),
			AlertShortRatio: proto.Float64(t.alertShort),
			ImLongRatio:     proto.Float64(t.imLong),
			ImShortRatio:    proto.Float64(t.imShort),
			McmLongRatio:    proto.Float64(t.mcmLong),
			McmShortRatio:   proto.Float64(t.mcmShort),
			MmLongRatio:     proto.Float64(t.mmLong),
			MmShortRatio:    proto.Float64(t.mmShort),
		})
	}
	return s2c, nil
}

// marginTerms are inst's terms with the pool net of what accounts have sold
// short. Callers hold mu.
func (e *Engine) marginTerms(inst market.Instrument) marginTerms {
	t := marginOf(inst, e.cfg.Seed)
	t.pool = max(t.pool-e.shortedQty(inst), 0)
	return t
}

// shortedQty is how much of inst all accounts hold short. Callers hold mu.
func (e *Engine) shortedQty(inst market.Instrument) float64 {
	var n float64
	for _, a := range e.accList {
		if p := a.positions[inst.Key()]; p != nil && p.qty < 0 {
			n -= p.qty
		}
	}
	return n
}
