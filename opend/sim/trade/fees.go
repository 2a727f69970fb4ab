package trade

import (
	"math"

	"github.com/futugw/gateway/opend/sim/market"
)

// feeItem is one line of an order's charges (Trd_Common.OrderFeeItem).
type feeItem struct {
	title string
	value float64
}

// execution is what fees are charged on: an order's filled shares and value.
type execution struct {
	market int32 // QotMarket
	side   int32 // TrdSide; SellShort pays as a sell, BuyBack as a buy
	shares float64
	value  float64
}

// Fee schedules, modelled on Futu Securities' published HK and US stock
// pricing and the regulators' levies. Rates are fractions of the trade value
// unless the name says per share.
const (
	hkCommissionRate = 0.0003 // 0.03%, at least HKD 3
	hkCommissionMin  = 3.0
	hkPlatformFee    = 15.0      // per order
	hkStampDutyRate  = 0.001     // 0.1%, rounded up to a whole dollar, both sides
	hkTradingFeeRate = 0.0000565 // HKEX trading fee, at least HKD 0.01
	hkSFCLevyRate    = 0.000027  // SFC transaction levy
	hkFRCLevyRate    = 0.0000015 // AFRC (FRC) transaction levy
	hkSettleRate     = 0.00002   // CCASS settlement, HKD 2 to 100
	hkSettleMin      = 2.0
	hkSettleMax      = 100.0

	usCommissionPerShare = 0.0049 // at least USD 0.99, at most 0.5% of value
	usCommissionMin      = 0.99
	usPlatformPerShare   = 0.005 // at least USD 1.00, at most 0.5% of value
	usPlatformMin        = 1.0
	usFeeCapRate         = 0.005
	usSettlePerShare     = 0.003     // clearing/settlement, at most 7% of value
	usSettleCapRate      = 0.07      //
	usSECFeeRate         = 0.0000278 // SEC fee on sells, rounded up to the cent
	usTAFPerShare        = 0.000166  // FINRA trading activity fee on sells, USD 0.01 to 8.30
	usTAFMax             = 8.30
)

// Fee titles as Futu's order fee details name them.
const (
	feeCommission = "Commission"
	feePlatform   = "Platform Fees"
	feeStamp      = "Stamp Duty"
	feeTrading    = "Trading Fees"
	feeSFC        = "SFC Transaction Levy"
	feeFRC        = "FRC Transaction Levy"
	feeSettlement = "Settlement Fees"
	feeSEC        = "SEC Fees"
	feeTAF        = "Trading Activity Fees"
)

// cents rounds half up to the cent; upCents rounds any fraction up, as the
// regulators do for their fees.
func cents(v float64) float64   { return math.Round(v*100+1e-9) / 100 }
func upCents(v float64) float64 { return math.Ceil(v*100-1e-6) / 100 }

// fees returns the charges of an execution; nothing for an unfilled order.
func fees(x execution) []feeItem {
	if !(x.value > 0) || !(x.shares > 0) {
		return nil
	}
	if x.market == market.MarketUS {
		return usFees(x)
	}
	return hkFees(x)
}

func hkFees(x execution) []feeItem {
	v := x.value
	return []feeItem{
		{feeCommission, cents(math.Max(v*hkCommissionRate, hkCommissionMin))},
		{feePlatform, hkPlatformFee},
		{feeStamp, math.Ceil(v*hkStampDutyRate - 1e-9)},
		{feeTrading, cents(math.Max(v*hkTradingFeeRate, 0.01))},
		{feeSFC, cents(math.Max(v*hkSFCLevyRate, 0.01))},
		{feeFRC, cents(math.Max(v*hkFRCLevyRate, 0.01))},
		{feeSettlement, cents(min(max(v*hkSettleRate, hkSettleMin), hkSettleMax))},
	}
}

func usFees(x execution) []feeItem {
	v, n := x.value, x.shares
	capped := func(perShare, floor float64) float64 {
		return cents(math.Min(math.Max(n*perShare, floor), v*usFeeCapRate))
	}
	out := []feeItem{
		{feeCommission, capped(usCommissionPerShare, usCommissionMin)},
		{feePlatform, capped(usPlatformPerShare, usPlatformMin)},
		{feeSettlement, cents(math.Min(n*usSettlePerShare, v*usSettleCapRate))},
	}
	if x.side == sideSell || x.side == sideSellShort {
		out = append(out,
			feeItem{feeSEC, math.Max(upCents(v*usSECFeeRate), 0.01)},
			feeItem{feeTAF, math.Min(math.Max(upCents(n*usTAFPerShare), 0.01), usTAFMax)},
		)
	}
	return out
}

// feeTotal sums fee items to the cent.
func feeTotal(items []feeItem) float64 {
	var t float64
	for _, it := range items {
		t += it.value
	}
	return cents(t)
}

// chargeFees debits a real account's cash with what o's fills so far cost
// beyond the fees already charged, so cash agrees with Trd_FlowSummary.
// Simulated accounts trade free, as Futu's paper trading does. Callers hold mu.
func (e *Engine) chargeFees(o *order) {
	if o.acc.cfg.Env != EnvReal {
		return
	}
	total := feeTotal(fees(execution{market: o.inst.Market, side: o.side, shares: o.filled, value: round6(o.fillVal)}))
	o.acc.cash = round6(o.acc.cash - (total - o.feesPaid))
	o.feesPaid = total
}
