package kline

import (
	"hash/fnv"
	"sync"
	"time"

	"github.com/futugw/gateway/opend/sim/market"
)

// Security is what history needs to know of one instrument.
type Security struct {
	Key       string // "HK.00700"
	Market    int32
	LotSize   int32
	LastClose float64   // close of the last trading day before today: the live walk's reference price
	Listed    time.Time // no history before this day; zero = as deep as Config.Years
	// LastDay, for History.Roll, is the 1-minute bars the live day made (a
	// Builder's Minutes), the last history day's bars after the roll; nil =
	// generated like every other day.
	LastDay []Bar
}

// SecurityOf describes inst for history, with the live walk's previous close.
func SecurityOf(inst market.Instrument, lastClose float64) Security {
	listed, _ := time.Parse(time.DateOnly, inst.ListTime)
	return Security{Key: inst.Key(), Market: inst.Market, LotSize: inst.LotSize,
		LastClose: lastClose, Listed: listed}
}

// Config configures History.
type Config struct {
	Seed int64
	// Today is the live day; history covers the trading days before it. Its
	// date (year, month, day, in Today's own location) is the live day of
	// every market.
	Today time.Time
	// Calendar returns a market's calendar; nil = DefaultCalendar.
	Calendar func(market int32) Calendar
	// Years of history before Today; 0 = 10.
	Years int
}

// History hands out the Series of each security, built once on first use.
// It is safe for concurrent use; a Series is immutable.
type History struct {
	cfg Config

	mu     sync.Mutex
	series map[string]*Series
	prev   *History // the History this one was rolled from (roll.go)
}

// NewHistory returns an empty History.
func NewHistory(cfg Config) *History {
	if cfg.Calendar == nil {
		cfg.Calendar = DefaultCalendar
	}
	if cfg.Years <= 0 {
		cfg.Years = 10
	}
	return &History{cfg: cfg, series: make(map[string]*Series)}
}

// Series returns the history of sec. Securities are identified by Key: the
// first call for a key fixes its description.
func (h *History) Series(sec Security) *Series {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s, ok := h.series[sec.Key]; ok {
		return s
	}
	s := h.rolled(sec)
	if s == nil {
		s = newSeries(h.cfg, sec)
	}
	h.series[sec.Key] = s
	return s
}

// seedFor mixes the configured seed with a security key.
func seedFor(seed int64, key string) uint64 {
	f := fnv.New64a()
	f.Write([]byte(key))
	return mix(uint64(seed) ^ f.Sum64())
}

// dayNumber counts days since 1970-01-01 for a local midnight.
func dayNumber(day time.Time) uint64 {
	y, m, d := day.Date()
	return uint64(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
