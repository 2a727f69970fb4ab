package kline

import "time"

// CompanyAct flags (Qot_Common.CompanyAct) used by the simulator.
const (
	ActSplit    int64 = 1
	ActDividend int64 = 64
)

// Action is one corporate action with the facts of Qot_Common.Rehab. Its
// factors follow Futu's convention, per action:
//
//	forward-adjusted price  = price × FwdA + FwdB  (prices before ExDate)
//	backward-adjusted price = price × BwdA + BwdB  (prices on or after ExDate)
//
// A split of SplitBase into SplitErt shares has FwdA = base/ert, BwdA =
// ert/base; a cash dividend D per share has FwdB = -D, BwdB = +D.
type Action struct {
	ExDate              time.Time // local midnight; Rehab.time is its date
	Flag                int64     // CompanyAct bits: ActSplit, ActDividend
	SplitBase, SplitErt int32
	Dividend            float64 // cash per share
	FwdA, FwdB          float64
	BwdA, BwdB          float64
}

// TimeString formats ExDate for Rehab.time ("2006-01-02").
func (a Action) TimeString() string { return a.ExDate.Format(time.DateOnly) }

func splitAction(day time.Time, base, ert int32) Action {
	r := float64(base) / float64(ert)
	return Action{ExDate: day, Flag: ActSplit, SplitBase: base, SplitErt: ert,
		FwdA: r, BwdA: 1 / r}
}

func dividendAction(day time.Time, d float64) Action {
	return Action{ExDate: day, Flag: ActDividend, Dividend: d,
		FwdA: 1, FwdB: -d, BwdA: 1, BwdB: d}
}

// forward maps a price quoted before the ex-date into the units after it.
func (a Action) forward(p float64) float64 { return p*a.FwdA + a.FwdB }

// unforward is the inverse of forward.
func (a Action) unforward(p float64) float64 { return (p - a.FwdB) / a.FwdA }

func (a Action) backward(p float64) float64 { return p*a.BwdA + a.BwdB }

// Adjust returns bars adjusted by acts (in ex-date order) for rehab type rt.
// Forward applies, to a bar of day d, every action with ExDate after d,
// earliest first; backward applies every action with ExDate on or before d,
// latest first. Prices (open, high, low, close, last close) change; volume and
// turnover are the traded facts and stay. Adjust bars of a day or finer, then
// aggregate: a week that spans an ex-date needs its days adjusted one by one.
func Adjust(bars []Bar, acts []Action, rt RehabType) []Bar {
	out := make([]Bar, len(bars))
	copy(out, bars)
	if rt == RehabNone || len(acts) == 0 {
		return out
	}
	for i := range out {
		b := &out[i]
		day := Midnight(b.Time, b.Time.Location())
		f := func(p float64) float64 { return p }
		switch rt {
		case RehabForward:
			f = func(p float64) float64 {
				for _, a := range acts {
					if a.ExDate.After(day) {
						p = a.forward(p)
					}
				}
				return round6(p)
			}
		case RehabBackward:
			f = func(p float64) float64 {
				for j := len(acts) - 1; j >= 0; j-- {
					if !acts[j].ExDate.After(day) {
						p = acts[j].backward(p)
					}
				}
				return round6(p)
			}
		}
		b.Open, b.High, b.Low, b.Close, b.LastClose = f(b.Open), f(b.High), f(b.Low), f(b.Close), f(b.LastClose)
	}
	return out
}
