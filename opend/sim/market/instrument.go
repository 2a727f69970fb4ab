package market

import "strings"

// Markets and codes used by the simulator (values of Qot_Common.QotMarket,
// Qot_Common.SecurityType and Trd_Common.Currency).
const (
	MarketHK int32 = 1
	MarketUS int32 = 11

	SecTypeEqty int32 = 3

	CurrencyHKD int32 = 1
	CurrencyUSD int32 = 2
)

// Instrument is the static description of one security.
type Instrument struct {
	Market   int32  // QotMarket: 1 HK, 11 US
	Code     string // "00700", "AAPL"
	Name     string
	LotSize  int32  // HK e.g. 100 for 00700, 400 for 00005; US 1
	SecType  int32  // 3 = Eqty
	Currency int32  // Trd_Common.Currency: 1 HKD, 2 USD
	ListTime string // "2004-06-16"
	// Terms describes an index, warrant, CBBC, option or future (see kinds.go);
	// nil for stocks and ETFs, which walk on their own.
	Terms *Terms
}

// Key names the security the way Futu's SDKs print it: "HK.00700", "US.AAPL".
func (i Instrument) Key() string {
	return Key(i.Market, i.Code)
}

// Key builds the "MARKET.CODE" key for a QotMarket value and a code.
func Key(market int32, code string) string {
	return MarketPrefix(market) + "." + code
}

// MarketPrefix returns the short market name used in keys ("HK", "US", ...).
func MarketPrefix(market int32) string {
	switch market {
	case 1:
		return "HK"
	case 2:
		return "HK_FUTURE"
	case 11:
		return "US"
	case 21:
		return "SH"
	case 22:
		return "SZ"
	default:
		return "M" + itoa(market)
	}
}

// ParseKey splits "HK.00700" into its market and code.
func ParseKey(key string) (market int32, code string, ok bool) {
	prefix, code, found := strings.Cut(key, ".")
	if !found || code == "" {
		return 0, "", false
	}
	switch prefix {
	case "HK":
		return MarketHK, code, true
	case "US":
		return MarketUS, code, true
	case "SH":
		return 21, code, true
	case "SZ":
		return 22, code, true
	}
	return 0, "", false
}

func itoa(v int32) string {
	if v == 0 {
		return "0"
	}
	neg := v < 0
	var b [12]byte
	i := len(b)
	n := int64(v)
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
