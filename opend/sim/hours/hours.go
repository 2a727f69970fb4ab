// Package hours is the simulator's market-hours policy: whether prices walk
// and orders fill around the clock (Always, the default) or only when the
// market trades by package calendar (Calendar). It holds no state; the
// market and the trade engine take its functions as hooks.
package hours

import (
	"fmt"
	"strings"
	"time"

	"github.com/futugw/gateway/opend/sim/calendar"
)

// Mode is the -market-hours setting.
type Mode int8

// Modes. The zero value is Always.
const (
	Always   Mode = iota // prices walk and orders fill at any time
	Calendar             // only while the market trades, at the simulator's clock
)

func (m Mode) String() string {
	if m == Calendar {
		return "calendar"
	}
	return "always"
}

// ParseMode reads a -market-hours value: "always" (or empty) or "calendar".
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "always":
		return Always, nil
	case "calendar":
		return Calendar, nil
	}
	return Always, fmt.Errorf("market hours %q: want always or calendar", s)
}

// Walks reports whether a security of QotMarket mkt trades at t, so its price
// moves: within any session of its market, auctions, US pre-market and
// after-hours included. A market without a calendar always trades.
func Walks(mkt int32, t time.Time) bool {
	m := calendar.Market(mkt)
	if !m.Valid() {
		return true
	}
	_, ok := calendar.SessionAt(m, t)
	return ok
}

// Fills reports whether an order on a security of QotMarket mkt may trigger
// and fill at t: in continuous trading (HK and CN morning and afternoon, the
// US regular session), and for a US order that asked for it (fillOutsideRTH)
// in pre-market and after-hours too. Auctions match no simulated orders. A
// market without a calendar always fills.
func Fills(mkt int32, t time.Time, outsideRTH bool) bool {
	m := calendar.Market(mkt)
	if !m.Valid() {
		return true
	}
	k, ok := calendar.SessionAt(m, t)
	if !ok {
		return false
	}
	switch k {
	case calendar.SessionMorning, calendar.SessionAfternoon, calendar.SessionRegular:
		return true
	case calendar.SessionPreMarket, calendar.SessionAfterHours:
		return outsideRTH
	}
	return false
}
