package kline

import (
	"math"
	"time"
)

// TimeLayout is how Futu writes KLine.time, in the market's local time.
const TimeLayout = "2006-01-02 15:04:05"

// Bar is one K-line with the facts of Qot_Common.KLine.
//
// Time follows Futu's labels: an intraday bar is labelled by its end (the
// 09:30-09:31 minute is "09:31:00", the first 60-minute bar of HK "10:30:00",
// a bar cut short by a session end carries that end, e.g. "12:00:00"); a day
// bar by its local midnight; a week, month, quarter or year bar by the local
// midnight of its first trading day (our choice, documented here).
//
// LastClose is the close of the bar before it of the same period (for the
// first bar of a day, the previous trading day's close, adjusted for a
// corporate action whose ex-date is that day).
type Bar struct {
	Time                              time.Time
	Open, High, Low, Close, LastClose float64
	Volume                            int64
	Turnover                          float64
}

// TimeString formats Time the way KLine.time carries it.
func (b Bar) TimeString() string { return b.Time.Format(TimeLayout) }

// Timestamp is KLine.timestamp: Time in Unix seconds.
func (b Bar) Timestamp() float64 { return float64(b.Time.Unix()) }

// ChangeRate is KLine.changeRate: the change from LastClose in percent (20
// means 20%), 0 without a LastClose.
func (b Bar) ChangeRate() float64 {
	if b.LastClose <= 0 {
		return 0
	}
	return round6((b.Close - b.LastClose) / b.LastClose * 100)
}

// merge folds b, the next bar in time, into acc.
func merge(acc, b Bar) Bar {
	acc.High = math.Max(acc.High, b.High)
	acc.Low = math.Min(acc.Low, b.Low)
	acc.Close = b.Close
	acc.Volume += b.Volume
	acc.Turnover += b.Turnover
	return acc
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
