package calendar

import (
	"strconv"
	"sync"
	"time"

	_ "time/tzdata" // the zones below load even where the system has no zoneinfo
)

// Market is a Futu Qot_Common.QotMarket value. HK, US, CNSH and CNSZ have
// calendars; the two A-share exchanges share one.
type Market int32

// Qot_Common.QotMarket values with a calendar.
const (
	HK   Market = 1  // QotMarket_HK_Security
	US   Market = 11 // QotMarket_US_Security
	CNSH Market = 21 // QotMarket_CNSH_Security
	CNSZ Market = 22 // QotMarket_CNSZ_Security
)

// Valid reports whether the package has a calendar for m.
func (m Market) Valid() bool {
	switch m {
	case HK, US, CNSH, CNSZ:
		return true
	}
	return false
}

func (m Market) String() string {
	switch m {
	case HK:
		return "HK"
	case US:
		return "US"
	case CNSH:
		return "SH"
	case CNSZ:
		return "SZ"
	}
	return "Market(" + strconv.Itoa(int(m)) + ")"
}

var zones = sync.OnceValue(func() map[Market]*time.Location {
	load := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil { // unreachable: time/tzdata is linked in
			panic("calendar: " + err.Error())
		}
		return loc
	}
	cn := load("Asia/Shanghai")
	return map[Market]*time.Location{
		HK:   load("Asia/Hong_Kong"),
		US:   load("America/New_York"),
		CNSH: cn,
		CNSZ: cn,
	}
})

// Location returns the market's time zone; UTC for a market without a calendar.
func Location(m Market) *time.Location {
	if loc, ok := zones()[m]; ok {
		return loc
	}
	return time.UTC
}

// TradeDateMarket is a Futu Qot_Common.TradeDateMarket value, the market field
// of Qot_RequestTradeDate.
type TradeDateMarket int32

// Qot_Common.TradeDateMarket values with a calendar here.
const (
	TradeDateMarketUnknown TradeDateMarket = 0
	TradeDateMarketHK      TradeDateMarket = 1
	TradeDateMarketUS      TradeDateMarket = 2
	TradeDateMarketCN      TradeDateMarket = 3
)

// Market returns the calendar's market for a TradeDateMarket (CNSH for CN);
// false for markets without a calendar (Stock Connect, Japan, ...).
func (t TradeDateMarket) Market() (Market, bool) {
	switch t {
	case TradeDateMarketHK:
		return HK, true
	case TradeDateMarketUS:
		return US, true
	case TradeDateMarketCN:
		return CNSH, true
	}
	return 0, false
}

// TradeDateType is a Futu Qot_Common.TradeDateType value: which part of a
// trading day trades.
type TradeDateType int32

// Qot_Common.TradeDateType values. Half days (HK, US) trade the morning only.
const (
	TradeDateWhole     TradeDateType = 0 // TradeDateType_Whole
	TradeDateMorning   TradeDateType = 1 // TradeDateType_Morning
	TradeDateAfternoon TradeDateType = 2 // TradeDateType_Afternoon
)
