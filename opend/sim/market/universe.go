package market

// listing is one entry of the built-in universe: the instrument and a
// realistic reference price (the previous close at start).
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

// DefaultUniverse returns about 20 HK and US stocks (a fresh slice each call).
func DefaultUniverse() []Instrument {
	b := builtin()
	out := make([]Instrument, len(b))
	for i, l := range b {
		out[i] = l.inst
	}
	return out
}

// referencePrice returns the built-in reference price for a key, if any.
func referencePrice(key string) (float64, bool) {
	for _, l := range builtin() {
		if l.inst.Key() == key {
			return l.price, true
		}
	}
	return 0, false
}
