package trade

import (
	"hash/fnv"
	"math"

	"github.com/futugw/gateway/opend/sim/market"
)

// marginTerms are the broker's financing terms for one security, as
// Trd_GetMarginRatio reports them. Ratios are percentages (25 means 25%),
// like Futu's; an initial margin above the alert, margin-call and
// maintenance levels, in that order.
type marginTerms struct {
	longOK, shortOK       bool
	pool                  float64 // shares left in the short pool
	feeRate               float64 // annual borrow rate, percent
	imLong, imShort       float64
	alertLong, alertShort float64
	mcmLong, mcmShort     float64
	mmLong, mmShort       float64
}

// marginTiers are the initial long margins a security may get: large caps
// finance more cheaply than small ones.
var marginTiers = [...]float64{25, 30, 35, 50}

// marginOf derives a security's terms from the seed and its key, so they are
// the same in every run with that seed. Generated securities (codes from
// market.FirstGeneratedCode) are neither marginable nor shortable, like small
// caps outside the broker's lists.
func marginOf(inst market.Instrument, seed uint64) marginTerms {
	h := fnv.New64a()
	h.Write([]byte(inst.Key()))
	x := h.Sum64() ^ seed
	im := marginTiers[x%uint64(len(marginTiers))]
	t := marginTerms{
		longOK: true, shortOK: true,
		imLong: im, alertLong: im * 0.9, mcmLong: im * 0.8, mmLong: im * 0.7,
		imShort: im + 20, alertShort: (im + 20) * 0.9, mcmShort: (im + 20) * 0.8, mmShort: (im + 20) * 0.7,
		feeRate: 1.5 + float64((x>>8)%60)/10,
	}
	lot := float64(max(inst.LotSize, 1))
	t.pool = float64(1_000+(x>>16)%9_000) * lot
	if inst.Market == market.MarketUS {
		t.pool = float64(10_000 + (x>>16)%90_000)
	}
	if isGenerated(inst) {
		t = marginTerms{imLong: 100, alertLong: 100, mcmLong: 100, mmLong: 100,
			imShort: 100, alertShort: 100, mcmShort: 100, mmShort: 100}
	}
	return t
}

func isGenerated(inst market.Instrument) bool {
	if inst.Market != market.MarketHK || len(inst.Code) != 5 {
		return false
	}
	n := 0
	for _, c := range inst.Code {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n >= market.FirstGeneratedCode
}

// floorLots rounds a share count down to whole lots.
func floorLots(qty float64, lot int32) float64 {
	l := float64(max(lot, 1))
	if !(qty > 0) || math.IsInf(qty, 0) {
		return 0
	}
	return math.Floor(qty/l+1e-9) * l
}
