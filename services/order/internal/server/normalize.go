package server

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/services/order/internal/limits"
	"github.com/futugw/gateway/services/order/internal/placer"
)

// secMarketInfo is what one Trd_Common.TrdSecMarket means: its key prefix and the
// quote side's QotMarket.
type secMarketInfo struct {
	id        int32
	prefix    string
	qotMarket int32
}

var secMarkets = []secMarketInfo{{1, "HK", 1}, {2, "US", 11}, {31, "SH", 21}, {32, "SZ", 22}}

func secMarketOf(secMarket int32) (secMarketInfo, bool) {
	i := slices.IndexFunc(secMarkets, func(m secMarketInfo) bool { return m.id == secMarket })
	if i < 0 {
		return secMarketInfo{}, false
	}
	return secMarkets[i], true
}

func prefixSecMarket(prefix string) int32 {
	i := slices.IndexFunc(secMarkets, func(m secMarketInfo) bool { return m.prefix == prefix })
	if i < 0 {
		return 0
	}
	return secMarkets[i].id
}

// defaultSecMarket is the TrdSecMarket of a trading market's own securities.
func defaultSecMarket(m gatewayv1.TrdMarket) int32 {
	switch m {
	case gatewayv1.TrdMarket_TRD_MARKET_HK:
		return 1
	case gatewayv1.TrdMarket_TRD_MARKET_US:
		return 2
	}
	return 0 // CN and HKCC need an explicit sec_market (SH or SZ)
}

// enumName returns an enum's name without its type prefix ("BUY" of TRD_SIDE_BUY),
// or the number for values the API does not know.
func enumName(full, prefix string, n int32) string {
	if full == "" || strings.HasPrefix(full, "%!") {
		return fmt.Sprint(n)
	}
	return strings.TrimPrefix(full, prefix)
}

// normalized is a PlaceOrderRequest after normalisation.
type normalized struct {
	order     limits.Order
	place     placer.PlaceRequest
	terms     terms // the order type's trigger terms, for valuation
	qotMarket int32
	code      string // code without market prefix
	problem   error  // a structural problem, reported at the input-validity step
}

// maxRemark is OpenD's remark limit in bytes.
const maxRemark = 64

// normalize turns a request into the checks' and OpenD's terms. Only an unknown
// trd_env fails at once (the scope check needs it); other structural problems are
// kept in problem so the key's checks still run first, in the documented order.
func normalize(req *gatewayv1.PlaceOrderRequest) (normalized, error) {
	var n normalized
	env := req.GetTrdEnv()
	if env != gatewayv1.TrdEnv_TRD_ENV_SIMULATE && env != gatewayv1.TrdEnv_TRD_ENV_REAL {
		return n, invalid("trd_env must be 0 (simulate) or 1 (real), got %d", int32(env))
	}
	mkt := req.GetTrdMarket()
	n.order = limits.Order{
		Real:     env == gatewayv1.TrdEnv_TRD_ENV_REAL,
		AccID:    req.GetAccId(),
		Market:   enumName(gatewayv1.TrdMarket_name[int32(mkt)], "TRD_MARKET_", int32(mkt)),
		Side:     enumName(gatewayv1.TrdSide_name[int32(req.GetTrdSide())], "TRD_SIDE_", int32(req.GetTrdSide())),
		IsMarket: !hasLimit(int32(req.GetOrderType())),
		Price:    req.GetPrice(),
		Qty:      req.GetQty(),
	}
	note := func(format string, args ...any) {
		if n.problem == nil {
			n.problem = invalid(format, args...)
		}
	}
	if req.GetAccId() == 0 {
		note("acc_id is required")
	}
	if mkt == gatewayv1.TrdMarket_TRD_MARKET_UNKNOWN || gatewayv1.TrdMarket_name[int32(mkt)] == "" {
		note("trd_market must be 1 HK, 2 US, 3 CN or 4 HKCC, got %d", int32(mkt))
	}
	secMarket := req.GetSecMarket()
	code := strings.TrimSpace(req.GetCode())
	if p, c, ok := strings.Cut(code, "."); ok {
		sm := prefixSecMarket(strings.ToUpper(p))
		if sm == 0 || (secMarket != 0 && secMarket != sm) {
			note("code %q does not match sec_market %d", code, secMarket)
		}
		secMarket, code = sm, c
	}
	if secMarket == 0 {
		secMarket = defaultSecMarket(mkt)
	}
	info, ok := secMarketOf(secMarket)
	if !ok {
		note("sec_market %d is not supported (1 HK, 2 US, 31 SH, 32 SZ)", secMarket)
		info.prefix = fmt.Sprint(secMarket)
	}
	if code == "" || len(code) > 16 || !utf8.ValidString(code) || strings.ContainsAny(code, " .\t\n") {
		note("code must name one security, e.g. 00700 or HK.00700")
	}
	n.code = strings.ToUpper(code)
	n.qotMarket = info.qotMarket
	n.order.SecKey = info.prefix + "." + n.code
	switch req.GetTrdSide() {
	case gatewayv1.TrdSide_TRD_SIDE_BUY, gatewayv1.TrdSide_TRD_SIDE_SELL, gatewayv1.TrdSide_TRD_SIDE_SELL_SHORT, gatewayv1.TrdSide_TRD_SIDE_BUY_BACK:
	default:
		note("trd_side must be 1 BUY, 2 SELL, 3 SELL_SHORT or 4 BUY_BACK, got %d", int32(req.GetTrdSide()))
	}
	n.terms = terms{typ: int32(req.GetOrderType()), aux: req.GetAuxPrice(), trailType: int32(req.GetTrailType()),
		trailValue: req.GetTrailValue(), trailSpread: req.GetTrailSpread()}
	if err := n.terms.check(); err != nil {
		note("%s", err.Error())
	}
	switch req.GetTimeInForce() {
	case gatewayv1.TimeInForce_TIME_IN_FORCE_DAY, gatewayv1.TimeInForce_TIME_IN_FORCE_GTC:
	default:
		note("time_in_force must be 0 DAY or 1 GTC, got %d", int32(req.GetTimeInForce()))
	}
	if math.IsNaN(req.GetPrice()) || math.IsInf(req.GetPrice(), 0) || math.IsNaN(req.GetQty()) {
		note("price and qty must be numbers")
	}
	if len(req.GetRemark()) > maxRemark || !utf8.ValidString(req.GetRemark()) {
		note("remark must be valid UTF-8 of at most %d bytes", maxRemark)
	}
	n.place = placer.PlaceRequest{
		Header:      placer.Header{Env: int32(env), AccID: req.GetAccId(), Market: int32(mkt)},
		SecMarket:   secMarket,
		Code:        n.code,
		Side:        int32(req.GetTrdSide()),
		OrderType:   int32(req.GetOrderType()),
		Price:       req.GetPrice(),
		Qty:         req.GetQty(),
		TimeInForce: int32(req.GetTimeInForce()),
		Remark:      req.GetRemark(),

		AuxPrice:       req.GetAuxPrice(),
		TrailType:      int32(req.GetTrailType()),
		TrailValue:     req.GetTrailValue(),
		TrailSpread:    req.GetTrailSpread(),
		FillOutsideRTH: req.GetFillOutsideRth(),
	}
	return n, nil
}

// remarkWith prefixes the user's remark with the idempotency tag, within OpenD's
// limit, cutting on a rune boundary.
func remarkWith(tag, remark string) string {
	if remark == "" {
		return tag
	}
	s := tag + " " + remark
	for len(s) > maxRemark {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
