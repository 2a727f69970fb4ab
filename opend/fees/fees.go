// Package fees is Futu Securities' published standard fee schedule for HK and US
// stocks, with the regulators' levies: what an execution costs an account on the
// standard plan. The simulator charges it on fills and the order service quotes it
// before an order is placed, so the two agree; a user's own plan may differ.
package fees

import "math"

// Markets with a published schedule (Qot_Common.QotMarket).
const (
	MarketHK int32 = 1
	MarketUS int32 = 11
)

// Execution is what fees are charged on: an order's filled (or, for an estimate,
// intended) shares and their value in the market's currency.
type Execution struct {
	Market int32 // QotMarket
	Sell   bool  // a sell or a short sale: US sells also pay the SEC fee and FINRA's TAF
	Shares float64
	Value  float64
}

// Item is one line of an order's charges, as Trd_Common.OrderFeeItem names it.
type Item struct {
	Title string
	Value float64
}

// Fee titles as Futu's order fee details name them.
const (
	Commission     = "Commission"
	PlatformFees   = "Platform Fees"
	StampDuty      = "Stamp Duty"
	TradingFees    = "Trading Fees"
	SFCLevy        = "SFC Transaction Levy"
	FRCLevy        = "FRC Transaction Levy"
	SettlementFees = "Settlement Fees"
	SECFees        = "SEC Fees"
	TAF            = "Trading Activity Fees"
)

// The schedules. Rates are fractions of the trade value unless the name says per
// share.
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
	hkLevyMin        = 0.01

	usCommissionPerShare = 0.0049 // at least USD 0.99, at most 0.5% of value
	usCommissionMin      = 0.99
	usPlatformPerShare   = 0.005 // at least USD 1.00, at most 0.5% of value
	usPlatformMin        = 1.0
	usFeeCapRate         = 0.005
	usSettlePerShare     = 0.003     // clearing/settlement, at most 7% of value
	usSettleCapRate      = 0.07      //
	usSECFeeRate         = 0.0000278 // SEC fee on sells, rounded up to the cent
	usTAFPerShare        = 0.000166  // FINRA trading activity fee on sells, USD 0.01 to 8.30
	usTAFMin             = 0.01
	usTAFMax             = 8.30
)

// For returns the charges of x and their currency. ok is false for a market without
// a published schedule (anything but HK and US securities). An execution of nothing
// costs nothing: an unfilled order pays no minimums.
func For(x Execution) (items []Item, currency string, ok bool) {
	switch x.Market {
	case MarketHK:
		currency = "HKD"
	case MarketUS:
		currency = "USD"
	default:
		return nil, "", false
	}
	if !(x.Value > 0) || !(x.Shares > 0) {
		return nil, currency, true
	}
	if x.Market == MarketUS {
		return us(x), currency, true
	}
	return hk(x), currency, true
}

func hk(x Execution) []Item {
	v := x.Value
	return []Item{
		{Commission, Cents(math.Max(v*hkCommissionRate, hkCommissionMin))},
		{PlatformFees, hkPlatformFee},
		{StampDuty, math.Ceil(v*hkStampDutyRate - 1e-9)},
		{TradingFees, Cents(math.Max(v*hkTradingFeeRate, hkLevyMin))},
		{SFCLevy, Cents(math.Max(v*hkSFCLevyRate, hkLevyMin))},
		{FRCLevy, Cents(math.Max(v*hkFRCLevyRate, hkLevyMin))},
		{SettlementFees, Cents(min(max(v*hkSettleRate, hkSettleMin), hkSettleMax))},
	}
}

func us(x Execution) []Item {
	v, n := x.Value, x.Shares
	capped := func(perShare, floor float64) float64 {
		return Cents(math.Min(math.Max(n*perShare, floor), v*usFeeCapRate))
	}
	out := []Item{
		{Commission, capped(usCommissionPerShare, usCommissionMin)},
		{PlatformFees, capped(usPlatformPerShare, usPlatformMin)},
		{SettlementFees, Cents(math.Min(n*usSettlePerShare, v*usSettleCapRate))},
	}
	if x.Sell {
		out = append(out,
			Item{SECFees, math.Max(upCents(v*usSECFeeRate), 0.01)},
			Item{TAF, math.Min(math.Max(upCents(n*usTAFPerShare), usTAFMin), usTAFMax)},
		)
	}
	return out
}

// Total sums items to the cent.
func Total(items []Item) float64 {
	var t float64
	for _, it := range items {
		t += it.Value
	}
	return Cents(t)
}

// Cents rounds half up to the cent. The epsilon keeps a value that is a whole
// number of half cents in decimal (2.675) from rounding down for its binary error.
func Cents(v float64) float64 { return math.Round(v*100+1e-9) / 100 }

// upCents rounds any fraction up to the cent, as the regulators do for their fees;
// the epsilon keeps an exact cent (1.39 stored as 1.3900000001) from going up.
func upCents(v float64) float64 { return math.Ceil(v*100-1e-6) / 100 }
