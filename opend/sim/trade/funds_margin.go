package trade

import (
	"math"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/opend/sim/market"
)

// Futu quotes a margin account's power fields as approximations at a fixed
// margin rate: long buying power at 50%, short selling power at 60%.
const (
	powerLongRate  = 0.5
	powerShortRate = 0.6
)

// buyingPower is the value a new buy of inst may reach: the available cash of
// a cash account; for a margin account, its excess liquidity financed at
// inst's initial margin (never less than its cash). Callers hold mu.
func (e *Engine) buyingPower(a *account, inst market.Instrument) float64 {
	if a.cfg.AccType != accTypeMargin {
		return a.available()
	}
	t := e.marginTerms(inst)
	if !t.longOK {
		return a.available()
	}
	return math.Max(a.available(), e.excessLiquidity(a)/(t.imLong/100))
}

// fillMarginFunds completes Funds with the long and short market values and,
// for a margin account, its debt, margins and margin buying power. Callers
// hold mu.
func (e *Engine) fillMarginFunds(a *account, f *trdcommon.Funds) {
	var longMv, shortMv, im, mm float64
	for _, p := range a.positions {
		price, _ := e.lastPrice(p.inst)
		val := p.qty * price
		t := marginOf(p.inst, e.cfg.Seed)
		if p.qty > 0 {
			longMv += val
			im += val * t.imLong / 100
			mm += val * t.mmLong / 100
		} else {
			shortMv -= val
			im -= val * t.imShort / 100
			mm -= val * t.mmShort / 100
		}
	}
	f.LongMv = proto.Float64(round6(longMv))
	f.ShortMv = proto.Float64(round6(shortMv))
	if a.cfg.AccType != accTypeMargin {
		return
	}
	excess := e.excessLiquidity(a)
	cashAvail := math.Max(a.available(), 0)
	f.DebtCash = proto.Float64(round6(math.Max(-a.cash, 0)))
	f.InitialMargin = proto.Float64(round6(im))
	f.MaintenanceMargin = proto.Float64(round6(mm))
	f.Power = proto.Float64(round6(math.Max(cashAvail, excess/powerLongRate)))
	f.MaxPowerShort = proto.Float64(round6(excess / powerShortRate))
	f.NetCashPower = proto.Float64(round6(cashAvail))
	f.AvailableFunds = proto.Float64(round6(excess))
	withdraw := round6(math.Min(cashAvail, excess))
	f.AvlWithdrawalCash = proto.Float64(withdraw)
	f.MaxWithdrawal = proto.Float64(withdraw)
}
