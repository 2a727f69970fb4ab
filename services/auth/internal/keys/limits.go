package keys

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/futugw/gateway/platform/keypolicy"
)

// Limits restrict what a key may do; the zero value is unlimited. Nil pointers and
// empty lists mean "no limit". The order service enforces them; this package only
// checks that they make sense.
type Limits struct {
	Markets            []string `json:"allowed_markets,omitempty"`
	Symbols            []string `json:"allowed_symbols,omitempty"`
	TrdSides           []string `json:"allowed_trd_sides,omitempty"`
	AccIDs             []string `json:"allowed_acc_ids,omitempty"`
	MaxOrderValue      *float64 `json:"max_order_value,omitempty"`
	MaxDailyValue      *float64 `json:"max_daily_value,omitempty"`
	MaxOrdersPerMinute *int32   `json:"max_orders_per_minute,omitempty"`
	HoursWindow        string   `json:"hours_window,omitempty"` // "" = all day
}

// Check reports every problem of l, with field names under prefix (e.g. "limits").
func (l Limits) Check(prefix string) error {
	var p problems
	l.check(&p, prefix)
	return p.err()
}

func (l Limits) check(p *problems, prefix string) {
	f := func(name string) string { return prefix + "." + name }
	eachUnique(p, f("allowed_markets"), l.Markets, func(m string) string {
		if !keypolicy.KnownMarket(m) {
			return "unknown market " + quote(m) + " (want HK, US, CN, HKCC, SG, JP, AU, MY or CA)"
		}
		return ""
	})
	eachUnique(p, f("allowed_symbols"), l.Symbols, func(s string) string {
		sym, err := ParseSymbol(s)
		if err != nil {
			return err.Error()
		}
		if len(l.Markets) > 0 && !slices.Contains(l.Markets, sym.Market) {
			return "symbol " + s + " is outside allowed_markets"
		}
		return ""
	})
	eachUnique(p, f("allowed_trd_sides"), l.TrdSides, func(s string) string {
		if !keypolicy.KnownTrdSide(s) {
			return "unknown side " + quote(s) + " (want BUY, SELL, SELL_SHORT or BUY_BACK)"
		}
		return ""
	})
	eachUnique(p, f("allowed_acc_ids"), l.AccIDs, func(s string) string {
		if s == "" || !all(s, isDigit) {
			return "account id " + quote(s) + " is not numeric"
		}
		if _, err := strconv.ParseUint(s, 10, 64); err != nil {
			return "account id " + quote(s) + " is out of range"
		}
		return ""
	})
	checkValue(p, f("max_order_value"), l.MaxOrderValue)
	checkValue(p, f("max_daily_value"), l.MaxDailyValue)
	if v := l.MaxOrdersPerMinute; v != nil && (*v < keypolicy.MinOrdersPerMinute || *v > keypolicy.MaxOrdersPerMinute) {
		p.add(f("max_orders_per_minute"), fmt.Sprintf("%d is outside %d..%d", *v, keypolicy.MinOrdersPerMinute, keypolicy.MaxOrdersPerMinute))
	}
	if l.HoursWindow != "" {
		if _, err := keypolicy.ParseHoursWindow(l.HoursWindow); err != nil {
			p.add(f("hours_window"), err.Error())
		}
	}
}

// canonical returns l with its hours window in the canonical form ("09:30-16:00"),
// so a window given with spaces is stored and shown one way. l must have passed check.
func (l Limits) canonical() Limits {
	if w, err := keypolicy.ParseHoursWindow(l.HoursWindow); err == nil {
		l.HoursWindow = w.String()
	}
	return l
}

// eachUnique runs bad on every element and reports its message and duplicates.
func eachUnique(p *problems, field string, list []string, bad func(string) string) {
	seen := make(map[string]bool, len(list))
	for _, s := range list {
		if msg := bad(s); msg != "" {
			p.add(field, msg)
		} else if seen[s] {
			p.add(field, quote(s)+" given twice")
		}
		seen[s] = true
	}
}

func checkValue(p *problems, field string, v *float64) {
	if v == nil {
		return
	}
	if math.IsNaN(*v) || math.IsInf(*v, 0) || *v <= 0 {
		p.add(field, fmt.Sprintf("%v must be a finite number greater than 0", *v))
	}
}
