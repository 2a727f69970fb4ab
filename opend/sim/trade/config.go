package trade

import (
	"log/slog"
	"time"

	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/platform/obs"
)

// Trd_Common enum values the simulator uses.
const (
	EnvSimulate int32 = 0
	EnvReal     int32 = 1

	TrdMarketHK int32 = 1
	TrdMarketUS int32 = 2

	accTypeCash        int32 = 1
	accTypeMargin      int32 = 2
	firmFutuSecurities int32 = 1
	simAccTypeStock    int32 = 1
)

// AccountConfig describes one trading account.
type AccountConfig struct {
	ID       uint64
	Env      int32   // EnvSimulate or EnvReal
	Markets  []int32 // trdMarketAuthList: TrdMarketHK and/or TrdMarketUS
	Currency int32   // Trd_Common.Currency of the cash: 1 HKD, 2 USD
	Cash     float64 // starting cash
	AccType  int32   // Trd_Common.TrdAccType; 0 = Cash (1)
	CardNum  string  // shown in Trd_GetAccList for real accounts
}

// DefaultAccounts returns one simulate and one real account for HK and for US:
// 1001 HK sim, 1002 US sim, 2001 HK real, 2002 US real, with HKD 1,000,000 or
// USD 200,000 of cash.
func DefaultAccounts() []AccountConfig {
	return []AccountConfig{
		{ID: 1001, Env: EnvSimulate, Markets: []int32{TrdMarketHK}, Currency: market.CurrencyHKD, Cash: 1_000_000},
		{ID: 1002, Env: EnvSimulate, Markets: []int32{TrdMarketUS}, Currency: market.CurrencyUSD, Cash: 200_000},
		{ID: 2001, Env: EnvReal, Markets: []int32{TrdMarketHK}, Currency: market.CurrencyHKD, Cash: 1_000_000,
			AccType: accTypeMargin, CardNum: "1001100320012001"},
		{ID: 2002, Env: EnvReal, Markets: []int32{TrdMarketUS}, Currency: market.CurrencyUSD, Cash: 200_000,
			AccType: accTypeMargin, CardNum: "1001100320012002"},
	}
}

// DefaultTradePassword unlocks real accounts when Config.TradePassword is empty.
const DefaultTradePassword = "123456"

// Config configures an Engine. The zero value is usable.
type Config struct {
	Accounts      []AccountConfig // nil = DefaultAccounts()
	TradePassword string          // plaintext; clients send its MD5; "" = DefaultTradePassword

	// MaxFillFraction caps one fill of a limit order at this part of the
	// remaining lots (at least one lot); 0 = 0.5. 1 allows a full fill at once.
	MaxFillFraction float64

	// Fills, when set, says whether an order on a QotMarket may trigger and
	// fill at an instant, given whether it may fill outside regular trading
	// hours (package hours); orders wait otherwise. nil = always.
	Fills func(market int32, now time.Time, outsideRTH bool) bool

	Seed   uint64           // seeds the fill sizes
	Now    func() time.Time // clock; nil = time.Now
	Logger *slog.Logger     // nil = discarded
}

func (c Config) withDefaults() Config {
	if c.Accounts == nil {
		c.Accounts = DefaultAccounts()
	}
	if c.TradePassword == "" {
		c.TradePassword = DefaultTradePassword
	}
	if !(c.MaxFillFraction > 0) || c.MaxFillFraction > 1 {
		c.MaxFillFraction = 0.5
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Logger = obs.OrDiscard(c.Logger)
	return c
}

// qotMarket maps a TrdMarket to the QotMarket of its securities.
func qotMarket(trdMarket int32) (int32, bool) {
	switch trdMarket {
	case TrdMarketHK:
		return market.MarketHK, true
	case TrdMarketUS:
		return market.MarketUS, true
	}
	return 0, false
}

// secMarketQot maps a TrdSecMarket to a QotMarket.
func secMarketQot(secMarket int32) (int32, bool) {
	switch secMarket {
	case 1:
		return market.MarketHK, true
	case 2:
		return market.MarketUS, true
	}
	return 0, false
}

// trdSecMarket maps a QotMarket back to the TrdSecMarket shown in orders.
func trdSecMarket(qot int32) int32 {
	switch qot {
	case market.MarketHK:
		return 1
	case market.MarketUS:
		return 2
	}
	return 0
}

// trdMarketOf maps a QotMarket to the TrdMarket that trades it.
func trdMarketOf(qot int32) int32 {
	switch qot {
	case market.MarketHK:
		return TrdMarketHK
	case market.MarketUS:
		return TrdMarketUS
	}
	return 0
}
