package qot

import (
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// Qot_Common.ExchType values reported for the non-stock kinds.
const (
	exchHKMain   int32 = 1
	exchHKEX     int32 = 3 // HK derivatives (futures, stock options)
	exchUSNYSE   int32 = 4
	exchUSOption int32 = 8
)

// Qot_Common enums used by the kinds' ex-data.
const (
	indexOptionNone   int32 = 0
	areaAmerican      int32 = 1
	cycleWeek         int32 = 1
	cycleMonth        int32 = 2
	optionStandard    int32 = 1
	settlementPM      int32 = 2
	warrantNormal     int32 = 1 // Qot_Common.WarrantStatus_Normal
	warrantStopTrade  int32 = 3 // a called CBBC
	priceTypeOutside  int32 = 1 // Qot_Common.PriceType
	priceTypeWithin   int32 = 2
	assetClassStock   int32 = 1
	secStatusNormal   int32 = 1
	refWarrant        int32 = 1 // Qot_GetReference.ReferenceType
	refFuture         int32 = 2
	optionCondWithin  int32 = 1 // Qot_GetOptionChain.OptionCondType
	optionCondOutside int32 = 2
)

// dateString is the "yyyy-MM-dd" form Futu uses for maturities and expiries.
func dateString(d calendar.Date) string { return d.String() }

// dateTimestamp is a date's local midnight as unix seconds.
func dateTimestamp(mkt int32, d calendar.Date) float64 {
	return float64(d.In(calendar.Location(calendar.Market(mkt))).Unix())
}

// addStaticExData completes a static info with the exchange and the kind's
// ex-data: warrants, options and futures have their own part; indices and
// ETFs only the basic one.
func addStaticExData(info *qotcommon.SecurityStaticInfo, inst market.Instrument) {
	t := inst.Terms
	switch inst.SecType {
	case market.SecTypeWarrant:
		info.Basic.ExchType = proto.Int32(exchHKMain)
		info.WarrantExData = &qotcommon.WarrantStaticExData{
			Type:  proto.Int32(t.Right),
			Owner: securityOf(t.Owner),
		}
	case market.SecTypeDrvt:
		info.OptionExData = optionStaticEx(inst)
		info.Basic.ExchType = proto.Int32(exchHKEX)
		if inst.Market == market.MarketUS {
			info.Basic.ExchType = proto.Int32(exchUSOption)
		}
	case market.SecTypeFuture:
		info.Basic.ExchType = proto.Int32(exchHKEX)
		ex := &qotcommon.FutureStaticExData{IsMainContract: proto.Bool(t.Main), LastTradeTime: proto.String("")}
		if !t.Main { // Futu: only month contracts carry a last trading day
			ex.LastTradeTime = proto.String(dateString(t.Expiry))
			ex.LastTradeTimestamp = proto.Float64(dateTimestamp(inst.Market, t.Expiry))
		}
		info.FutureExData = ex
	case market.SecTypeIndex, market.SecTypeTrust:
		info.Basic.ExchType = proto.Int32(exchHKMain)
		if inst.Market == market.MarketUS {
			info.Basic.ExchType = proto.Int32(exchUSNYSE)
		}
	}
}

func optionStaticEx(inst market.Instrument) *qotcommon.OptionStaticExData {
	t := inst.Terms
	venue := "HKEX"
	if inst.Market == market.MarketUS {
		venue = "OPRA"
	}
	return &qotcommon.OptionStaticExData{
		Type:                 proto.Int32(t.Right),
		Owner:                securityOf(t.Owner),
		StrikeTime:           proto.String(dateString(t.Expiry)),
		StrikePrice:          proto.Float64(t.Strike),
		Suspend:              proto.Bool(false),
		Market:               proto.String(venue),
		StrikeTimestamp:      proto.Float64(dateTimestamp(inst.Market, t.Expiry)),
		IndexOptionType:      proto.Int32(indexOptionNone),
		ExpirationCycle:      proto.Int32(expirationCycle(inst.Market, t.Expiry)),
		OptionStandardType:   proto.Int32(optionStandard),
		OptionSettlementMode: proto.Int32(settlementPM),
	}
}

// expirationCycle calls a US expiry on a month's third Friday (or the Thursday
// before a holiday Friday) a monthly, any other a weekly; HK stock options are
// monthly.
func expirationCycle(mkt int32, d calendar.Date) int32 {
	if mkt != market.MarketUS {
		return cycleMonth
	}
	fri := d
	if fri.Weekday() == time.Thursday {
		fri = fri.AddDays(1)
	}
	if fri.Weekday() == time.Friday && fri.Day >= 15 && fri.Day <= 21 {
		return cycleMonth
	}
	return cycleWeek
}
