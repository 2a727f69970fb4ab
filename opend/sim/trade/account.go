package trade

import (
	"math"

	"github.com/futugw/gateway/opend/sim/market"
)

// account is one trading account's mutable state, guarded by Engine.mu.
type account struct {
	cfg       AccountConfig
	cash      float64 // settled cash (buys debit, sells credit at fill time)
	frozen    float64 // cash held for the unfilled part of open limit buys
	realized  float64 // realized P/L of positions closed or reduced today
	positions map[string]*position
	orders    []*order // today's orders in placement order
	fills     []*fill
}

func newAccount(cfg AccountConfig) *account {
	if cfg.AccType == 0 {
		cfg.AccType = accTypeCash
	}
	return &account{cfg: cfg, cash: cfg.Cash, positions: make(map[string]*position)}
}

// available is the cash a new buy can use.
func (a *account) available() float64 { return a.cash - a.frozen }

func (a *account) allows(trdMarket int32) bool {
	for _, m := range a.cfg.Markets {
		if m == trdMarket {
			return true
		}
	}
	return false
}

// position is a long holding of one security.
type position struct {
	id       uint64
	inst     market.Instrument
	qty      float64
	reserved float64 // qty held by open sell orders
	cost     float64 // average cost price
	realized float64

	buyQty, buyVal, sellQty, sellVal float64 // today's trading
}

func (p *position) canSell() float64 { return p.qty - p.reserved }

// round6 keeps money and quantities free of float noise after arithmetic.
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// lotCount returns qty as a whole number of lots, or false if it is not one.
func lotCount(qty float64, lot int32) (int64, bool) {
	if lot <= 0 {
		lot = 1
	}
	if !(qty > 0) || math.IsInf(qty, 0) || qty > 1e15 {
		return 0, false
	}
	n := qty / float64(lot)
	if n != math.Trunc(n) {
		return 0, false
	}
	return int64(n), true
}

// buyBackable is how much of a short position open buy-back orders leave to
// cover.
func (p *position) buyBackable() float64 { return -p.qty - p.reserved }
