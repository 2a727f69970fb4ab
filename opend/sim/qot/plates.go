package qot

import (
	"hash/fnv"
	"slices"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/opend/sim/market"
)

// Qot_Common.PlateSetType values.
const (
	plateSetAll      = int32(qotcommon.PlateSetType_PlateSetType_All)
	plateSetIndustry = int32(qotcommon.PlateSetType_PlateSetType_Industry)
	plateSetConcept  = int32(qotcommon.PlateSetType_PlateSetType_Concept)
)

// plate is one industry or concept board of a market.
type plate struct {
	market int32
	code   string // "BK1001": shown as "HK.BK1001"
	name   string
	typ    int32 // plateSetIndustry or plateSetConcept
	// codes lists the built-in members; industries also take in every other
	// equity of their market by hash (see industryOf), so a larger universe is
	// covered too.
	codes []string
}

func (p plate) key() string { return market.Key(p.market, p.code) }

// plateCatalog is the simulator's small taxonomy. HK and US region plates are
// empty, as in OpenD ("港美股市场的地域分类数据暂为空"); A-shares have no
// equities in the universe, hence no plates.
var plateCatalog = []plate{
	{market.MarketHK, "BK1001", "Software & Internet", plateSetIndustry, []string{"00700", "09988", "03690"}},
	{market.MarketHK, "BK1002", "Banks", plateSetIndustry, []string{"00005"}},
	{market.MarketHK, "BK1003", "Telecommunications", plateSetIndustry, []string{"00941"}},
	{market.MarketHK, "BK1004", "Consumer Electronics", plateSetIndustry, []string{"01810"}},
	{market.MarketHK, "BK1005", "Insurance", plateSetIndustry, []string{"02318", "01299"}},
	{market.MarketHK, "BK1006", "Exchanges & Financial Data", plateSetIndustry, []string{"00388"}},
	{market.MarketHK, "BK1007", "Oil & Gas", plateSetIndustry, []string{"00883"}},
	{market.MarketHK, "BK1501", "Hang Seng Index Constituents", plateSetConcept,
		[]string{"00700", "09988", "00005", "00941", "03690", "01810", "02318", "00388", "01299", "00883"}},
	{market.MarketHK, "BK1502", "Chinese Internet", plateSetConcept, []string{"00700", "09988", "03690", "01810"}},
	{market.MarketHK, "BK1503", "High Dividend", plateSetConcept, []string{"00005", "00941", "00883", "02318"}},
	{market.MarketUS, "BK2001", "Internet Content & Information", plateSetIndustry, []string{"GOOG", "META"}},
	{market.MarketUS, "BK2002", "Consumer Electronics", plateSetIndustry, []string{"AAPL"}},
	{market.MarketUS, "BK2003", "Software", plateSetIndustry, []string{"MSFT"}},
	{market.MarketUS, "BK2004", "Semiconductors", plateSetIndustry, []string{"NVDA", "AMD"}},
	{market.MarketUS, "BK2005", "Auto Manufacturers", plateSetIndustry, []string{"TSLA"}},
	{market.MarketUS, "BK2006", "Internet Retail", plateSetIndustry, []string{"AMZN", "BABA"}},
	{market.MarketUS, "BK2007", "Entertainment", plateSetIndustry, []string{"NFLX"}},
	{market.MarketUS, "BK2501", "Magnificent Seven", plateSetConcept, []string{"AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "GOOG", "META"}},
	{market.MarketUS, "BK2502", "AI Chips & Cloud", plateSetConcept, []string{"NVDA", "AMD", "MSFT", "GOOG", "AMZN"}},
	{market.MarketUS, "BK2503", "China Concept Stocks", plateSetConcept, []string{"BABA"}},
}

// plateMarket is the market whose plates a QotMarket asks for: Futu files
// SH and SZ plates together.
func plateMarket(qotMarket int32) int32 {
	if isCN(qotMarket) {
		return int32(qotcommon.QotMarket_QotMarket_CNSH_Security)
	}
	return qotMarket
}

func findPlate(key string) (plate, bool) {
	for _, p := range plateCatalog {
		if p.key() == key {
			return p, true
		}
	}
	return plate{}, false
}

// industryOf returns the industry plate of an equity: its listed one, or for
// an equity not in the catalog one chosen by a hash of its key, so every
// equity has exactly one industry.
func industryOf(in market.Instrument) (plate, bool) {
	if in.SecType != market.SecTypeEqty {
		return plate{}, false
	}
	var industries []plate
	for _, p := range plateCatalog {
		if p.market != in.Market || p.typ != plateSetIndustry {
			continue
		}
		if slices.Contains(p.codes, in.Code) {
			return p, true
		}
		industries = append(industries, p)
	}
	if len(industries) == 0 {
		return plate{}, false
	}
	h := fnv.New32a()
	h.Write([]byte(in.Key()))
	return industries[h.Sum32()%uint32(len(industries))], true
}

// ownerPlates returns the plates an instrument belongs to, in catalog order.
// It is the one definition of membership: plateMembers is its inverse.
func ownerPlates(in market.Instrument) []plate {
	industry, ok := industryOf(in)
	var out []plate
	for _, p := range plateCatalog {
		switch {
		case ok && p.key() == industry.key():
			out = append(out, p)
		case p.typ == plateSetConcept && p.market == in.Market && slices.Contains(p.codes, in.Code) &&
			in.SecType == market.SecTypeEqty:
			out = append(out, p)
		}
	}
	return out
}

// plateMembers returns the universe's instruments that belong to p.
func plateMembers(p plate, universe []market.Instrument) []market.Instrument {
	var out []market.Instrument
	for _, in := range universe {
		if slices.ContainsFunc(ownerPlates(in), func(o plate) bool { return o.key() == p.key() }) {
			out = append(out, in)
		}
	}
	return out
}
