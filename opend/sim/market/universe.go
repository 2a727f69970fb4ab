package market

import "strconv"

// listing is one entry of the built-in (or generated) universe: the instrument
// and a reference price (the previous close at start).
type listing struct {
	inst  Instrument
	price float64
}

func hk(code, name string, lot int32, listed string, price float64) listing {
	return listing{Instrument{Market: MarketHK, Code: code, Name: name, LotSize: lot,
		SecType: SecTypeEqty, Currency: CurrencyHKD, ListTime: listed}, price}
}

func us(code, name, listed string, price float64) listing {
	return listing{Instrument{Market: MarketUS, Code: code, Name: name, LotSize: 1,
		SecType: SecTypeEqty, Currency: CurrencyUSD, ListTime: listed}, price}
}

// builtin returns the default universe with reference prices. It is a function,
// not a package variable, so callers can never mutate shared state.
func builtin() []listing {
	return []listing{
		hk("00700", "TENCENT", 100, "2004-06-16", 480.0),
		hk("09988", "BABA-W", 100, "2019-11-26", 120.0),
		hk("00005", "HSBC HOLDINGS", 400, "1991-07-10", 95.0),
		hk("00941", "CHINA MOBILE", 500, "1997-10-23", 85.0),
		hk("03690", "MEITUAN-W", 100, "2018-09-20", 110.0),
		hk("01810", "XIAOMI-W", 200, "2018-07-09", 45.0),
		hk("02318", "PING AN", 500, "2004-06-24", 55.0),
		hk("00388", "HKEX", 100, "2000-06-27", 400.0),
		hk("01299", "AIA", 200, "2010-10-29", 65.0),
		hk("00883", "CNOOC", 1000, "2001-02-28", 20.5),
		us("AAPL", "Apple Inc.", "1980-12-12", 230.0),
		us("MSFT", "Microsoft Corporation", "1986-03-13", 420.0),
		us("NVDA", "NVIDIA Corporation", "1999-01-22", 180.0),
		us("TSLA", "Tesla, Inc.", "2010-06-29", 350.0),
		us("AMZN", "Amazon.com, Inc.", "1997-05-15", 220.0),
		us("GOOG", "Alphabet Inc. Class C", "2014-03-27", 190.0),
		us("META", "Meta Platforms, Inc.", "2012-05-18", 700.0),
		us("AMD", "Advanced Micro Devices, Inc.", "1972-09-27", 160.0),
		us("NFLX", "Netflix, Inc.", "2002-05-23", 1200.0),
		us("BABA", "Alibaba Group Holding Limited", "2014-09-19", 150.0),
	}
}

// Generated securities: HK equities with codes from FirstGeneratedCode up, which no
// built-in code uses, for load tests that need a larger universe.
const (
	FirstGeneratedCode = 80000
	MaxGenerated       = 99999 - FirstGeneratedCode + 1 // codes stay five digits
)

// generated returns n generated HK equities: codes "80000", "80001", ..., name
// "SIM <code>", lot 100, and reference prices spread deterministically over 10-200
// HKD in steps of 0.1 (on the tick grid of every band in that range). n is clamped
// to [0, MaxGenerated].
func generated(n int) []listing {
	n = min(max(n, 0), MaxGenerated)
	out := make([]listing, n)
	for i := range n {
		code := strconv.Itoa(FirstGeneratedCode + i)
		// 7919 and 1901 are coprime: consecutive codes land far apart in the range.
		price := Snap(MarketHK, 10+float64(i*7919%1901)/10)
		out[i] = hk(code, "SIM "+code, 100, "2020-01-02", price)
	}
	return out
}

// listings is the built-in universe followed by extra generated securities.
func listings(extra int) []listing {
	return append(builtin(), generated(extra)...)
}

// DefaultUniverse returns about 20 HK and US stocks (a fresh slice each call).
func DefaultUniverse() []Instrument { return instruments(builtin()) }

func instruments(ls []listing) []Instrument {
	out := make([]Instrument, len(ls))
	for i, l := range ls {
		out[i] = l.inst
	}
	return out
}

// referencePrices returns the reference price of every built-in security and of
// the first extra generated ones, by key.
func referencePrices(extra int) map[string]float64 {
	ls := listings(extra)
	out := make(map[string]float64, len(ls))
	for _, l := range ls {
		out[l.inst.Key()] = l.price
	}
	return out
}
