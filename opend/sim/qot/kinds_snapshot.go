package qot

import (
	"math"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// snapshotOf is a full Qot_GetSecuritySnapshot entry: the basic part and the
// ex-data of the security's kind (equity, warrant, option, index, future or
// trust). Figures the simulator has no model of (share counts, open
// interest, street volume) are deterministic per security.
func (s *Service) snapshotOf(q market.Quote) *qotgetsecuritysnapshot.Snapshot {
	now := s.cfg.Now()
	// The order book's levels, the user's own resting orders included, as
	// Qot_GetOrderBook shows them.
	asks, bids := s.liveBook(q)
	out := &qotgetsecuritysnapshot.Snapshot{Basic: snapshotBasic(q, asks, bids)}
	completeBasic(out.Basic, q, asks, bids)
	switch q.SecType {
	case market.SecTypeEqty:
		out.EquityExData = equityEx(q)
	case market.SecTypeTrust:
		out.TrustExData = trustEx(q)
	case market.SecTypeIndex:
		up, down, flat := s.breadth(q.Market)
		out.IndexExData = &qotgetsecuritysnapshot.IndexSnapshotExData{
			RaiseCount: proto.Int32(up), FallCount: proto.Int32(down), EqualCount: proto.Int32(flat)}
	case market.SecTypeWarrant:
		out.WarrantExData = s.warrantEx(q, now)
	case market.SecTypeDrvt:
		out.OptionExData = s.optionEx(q, now)
	case market.SecTypeFuture:
		out.FutureExData = futureEx(q)
	}
	return out
}

// completeBasic fills the basic part's optional figures derived from the
// quote and the live book.
func completeBasic(b *qotgetsecuritysnapshot.SnapshotBasicData, q market.Quote, asks, bids []level) {
	var askVol, bidVol int64
	for i := range asks {
		askVol += asks[i].volume
	}
	for i := range bids {
		bidVol += bids[i].volume
	}
	if askVol+bidVol > 0 {
		b.BidAskRatio = proto.Float64(round3(float64(bidVol-askVol) / float64(askVol+bidVol) * 100))
	}
	b.VolumeRatio = proto.Float64(round3(hashed(q.Key(), "volratio", 0.5, 2)))
	// The 52-week and all-time ranges contain today's range and the last close.
	hi, lo := math.Max(q.High, q.LastClose), math.Min(q.Low, q.LastClose)
	b.Highest52WeeksPrice = proto.Float64(market.Snap(q.Market, hi*hashed(q.Key(), "52h", 1.05, 1.4)))
	b.Lowest52WeeksPrice = proto.Float64(market.Snap(q.Market, lo*hashed(q.Key(), "52l", 0.6, 0.95)))
	b.HighestHistoryPrice = proto.Float64(market.Snap(q.Market, b.GetHighest52WeeksPrice()*hashed(q.Key(), "hh", 1, 1.6)))
	b.LowestHistoryPrice = proto.Float64(market.Snap(q.Market, b.GetLowest52WeeksPrice()*hashed(q.Key(), "hl", 0.2, 1)))
	b.ClosePrice5Minute = proto.Float64(q.Cur)
	if q.SecType == market.SecTypeEqty || q.SecType == market.SecTypeTrust {
		b.EnableMargin = proto.Bool(true)
		b.MortgageRatio = proto.Float64(round3(hashed(q.Key(), "mortgage", 40, 80)))
		b.LongMarginInitialRatio = proto.Float64(round3(100 - b.GetMortgageRatio()))
		b.EnableShortSell = proto.Bool(true)
		b.ShortSellRate = proto.Float64(round3(hashed(q.Key(), "shortrate", 0.5, 8)))
		b.ShortAvailableVolume = proto.Int64(int64(max(q.LotSize, 1)) * int64(hashed(q.Key(), "shortvol", 100, 10000)))
		b.ShortMarginInitialRatio = proto.Float64(round3(hashed(q.Key(), "shortmargin", 30, 60)))
	}
}

// priceSpread is the price step of the security's own grid: HKEX's table for
// stocks, ETFs and warrants, a cent for options and indices, a point for HSI futures.
func priceSpread(q market.Quote) float64 {
	switch q.SecType {
	case market.SecTypeDrvt, market.SecTypeIndex:
		return 0.01
	case market.SecTypeFuture:
		return 1
	}
	return market.TickSize(q.Market, q.Cur)
}

// gridSteps returns the book's one-tick moves for q: a fixed step for the
// kinds quoted on their own grid, the exchange's spread table otherwise.
func gridSteps(q market.Quote) (up, down func(float64) float64) {
	switch q.SecType {
	case market.SecTypeDrvt, market.SecTypeIndex, market.SecTypeFuture:
		tick := priceSpread(q)
		return func(p float64) float64 { return math.Round((p+tick)*100) / 100 },
			func(p float64) float64 { return math.Max(math.Round((p-tick)*100)/100, 0) }
	}
	return func(p float64) float64 { return nextUp(q.Market, p) },
		func(p float64) float64 { return nextDown(q.Market, p) }
}

// equityEx derives the fundamentals from a seeded share count, P/E and P/B,
// so market values move with the price and the ratios agree with each other.
func equityEx(q market.Quote) *qotgetsecuritysnapshot.EquitySnapshotExData {
	key := q.Key()
	issued := int64(hashed(key, "shares", 1e9, 2e10))
	outstanding := int64(float64(issued) * hashed(key, "float", 0.7, 1))
	pe := round3(hashed(key, "pe", 8, 40))
	pb := round3(hashed(key, "pb", 0.8, 8))
	mktVal := float64(issued) * q.Cur
	profit := mktVal / pe
	eps := profit / float64(issued)
	netAsset := mktVal / pb
	div := eps * hashed(key, "payout", 0.1, 0.6)
	return &qotgetsecuritysnapshot.EquitySnapshotExData{
		IssuedShares:         proto.Int64(issued),
		IssuedMarketVal:      proto.Float64(round3(mktVal)),
		NetAsset:             proto.Float64(round3(netAsset)),
		NetProfit:            proto.Float64(round3(profit)),
		EarningsPershare:     proto.Float64(round3(eps)),
		OutstandingShares:    proto.Int64(outstanding),
		OutstandingMarketVal: proto.Float64(round3(float64(outstanding) * q.Cur)),
		NetAssetPershare:     proto.Float64(round3(netAsset / float64(issued))),
		EyRate:               proto.Float64(round3(100 / pe)),
		PeRate:               proto.Float64(pe),
		PbRate:               proto.Float64(pb),
		PeTTMRate:            proto.Float64(round3(pe * 0.95)),
		DividendTTM:          proto.Float64(round3(div)),
		DividendRatioTTM:     proto.Float64(round3(div / q.Cur * 100)),
		DividendLFY:          proto.Float64(round3(div * 0.92)),
		DividendLFYRatio:     proto.Float64(round3(div * 0.92 / q.Cur * 100)),
	}
}

func trustEx(q market.Quote) *qotgetsecuritysnapshot.TrustSnapshotExData {
	units := int64(hashed(q.Key(), "units", 1e8, 5e9))
	premium := round3(hashed(q.Key(), "premium", -0.3, 0.3))
	return &qotgetsecuritysnapshot.TrustSnapshotExData{
		DividendYield:    proto.Float64(round3(hashed(q.Key(), "yield", 1, 4))),
		Aum:              proto.Float64(round3(float64(units) * q.Cur)),
		OutstandingUnits: proto.Int64(units),
		NetAssetValue:    proto.Float64(round3(q.Cur / (1 + premium/100))),
		Premium:          proto.Float64(premium),
		AssetClass:       proto.Int32(assetClassStock),
	}
}

// breadth counts the market's stocks up, down and unchanged on the day, the
// index ex-data's constituents.
func (s *Service) breadth(mkt int32) (up, down, flat int32) {
	for _, inst := range s.m.Instruments() {
		if inst.Market != mkt || inst.SecType != market.SecTypeEqty {
			continue
		}
		q, _ := s.m.QuoteByKey(inst.Key())
		switch {
		case q.Cur > q.LastClose:
			up++
		case q.Cur < q.LastClose:
			down++
		default:
			flat++
		}
	}
	return up, down, flat
}

func (s *Service) warrantEx(q market.Quote, now time.Time) *qotgetsecuritysnapshot.WarrantSnapshotExData {
	t := q.Terms
	f := s.warrantFiguresOf(q, now)
	return &qotgetsecuritysnapshot.WarrantSnapshotExData{
		ConversionRate:     proto.Float64(t.Ratio),
		WarrantType:        proto.Int32(t.Right),
		StrikePrice:        proto.Float64(t.Strike),
		MaturityTime:       proto.String(dateString(t.Expiry)),
		EndTradeTime:       proto.String(dateString(t.LastTrade)),
		Owner:              securityOf(t.Owner),
		RecoveryPrice:      proto.Float64(t.CallPrice),
		StreetVolumn:       proto.Int64(f.streetVol),
		IssueVolumn:        proto.Int64(t.IssueSize),
		StreetRate:         proto.Float64(f.streetRate),
		Delta:              proto.Float64(f.delta),
		ImpliedVolatility:  proto.Float64(f.iv),
		Premium:            proto.Float64(f.premium),
		MaturityTimestamp:  proto.Float64(dateTimestamp(q.Market, t.Expiry)),
		EndTradeTimestamp:  proto.Float64(dateTimestamp(q.Market, t.LastTrade)),
		Leverage:           proto.Float64(f.leverage),
		Ipop:               proto.Float64(f.ipop),
		BreakEvenPoint:     proto.Float64(f.breakEven),
		ConversionPrice:    proto.Float64(f.conversionPrice),
		PriceRecoveryRatio: proto.Float64(f.priceRecovery),
		Score:              proto.Float64(f.score),
		IssuerCode:         proto.String(market.IssuerCode(t.Issuer)),
	}
}

func (s *Service) optionEx(q market.Quote, now time.Time) *qotgetsecuritysnapshot.OptionSnapshotExData {
	t := q.Terms
	u, _ := s.m.QuoteByKey(t.Owner)
	g := market.Value(q.Instrument, u.Cur, now).Greeks
	premium := (t.Strike + q.Cur - u.Cur) / u.Cur * 100 // a call's break-even over the spot
	if t.Right == market.OptionPut {
		premium = (u.Cur - (t.Strike - q.Cur)) / u.Cur * 100
	}
	oi := int32(hashed(q.Key(), "oi", 50, 20000))
	ex := &qotgetsecuritysnapshot.OptionSnapshotExData{
		Type:               proto.Int32(t.Right),
		Owner:              securityOf(t.Owner),
		StrikeTime:         proto.String(dateString(t.Expiry)),
		StrikePrice:        proto.Float64(t.Strike),
		ContractSize:       proto.Int32(q.LotSize),
		ContractSizeFloat:  proto.Float64(float64(q.LotSize)),
		OpenInterest:       proto.Int32(oi),
		ImpliedVolatility:  proto.Float64(round3(t.Vol * 100)),
		Premium:            proto.Float64(round3(premium)),
		Delta:              proto.Float64(round3(g.Delta)),
		Gamma:              proto.Float64(round3(g.Gamma)),
		Vega:               proto.Float64(round3(g.Vega)),
		Theta:              proto.Float64(round3(g.Theta)),
		Rho:                proto.Float64(round3(g.Rho)),
		StrikeTimestamp:    proto.Float64(dateTimestamp(q.Market, t.Expiry)),
		ExpiryDateDistance: proto.Int32(daysTo(q.Market, t.Expiry, now)),
		OptionAreaType:     proto.Int32(areaAmerican),
		ContractMultiplier: proto.Float64(float64(q.LotSize)),
	}
	if q.Market == market.MarketHK { // HK-only fields
		ex.NetOpenInterest = proto.Int32(int32(float64(oi) * hashed(q.Key(), "noi", -0.3, 0.3)))
		ex.ContractNominalValue = proto.Float64(round3(u.Cur * float64(q.LotSize)))
		ex.OwnerLotMultiplier = proto.Float64(float64(q.LotSize) / float64(max(u.LotSize, 1)))
	}
	return ex
}

func futureEx(q market.Quote) *qotgetsecuritysnapshot.FutureSnapshotExData {
	t := q.Terms
	pos := int32(hashed(q.Key(), "position", 50000, 150000))
	ex := &qotgetsecuritysnapshot.FutureSnapshotExData{
		LastSettlePrice: proto.Float64(q.LastClose),
		Position:        proto.Int32(pos),
		PositionChange:  proto.Int32(int32(float64(pos) * hashed(q.Key(), "poschange", -0.05, 0.05))),
		LastTradeTime:   proto.String(""),
		IsMainContract:  proto.Bool(t.Main),
	}
	if !t.Main {
		ex.LastTradeTime = proto.String(dateString(t.Expiry))
		ex.LastTradeTimestamp = proto.Float64(dateTimestamp(q.Market, t.Expiry))
	}
	return ex
}

// securityKey names a Qot_Common.Security as "HK.00700".
func securityKey(sec *qotcommon.Security) string { return market.Key(sec.GetMarket(), sec.GetCode()) }
