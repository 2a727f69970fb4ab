package qot

import (
	"slices"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetusersecuritygroup"
	"github.com/futugw/gateway/opend/sim/market"
)

// Qot_GetUserSecurityGroup.GroupType values.
const (
	groupCustom = int32(qotgetusersecuritygroup.GroupType_GroupType_Custom)
	groupSystem = int32(qotgetusersecuritygroup.GroupType_GroupType_System)
	groupAll    = int32(qotgetusersecuritygroup.GroupType_GroupType_All)
)

// systemGroup is a group OpenD derives from the user's custom groups; clients
// can read it but not modify it.
type systemGroup struct {
	name  string
	holds func(market.Instrument) bool
}

var hkMarkets = []int32{
	int32(qotcommon.QotMarket_QotMarket_HK_Security), int32(qotcommon.QotMarket_QotMarket_HK_Future)}
var cnMarkets = []int32{
	int32(qotcommon.QotMarket_QotMarket_CNSH_Security), int32(qotcommon.QotMarket_QotMarket_CNSZ_Security)}

// systemGroups are listed first, in this order, as OpenD lists them.
var systemGroups = []systemGroup{
	{name: "All", holds: func(market.Instrument) bool { return true }},
	{name: "Options", holds: func(i market.Instrument) bool {
		return i.SecType == int32(qotcommon.SecurityType_SecurityType_Drvt)
	}},
	{name: "Hong Kong", holds: func(i market.Instrument) bool { return slices.Contains(hkMarkets, i.Market) }},
	{name: "US", holds: func(i market.Instrument) bool { return i.Market == market.MarketUS }},
	{name: "A-Shares", holds: func(i market.Instrument) bool { return slices.Contains(cnMarkets, i.Market) }},
}

func findSystemGroup(name string) (systemGroup, bool) {
	for _, g := range systemGroups {
		if g.name == name {
			return g, true
		}
	}
	return systemGroup{}, false
}

// customGroup is a user-made group: securities by key, latest added first.
type customGroup struct {
	name string
	keys []string
}

// watchlist is one user's custom groups in creation order. The system groups
// are views over them, so a security leaves "All" when no custom group holds it.
type watchlist struct {
	custom []*customGroup
}

// Default custom groups: a seeded one so panels show something, and an empty one.
const (
	defaultGroup = "Favourites"
	emptyGroup   = "Watching"
)

// defaultWatchlist seeds Favourites with the first two HK and first two US
// equities of the universe, so the starting state is deterministic.
func defaultWatchlist(universe []market.Instrument) *watchlist {
	fav := &customGroup{name: defaultGroup}
	hk, us := 0, 0
	for _, in := range universe {
		if in.SecType != market.SecTypeEqty {
			continue
		}
		switch {
		case in.Market == market.MarketHK && hk < 2:
			hk++
		case in.Market == market.MarketUS && us < 2:
			us++
		default:
			continue
		}
		fav.keys = append(fav.keys, in.Key())
	}
	return &watchlist{custom: []*customGroup{fav, {name: emptyGroup}}}
}

// group returns the first custom group named name (OpenD picks the first of
// same-named groups).
func (w *watchlist) group(name string) *customGroup {
	for _, g := range w.custom {
		if g.name == name {
			return g
		}
	}
	return nil
}

// all returns every watched security once, in custom-group order.
func (w *watchlist) all() []string {
	var out []string
	for _, g := range w.custom {
		for _, k := range g.keys {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

// add puts keys at the top of g in the order given, as the Futu apps show
// the latest additions first; keys already in g stay where they are.
func (g *customGroup) add(keys []string) {
	var fresh []string
	for _, k := range keys {
		if !slices.Contains(g.keys, k) && !slices.Contains(fresh, k) {
			fresh = append(fresh, k)
		}
	}
	g.keys = append(fresh, g.keys...)
}

// remove drops keys from g.
func (g *customGroup) remove(keys []string) {
	g.keys = slices.DeleteFunc(g.keys, func(k string) bool { return slices.Contains(keys, k) })
}

// removeEverywhere deletes keys from the watchlist: from every custom group.
func (w *watchlist) removeEverywhere(keys []string) {
	for _, g := range w.custom {
		g.remove(keys)
	}
}
