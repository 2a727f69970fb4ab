package market

import (
	"fmt"
	"time"

	"github.com/futugw/gateway/opend/sim/calendar"
)

// Security types beyond stocks (Qot_Common.SecurityType).
const (
	SecTypeTrust   int32 = 4  // ETFs and funds
	SecTypeWarrant int32 = 5  // warrants and CBBCs
	SecTypeIndex   int32 = 6  // indices
	SecTypeDrvt    int32 = 8  // options
	SecTypeFuture  int32 = 10 // futures
)

// Warrant rights (Qot_Common.WarrantType) and option rights (Qot_Common.OptionType).
const (
	WarrantCall int32 = 1
	WarrantPut  int32 = 2
	WarrantBull int32 = 3
	WarrantBear int32 = 4

	OptionCall int32 = 1
	OptionPut  int32 = 2
)

// Issuers (Qot_Common.Issuer) of the simulated warrants.
const (
	IssuerSG int32 = 1
	IssuerBP int32 = 2
	IssuerHS int32 = 7
	IssuerJP int32 = 8
	IssuerUB int32 = 11
)

// Terms are what a non-stock security is and what it derives from. They are
// fixed when the market is built; prices are not part of them.
type Terms struct {
	Owner     string        // underlying key ("HK.00700"); "" for indices
	Right     int32         // WarrantType of a warrant, OptionType of an option
	Strike    float64       // warrants and options
	CallPrice float64       // CBBC mandatory call (recovery) price
	Ratio     float64       // warrants: how many warrants convert into one share
	Expiry    calendar.Date // maturity, expiration or a future's last trading day
	LastTrade calendar.Date // a warrant's last trading day (before maturity)
	Issuer    int32         // Qot_Common.Issuer of a warrant
	IssueSize int64         // warrants issued
	Vol       float64       // model volatility (annual, 0.3 = 30%)
	Main      bool          // a future's main (continuous) contract
	Origin    string        // the main contract's actual month contract key
}

// IsCBBC reports whether the terms describe a bull or bear contract.
func (t *Terms) IsCBBC() bool { return t.Right == WarrantBull || t.Right == WarrantBear }

// Called reports whether a CBBC met its mandatory call event: the underlying
// traded at or through the call price (its day low for a bull, high for a
// bear). A called contract stops trading for good; the day range only widens,
// so this needs no state of its own.
func (t *Terms) Called(underlying Quote) bool {
	switch t.Right {
	case WarrantBull:
		return underlying.Low <= t.CallPrice
	case WarrantBear:
		return underlying.High >= t.CallPrice
	}
	return false
}

// riskFree is the simulated annual interest rate used by every pricing model.
const riskFree = 0.03

// kindsListing is the built-in index, ETF, warrant, CBBC, option and future
// universe for a market starting at start (expirations follow the date).
func kindsListing(start time.Time) []listing {
	hkDay := calendar.DateOf(start.In(calendar.Location(calendar.HK)))
	usDay := calendar.DateOf(start.In(calendar.Location(calendar.US)))
	out := []listing{
		index(MarketHK, "800000", "Hang Seng Index", "1969-11-24", 25000),
		index(MarketUS, ".DJI", "Dow Jones Industrial Average", "1896-05-26", 44000),
		etf(MarketHK, "02800", "TRACKER FUND", 500, "1999-11-12", 25.0),
		etf(MarketUS, "SPY", "SPDR S&P 500 ETF Trust", 1, "1993-01-22", 600.0),
	}
	out = append(out, tencentWarrants(hkDay)...)
	out = append(out, optionChain(usOptions, usDay)...)
	out = append(out, optionChain(hkOptions, hkDay)...)
	out = append(out, hsiFutures(hkDay)...)
	return out
}

func index(mkt int32, code, name, listed string, level float64) listing {
	return listing{Instrument{Market: mkt, Code: code, Name: name, LotSize: 1, SecType: SecTypeIndex,
		Currency: currencyOf(mkt), ListTime: listed, Terms: &Terms{}}, level}
}

func etf(mkt int32, code, name string, lot int32, listed string, price float64) listing {
	return listing{Instrument{Market: mkt, Code: code, Name: name, LotSize: lot, SecType: SecTypeTrust,
		Currency: currencyOf(mkt), ListTime: listed}, price}
}

func currencyOf(mkt int32) int32 {
	if mkt == MarketUS {
		return CurrencyUSD
	}
	return CurrencyHKD
}

// warrantSpec is one simulated warrant or CBBC on HK.00700.
type warrantSpec struct {
	code      string
	issuer    int32
	right     int32
	strike    float64
	callPrice float64
	ratio     float64
	months    int // maturity, months after the start
	vol       float64
}

