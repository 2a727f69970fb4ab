// Package kline is the simulator's K-line data model: deterministic synthetic
// history (1-minute and day bars on a trading calendar, with corporate actions
// and their rehab factors), one aggregation function for every period, paging
// for Qot_RequestHistoryKL, and a Builder that turns the live walk's ticks into
// today's bars. It knows nothing of protobuf; the qot handlers translate.
package kline

// KLType is Qot_Common.KLType.
type KLType int32

// Values of Qot_Common.KLType.
const (
	KLUnknown KLType = 0
	KL1Min    KLType = 1
	KLDay     KLType = 2
	KLWeek    KLType = 3
	KLMonth   KLType = 4
	KLYear    KLType = 5
	KL5Min    KLType = 6
	KL15Min   KLType = 7
	KL30Min   KLType = 8
	KL60Min   KLType = 9
	KL3Min    KLType = 10
	KLQuarter KLType = 11
	KL10Min   KLType = 12
	KL120Min  KLType = 13
	KL180Min  KLType = 14
	KL240Min  KLType = 15
)

// RehabType is Qot_Common.RehabType.
type RehabType int32

// Values of Qot_Common.RehabType.
const (
	RehabNone     RehabType = 0
	RehabForward  RehabType = 1
	RehabBackward RehabType = 2
)

// Minutes returns the length of an intraday period in minutes, or 0 for day
// and longer periods and unknown values.
func (k KLType) Minutes() int {
	switch k {
	case KL1Min:
		return 1
	case KL3Min:
		return 3
	case KL5Min:
		return 5
	case KL10Min:
		return 10
	case KL15Min:
		return 15
	case KL30Min:
		return 30
	case KL60Min:
		return 60
	case KL120Min:
		return 120
	case KL180Min:
		return 180
	case KL240Min:
		return 240
	}
	return 0
}

// Valid reports whether k is a period this package builds.
func (k KLType) Valid() bool {
	switch k {
	case KLDay, KLWeek, KLMonth, KLQuarter, KLYear:
		return true
	}
	return k.Minutes() > 0
}

// Valid reports whether r is one of the three rehab types.
func (r RehabType) Valid() bool { return r >= RehabNone && r <= RehabBackward }
