// Package seckey is the one text form of a security the gateway keys pushes,
// subscriptions and key policies by: "HK.00700" and "US.AAPL" for the two markets
// it trades (QotMarket 1 and 11), the market's number otherwise ("21.600519").
package seckey

import "strconv"

// QotMarket values with a name in keys.
const (
	MarketHK int32 = 1
	MarketUS int32 = 11
)

// Of is the key of the security (market, code).
func Of(market int32, code string) string {
	switch market {
	case MarketHK:
		return "HK." + code
	case MarketUS:
		return "US." + code
	}
	return strconv.Itoa(int(market)) + "." + code
}