// IssuerCode is an issuer's short code as HKEX warrant names and Futu's
// issuerCode show it.
func IssuerCode(issuer int32) string {
	switch issuer {
	case IssuerSG:
		return "SG"
	case IssuerBP:
		return "BP"
	case IssuerHS:
		return "HS"
	case IssuerJP:
		return "JP"
	case IssuerUB:
		return "UB"
	}
	return ""
}

// tencentWarrants: calls and puts with their usual five-digit 1xxxx/2xxxx codes,
// bulls and bears with CBBC 5xxxx/6xxxx codes, strikes around HK.00700's 480.
func tencentWarrants(today calendar.Date) []listing {
	specs := []warrantSpec{
		{"13125", IssuerSG, WarrantCall, 520, 0, 100, 6, 0.34},
		{"13188", IssuerHS, WarrantCall, 560, 0, 100, 9, 0.36},
		{"15672", IssuerJP, WarrantCall, 500, 0, 50, 3, 0.33},
		{"19210", IssuerUB, WarrantPut, 440, 0, 100, 6, 0.35},
		{"21880", IssuerBP, WarrantPut, 400, 0, 100, 9, 0.38},
		{"55123", IssuerSG, WarrantBull, 420, 430, 100, 12, 0},
		{"58810", IssuerHS, WarrantBull, 440, 450, 100, 9, 0},
		{"61234", IssuerUB, WarrantBear, 540, 530, 100, 12, 0},
		{"67890", IssuerBP, WarrantBear, 560, 550, 100, 9, 0},
	}
	out := make([]listing, len(specs))
	for i, s := range specs {
		maturity := calendar.PrevTradingDay(calendar.HK, today.AddDays(s.months*30+1))
		last := maturity
		for range 4 { // HKEX: trading stops four trading days before maturity
			last = calendar.PrevTradingDay(calendar.HK, last)
		}
		// HKEX-style short names: "SG-TENCT@EC2606A" (European call), "SG#TENCTRC2612A" (bull).
		style, letter := "-TENCT@E", "C"
		if s.right == WarrantBull || s.right == WarrantBear {
			style = "#TENCTR"
		}
		if s.right == WarrantPut || s.right == WarrantBear {
			letter = "P"
		}
		name := fmt.Sprintf("%s%s%s%02d%02dA", IssuerCode(s.issuer), style, letter, maturity.Year%100, int(maturity.Month))
		out[i] = listing{Instrument{Market: MarketHK, Code: s.code, Name: name, LotSize: 10000,
			SecType: SecTypeWarrant, Currency: CurrencyHKD, ListTime: today.AddDays(-45).String(),
			Terms: &Terms{Owner: "HK.00700", Right: s.right, Strike: s.strike, CallPrice: s.callPrice,
				Ratio: s.ratio, Expiry: maturity, LastTrade: last, Issuer: s.issuer,
				IssueSize: 40_000_000 * int64(1+i%4), Vol: s.vol}}, 0}
	}
	return out
}

// FutureMultiplier is the HSI future's HKD per index point.
const FutureMultiplier = 50

// hsiFutures: the current and next month contracts ("HSI2612", "HSI2701") and
// the main contract "HSImain" that follows the current month. HSI futures stop
// trading on the trading day before the month's last trading day.
func hsiFutures(today calendar.Date) []listing {
	exps := hkExpiries(today)[:2]
	var out []listing
	for _, exp := range exps {
		ym := fmt.Sprintf("%02d%02d", exp.Year%100, int(exp.Month))
		out = append(out, listing{Instrument{Market: MarketHK, Code: "HSI" + ym, Name: "HSI Future " + ym,
			LotSize: FutureMultiplier, SecType: SecTypeFuture, Currency: CurrencyHKD,
			ListTime: exp.AddDays(-400).String(),
			Terms:    &Terms{Owner: "HK.800000", Expiry: exp}}, 0})
	}
	current := out[0]
	main := current
	main.inst.Code, main.inst.Name = "HSImain", "HSI Future Main"
	terms := *current.inst.Terms
	terms.Main, terms.Origin = true, current.inst.Key()
	main.inst.Terms = &terms
	return append([]listing{main}, out...)
}

// withKinds appends the kinds universe and the reference levels of its indices
// and ETFs (derived securities are priced from their underlying instead).
func withKinds(universe []Instrument, refs map[string]float64, now func() time.Time) ([]Instrument, map[string]float64) {
	if now == nil {
		now = time.Now
	}
	ls := kindsListing(now())
	out := make([]Instrument, 0, len(universe)+len(ls))
	out = append(out, universe...)
	for _, l := range ls {
		out = append(out, l.inst)
		if l.price > 0 {
			refs[l.inst.Key()] = l.price
		}
	}
	return out, refs
}
