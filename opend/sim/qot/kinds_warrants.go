package qot

import (
	"cmp"
	"context"
	"slices"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetwarrant"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// maxWarrantPage is Futu's cap on Qot_GetWarrant's num.
const maxWarrantPage = 200

// warrantRow is one warrant with the figures it is filtered and sorted on.
type warrantRow struct {
	q    market.Quote
	f    warrantFigures
	data *qotgetwarrant.WarrantData
}

func (s *Service) getWarrant(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetwarrant.Request
	if err := decode("Qot_GetWarrant", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	if c2s.GetBegin() < 0 || c2s.GetNum() <= 0 || c2s.GetNum() > maxWarrantPage {
		return nil, toEnvelope(failf(codeInvalid, "begin %d must not be negative and num %d must be 1 to %d",
			c2s.GetBegin(), c2s.GetNum(), maxWarrantPage))
	}
	sortKey, ok := warrantSortKey(c2s.GetSortField())
	if !ok {
		return nil, toEnvelope(failf(codeInvalid, "sortField %d cannot sort warrants", c2s.GetSortField()))
	}
	owner := ""
	if c2s.Owner != nil {
		q, err := s.lookup(c2s.GetOwner())
		if err != nil {
			return nil, toEnvelope(err)
		}
		if q.Market != market.MarketHK || q.SecType != market.SecTypeEqty && q.SecType != market.SecTypeIndex {
			return nil, toEnvelope(failf(codeInvalid, "%s (security type %d): only HK stocks and indices have warrants", q.Key(), q.SecType))
		}
		owner = q.Key()
	}
	filter, err := newWarrantFilter(c2s, s.today(market.MarketHK))
	if err != nil {
		return nil, toEnvelope(err)
	}

	now := s.cfg.Now()
	var rows []warrantRow
	for _, inst := range s.m.Instruments() {
		if inst.SecType != market.SecTypeWarrant || owner != "" && inst.Terms.Owner != owner {
			continue
		}
		q, _ := s.m.QuoteByKey(inst.Key())
		r := warrantRow{q: q, f: s.warrantFiguresOf(q, now)}
		r.data = warrantData(r)
		if filter.pass(r) {
			rows = append(rows, r)
		}
	}
	slices.SortStableFunc(rows, func(a, b warrantRow) int {
		c := sortKey(a, b)
		if !c2s.GetAscend() {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(a.q.Code, b.q.Code)
		}
		return c
	})
	begin := min(int(c2s.GetBegin()), len(rows))
	end := min(begin+int(c2s.GetNum()), len(rows))
	out := &qotgetwarrant.S2C{LastPage: proto.Bool(end >= len(rows)), AllCount: proto.Int32(int32(len(rows)))}
	for _, r := range rows[begin:end] {
		out.WarrantDataList = append(out.WarrantDataList, r.data)
	}
	return &qotgetwarrant.Response{RetType: succeed(), S2C: out}, nil
}

func warrantData(r warrantRow) *qotgetwarrant.WarrantData {
	q, t, f := r.q, r.q.Terms, r.f
	asks, bids := book(q)
	change := q.Cur - q.LastClose
	d := &qotgetwarrant.WarrantData{
		Stock:              security(q.Instrument),
		Owner:              securityOf(t.Owner),
		Type:               proto.Int32(t.Right),
		Issuer:             proto.Int32(t.Issuer),
		MaturityTime:       proto.String(dateString(t.Expiry)),
		MaturityTimestamp:  proto.Float64(dateTimestamp(q.Market, t.Expiry)),
		ListTime:           proto.String(q.ListTime),
		ListTimestamp:      proto.Float64(listTimestamp(q.Instrument)),
		LastTradeTime:      proto.String(dateString(t.LastTrade)),
		LastTradeTimestamp: proto.Float64(dateTimestamp(q.Market, t.LastTrade)),
		ConversionRatio:    proto.Float64(t.Ratio),
		LotSize:            proto.Int32(q.LotSize),
		StrikePrice:        proto.Float64(t.Strike),
		LastClosePrice:     proto.Float64(q.LastClose),
		Name:               proto.String(q.Name),
		CurPrice:           proto.Float64(q.Cur),
		PriceChangeVal:     proto.Float64(round3(change)),
		ChangeRate:         proto.Float64(round3(change / q.LastClose * 100)),
		Status:             proto.Int32(f.status),
		BidPrice:           proto.Float64(bids[0].price),
		AskPrice:           proto.Float64(asks[0].price),
		BidVol:             proto.Int64(bids[0].volume),
		AskVol:             proto.Int64(asks[0].volume),
		Volume:             proto.Int64(q.Volume),
		Turnover:           proto.Float64(q.Turnover),
		Score:              proto.Float64(f.score),
		Premium:            proto.Float64(f.premium),
		BreakEvenPoint:     proto.Float64(f.breakEven),
		Leverage:           proto.Float64(f.leverage),
		Ipop:               proto.Float64(f.ipop),
		ConversionPrice:    proto.Float64(f.conversionPrice),
		StreetRate:         proto.Float64(f.streetRate),
		StreetVol:          proto.Int64(f.streetVol),
		Amplitude:          proto.Float64(amplitude(q)),
		IssueSize:          proto.Int64(t.IssueSize),
		HighPrice:          proto.Float64(q.High),
		LowPrice:           proto.Float64(q.Low),
		EffectiveLeverage:  proto.Float64(f.effectiveLeverage),
	}
	if t.IsCBBC() { // Futu: recovery fields only for CBBCs, delta and volatility only for warrants
		d.RecoveryPrice = proto.Float64(t.CallPrice)
		d.PriceRecoveryRatio = proto.Float64(f.priceRecovery)
	} else {
		d.ImpliedVolatility = proto.Float64(f.iv)
		d.Delta = proto.Float64(f.delta)
	}
	return d
}

// warrantSortKey maps the Qot_Common.SortField values Qot_GetWarrant accepts
// to comparisons; false for the others.
func warrantSortKey(field int32) (func(a, b warrantRow) int, bool) {
	f, ok := map[int32]func(a, b warrantRow) int{
		1:  func(a, b warrantRow) int { return cmp.Compare(a.q.Code, b.q.Code) },
		2:  byNum(func(r warrantRow) float64 { return r.q.Cur }),
		3:  byNum(func(r warrantRow) float64 { return r.data.GetPriceChangeVal() }),
		4:  byNum(func(r warrantRow) float64 { return r.data.GetChangeRate() }),
		5:  byNum(func(r warrantRow) float64 { return float64(r.data.GetStatus()) }),
		6:  byNum(func(r warrantRow) float64 { return r.data.GetBidPrice() }),
		7:  byNum(func(r warrantRow) float64 { return r.data.GetAskPrice() }),
		8:  byNum(func(r warrantRow) float64 { return float64(r.data.GetBidVol()) }),
		9:  byNum(func(r warrantRow) float64 { return float64(r.data.GetAskVol()) }),
		10: byNum(func(r warrantRow) float64 { return float64(r.q.Volume) }),
		11: byNum(func(r warrantRow) float64 { return r.q.Turnover }),
		12: byNum(func(r warrantRow) float64 { return r.f.score }),
		13: byNum(func(r warrantRow) float64 { return r.f.premium }),
		14: byNum(func(r warrantRow) float64 { return r.f.effectiveLeverage }),
		15: byNum(func(r warrantRow) float64 { return r.f.delta }),
		16: byNum(func(r warrantRow) float64 { return r.f.iv }),
		17: byNum(func(r warrantRow) float64 { return float64(r.q.Terms.Right) }),
		18: byNum(func(r warrantRow) float64 { return r.q.Terms.Strike }),
		19: byNum(func(r warrantRow) float64 { return r.f.breakEven }),
		20: func(a, b warrantRow) int { return a.q.Terms.Expiry.Compare(b.q.Terms.Expiry) },
		21: func(a, b warrantRow) int { return cmp.Compare(a.q.ListTime, b.q.ListTime) },
		22: func(a, b warrantRow) int { return a.q.Terms.LastTrade.Compare(b.q.Terms.LastTrade) },
		23: byNum(func(r warrantRow) float64 { return r.f.leverage }),
		24: byNum(func(r warrantRow) float64 { return r.f.ipop }),
		25: byNum(func(r warrantRow) float64 { return r.q.Terms.CallPrice }),
		26: byNum(func(r warrantRow) float64 { return r.f.conversionPrice }),
		27: byNum(func(r warrantRow) float64 { return r.q.Terms.Ratio }),
		28: byNum(func(r warrantRow) float64 { return r.f.streetRate }),
		29: byNum(func(r warrantRow) float64 { return float64(r.f.streetVol) }),
		30: byNum(func(r warrantRow) float64 { return amplitude(r.q) }),
		31: func(a, b warrantRow) int { return cmp.Compare(a.q.Name, b.q.Name) },
		32: byNum(func(r warrantRow) float64 { return float64(r.q.Terms.Issuer) }),
		33: byNum(func(r warrantRow) float64 { return float64(r.q.LotSize) }),
		34: byNum(func(r warrantRow) float64 { return float64(r.q.Terms.IssueSize) }),
	}[field]
	return f, ok
}

func byNum(v func(warrantRow) float64) func(a, b warrantRow) int {
	return func(a, b warrantRow) int { return cmp.Compare(v(a), v(b)) }
}
