package market

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/futugw/gateway/opend/sim/calendar"
)

// chainSpec is an underlying with listed options.
type chainSpec struct {
	owner      string
	market     int32
	root       string  // option code root: "AAPL", "TCH"
	name       string  // name prefix
	ref        float64 // the strikes centre around this price
	step       float64 // strike spacing
	strikes    int     // strikes each side of the centre
	multiplier int32   // shares per contract
	vol        float64 // at-the-money volatility
	expiries   func(today calendar.Date) []calendar.Date
}

var (
	usOptions = chainSpec{owner: "US.AAPL", market: MarketUS, root: "AAPL", name: "AAPL", ref: 230, step: 5,
		strikes: 5, multiplier: 100, vol: 0.28, expiries: usExpiries}
	hkOptions = chainSpec{owner: "HK.00700", market: MarketHK, root: "TCH", name: "TCH", ref: 480, step: 10,
		strikes: 5, multiplier: 100, vol: 0.33, expiries: hkExpiries}
)

// usExpiries: the next four weekly Fridays and the monthly third Fridays of
// the following three months; a Friday holiday moves the expiry a day earlier.
func usExpiries(today calendar.Date) []calendar.Date {
	var out []calendar.Date
	add := func(d calendar.Date) {
		if !calendar.IsTradingDay(calendar.US, d) {
			d = calendar.PrevTradingDay(calendar.US, d)
		}
		if d.Before(today) {
			return
		}
		for _, e := range out {
			if e == d {
				return
			}
		}
		out = append(out, d)
	}
	fri := today
	for fri.Weekday() != time.Friday {
		fri = fri.AddDays(1)
	}
	for i := range 4 {
		add(fri.AddDays(7 * i))
	}
	for i := 1; i <= 3; i++ {
		first := calendar.NewDate(today.Year, today.Month+time.Month(i), 1)
		d := first
		for d.Weekday() != time.Friday {
			d = d.AddDays(1)
		}
		add(d.AddDays(14))
	}
	return out
}

// hkExpiries: HKEX stock options expire on the trading day before the last
// trading day of the month; the next three expiries from today.
func hkExpiries(today calendar.Date) []calendar.Date {
	var out []calendar.Date
	for i := 0; len(out) < 3 && i < 6; i++ {
		end := calendar.NewDate(today.Year, today.Month+time.Month(i+1), 0) // last day of the month
		lastTrading := end
		if !calendar.IsTradingDay(calendar.HK, end) {
			lastTrading = calendar.PrevTradingDay(calendar.HK, end)
		}
		exp := calendar.PrevTradingDay(calendar.HK, lastTrading)
		if !exp.Before(today) {
			out = append(out, exp)
		}
	}
	return out
}

// OptionCode builds Futu's option code: root, yymmdd, C or P, strike x 1000
// ("AAPL261218C230000", "TCH261230C480000").
func OptionCode(root string, expiry calendar.Date, right int32, strike float64) string {
	cp := "C"
	if right == OptionPut {
		cp = "P"
	}
	return fmt.Sprintf("%s%02d%02d%02d%s%d", root, expiry.Year%100, int(expiry.Month), expiry.Day, cp,
		int64(math.Round(strike*1000)))
}

func optionChain(c chainSpec, today calendar.Date) []listing {
	var out []listing
	for _, exp := range c.expiries(today) {
		for i := -c.strikes; i <= c.strikes; i++ {
			strike := c.ref + float64(i)*c.step
			// A gentle smile: away-from-the-money strikes trade at a higher volatility.
			m := math.Log(strike / c.ref)
			vol := c.vol + 0.8*m*m
			for _, right := range []int32{OptionCall, OptionPut} {
				code := OptionCode(c.root, exp, right, strike)
				kind := map[int32]string{OptionCall: "Call", OptionPut: "Put"}[right]
				name := fmt.Sprintf("%s %02d%02d%02d %s %s", c.name, exp.Year%100, int(exp.Month), exp.Day,
					strconv.FormatFloat(strike, 'f', -1, 64), kind)
				out = append(out, listing{Instrument{Market: c.market, Code: code, Name: name,
					LotSize: c.multiplier, SecType: SecTypeDrvt, Currency: currencyOf(c.market),
					ListTime: exp.AddDays(-120).String(),
					Terms:    &Terms{Owner: c.owner, Right: right, Strike: strike, Expiry: exp, Vol: vol}}, 0})
			}
		}
	}
	return out
}
