package cli

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

// readArgs are the arguments of the read commands.
type readArgs struct {
	symbols    []string              // as typed, before parsing
	Securities []*gatewayv1.Security // quote; kline's one security first
	Period     catalogv1.KLType      // kline
	Rehab      catalogv1.RehabType   // kline
	Count      int                   // kline: the newest Count bars
	AccID      uint64                // orders, positions, funds: 0 = every account the key sees
	Env        *gatewayv1.TrdEnv     // nil = every environment
	Market     gatewayv1.TrdMarket   // TRD_MARKET_UNKNOWN = each market of the account
}

// maxQuoteSecurities bounds one quote call (the quote service's own bound).
const maxQuoteSecurities = 50

// maxKLines bounds kline --count.
const maxKLines = 1000

// qotMarkets are the prefixes of Futu's security names ("HK.00700", "SH.600519")
// and their Qot_Common.QotMarket numbers.
var qotMarkets = map[string]int32{"HK": 1, "HK_FUTURE": 2, "US": 11, "SH": 21, "SZ": 22,
	"SG": 31, "JP": 41, "AU": 51, "MY": 61, "CA": 71}

// qotMarketNames are the same prefixes by number, for printing.
var qotMarketNames = func() map[int32]string {
	m := map[int32]string{}
	for k, v := range qotMarkets {
		m[v] = k
	}
	return m
}()

// ParseSecurity reads a security the way Futu's SDKs print it: MARKET.CODE with
// MARKET one of HK, US, SH, SZ, HK_FUTURE, SG, JP, AU, MY, CA (e.g. HK.00700,
// US.AAPL, US.BRK.B, SH.600519). Whether the gateway serves that market is the
// gateway's to say.
func ParseSecurity(s string) (*gatewayv1.Security, error) {
	market, code, ok := strings.Cut(s, ".")
	n, known := qotMarkets[strings.ToUpper(market)]
	switch {
	case len(s) > 32:
		return nil, usagef("security %.32q...: longer than 32 characters", s)
	case !ok || market == "" || code == "":
		return nil, usagef("security %q is not MARKET.CODE (e.g. HK.00700, US.AAPL)", s)
	case !known:
		return nil, usagef("security %q: unknown market %q (want HK, US, SH, SZ, HK_FUTURE, SG, JP, AU, MY or CA)", s, market)
	}
	return &gatewayv1.Security{Market: n, Code: code}, nil
}

// secKey prints a security as MARKET.CODE.
func secKey(market int32, code string) string {
	if p, ok := qotMarketNames[market]; ok {
		return p + "." + code
	}
	return fmt.Sprintf("%d.%s", market, code)
}

func quoteFlags(c *Command) func() error {
	return func() error {
		if len(c.Read.symbols) == 0 {
			return usagef("usage: futucli quote SECURITY... (e.g. futucli quote HK.00700 US.AAPL)")
		}
		if len(c.Read.symbols) > maxQuoteSecurities {
			return usagef("quote: at most %d securities at once", maxQuoteSecurities)
		}
		return c.Read.parseSecurities()
	}
}

func (r *readArgs) parseSecurities() error {
	for _, s := range r.symbols {
		sec, err := ParseSecurity(s)
		if err != nil {
			return err
		}
		r.Securities = append(r.Securities, sec)
	}
	return nil
}

// klPeriods are kline's --period values.
var klPeriods = []struct {
	name string
	kl   catalogv1.KLType
}{
	{"day", catalogv1.KLType_KL_TYPE_DAY}, {"week", catalogv1.KLType_KL_TYPE_WEEK},
	{"month", catalogv1.KLType_KL_TYPE_MONTH}, {"1m", catalogv1.KLType_KL_TYPE_1_MIN},
	{"5m", catalogv1.KLType_KL_TYPE_5_MIN}, {"15m", catalogv1.KLType_KL_TYPE_15_MIN},
	{"30m", catalogv1.KLType_KL_TYPE_30_MIN}, {"60m", catalogv1.KLType_KL_TYPE_60_MIN},
}

var klRehabs = map[string]catalogv1.RehabType{"none": catalogv1.RehabType_REHAB_TYPE_NONE,
	"forward": catalogv1.RehabType_REHAB_TYPE_FORWARD, "backward": catalogv1.RehabType_REHAB_TYPE_BACKWARD}

func klineFlags(fs *flag.FlagSet, c *Command) func() error {
	var period, rehab string
	names := make([]string, len(klPeriods))
	for i, p := range klPeriods {
		names[i] = p.name
	}
	fs.StringVar(&period, "period", "day", "bar length: "+strings.Join(names, "|"))
	fs.IntVar(&c.Read.Count, "count", 20, fmt.Sprintf("how many of the newest bars (1..%d)", maxKLines))
	fs.StringVar(&rehab, "rehab", "forward", "price adjustment: forward|backward|none")
	return func() error {
		if len(c.Read.symbols) != 1 {
			return usagef("usage: futucli kline SECURITY [--period day] [--count 20] (one security)")
		}
		found := false
		for _, p := range klPeriods {
			if p.name == period {
				c.Read.Period, found = p.kl, true
			}
		}
		if !found {
			return usagef("kline: --period %q: want one of %s", period, strings.Join(names, ", "))
		}
		rt, ok := klRehabs[rehab]
		if !ok {
			return usagef("kline: --rehab %q: want forward, backward or none", rehab)
		}
		c.Read.Rehab = rt
		if c.Read.Count < 1 || c.Read.Count > maxKLines {
			return usagef("kline: --count %d: want 1..%d", c.Read.Count, maxKLines)
		}
		return c.Read.parseSecurities()
	}
}

func accountFlags(fs *flag.FlagSet, c *Command) func() error {
	var acc, env, market string
	fs.StringVar(&acc, "acc-id", "", "one account (default: every account the key sees)")
	fs.StringVar(&env, "env", "", "simulate or real (default: both; simulate for an --acc-id the key does not list)")
	fs.StringVar(&market, "market", "", "HK, US, CN or HKCC (default: each market of the account; HK for an --acc-id the key does not list)")
	return func() error {
		if acc != "" {
			id, err := strconv.ParseUint(acc, 10, 64)
			if err != nil || id == 0 {
				return usagef("%s: --acc-id %q is not an account id (a positive number)", c.Name, acc)
			}
			c.Read.AccID = id
		}
		switch strings.ToLower(env) {
		case "":
		case "simulate":
			c.Read.Env = gatewayv1.TrdEnv_TRD_ENV_SIMULATE.Enum()
		case "real":
			c.Read.Env = gatewayv1.TrdEnv_TRD_ENV_REAL.Enum()
		default:
			return usagef("%s: --env %q: want simulate or real", c.Name, env)
		}
		if market != "" {
			m, ok := gatewayv1.TrdMarket_value["TRD_MARKET_"+strings.ToUpper(market)]
			if !ok || m == 0 {
				return usagef("%s: --market %q: want HK, US, CN or HKCC", c.Name, market)
			}
			c.Read.Market = gatewayv1.TrdMarket(m)
		}
		return nil
	}
}
