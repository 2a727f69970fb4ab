package limits

import (
	"strconv"
	"strings"
)

// Order is what the checks look at, already normalised by the caller.
type Order struct {
	Real     bool    // trd_env real (else simulate)
	AccID    uint64  // OpenD account id
	Market   string  // trading market name: HK, US, CN, HKCC
	SecKey   string  // "HK.00700": the security's market prefix and code
	Side     string  // BUY, SELL, SELL_SHORT, BUY_BACK
	IsMarket bool    // a market order (else a limit order)
	Price    float64 // limit price; ignored for market orders
	Qty      float64
}

// SecMarket returns the market prefix of SecKey ("HK" of "HK.00700").
func (o Order) SecMarket() string {
	m, _, _ := strings.Cut(o.SecKey, ".")
	return m
}

// AccIDString is the account id as allowed_acc_ids spells it.
func (o Order) AccIDString() string { return strconv.FormatUint(o.AccID, 10) }
