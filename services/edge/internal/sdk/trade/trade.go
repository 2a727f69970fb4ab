// Package trade answers the futu-api SDK commands that have no generic catalog row:
// the account, order and basic-quote commands a page written for Futu's official
// JavaScript SDK sends, translated to the gateway's own OrderService, AccountService
// and QuoteService calls and back to the official S2C.
//
// Every official S2C is built with its required fields set (protobufjs, which the SDK
// decodes with, throws on a missing one); where the gateway has no value for a
// required field the answer carries the official zero, as each converter says. A
// refusal of a service is sdkcall.Refuse (retType -1, the reason in retMsg and as
// errCode); a request the gateway cannot express is refused here, before any service
// sees it, so a malformed order leaves limits, idempotency and OpenD untouched.
package trade

import (
	"fmt"
	"strconv"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
)

// Handlers are this package's commands by proto id.
func Handlers() map[uint32]sdkcall.Handler {
	return map[uint32]sdkcall.Handler{
		protoid.TrdGetAccList:       getAccList,
		protoid.TrdUnlockTrade:      unlockTrade,
		protoid.TrdSubAccPush:       subAccPush,
		protoid.TrdGetFunds:         getFunds,
		protoid.TrdGetPositionList:  getPositionList,
		protoid.TrdGetOrderList:     getOrderList,
		protoid.TrdGetOrderFillList: getOrderFillList,
		protoid.TrdPlaceOrder:       placeOrder,
		protoid.TrdModifyOrder:      modifyOrder,
		protoid.QotGetBasicQot:      getBasicQot,
		protoid.QotGetStaticInfo:    getStaticInfo,
	}
}

// invalid is a problem of a request this package refuses before calling a service.
func invalid(format string, args ...any) error { return fmt.Errorf(format, args...) }

// malformed answers a request refused here: retType -1, retMsg naming the command
// and the problem with the reason, errCode the invalid_argument reason.
func malformed(protoID uint32, err error) []byte {
	r := gatewayv1.Reason_REASON_INVALID_ARGUMENT
	return sdkcall.Failed(fmt.Sprintf("%s: %v (reason %s)", name(protoID), err, errinfo.Code(r)), int32(r))
}

// internal answers a service answer this package cannot translate.
func internal(protoID uint32, msg string) []byte {
	r := gatewayv1.Reason_REASON_INTERNAL
	return sdkcall.Failed(fmt.Sprintf("%s: %s (reason %s)", name(protoID), msg, errinfo.Code(r)), int32(r))
}

// name is a proto id's official name (Trd_PlaceOrder).
func name(protoID uint32) string {
	if p, ok := protoid.Lookup(protoID); ok {
		return p.Name
	}
	return strconv.FormatUint(uint64(protoID), 10)
}

// account is the gateway's (env, account, market) of an official TrdHeader.
type account struct {
	env    gatewayv1.TrdEnv
	accID  uint64
	market gatewayv1.TrdMarket
}

// accountOf checks an official TrdHeader: an environment, an account and a market
// the gateway trades (HK, US, CN, HKCC). jpAccType (Japanese sub-accounts) is not
// served: a write carrying one is refused, a read ignores it.
func accountOf(h *trdcommon.TrdHeader, write bool) (account, error) {
	if h == nil {
		return account{}, invalid("header is required")
	}
	env := h.GetTrdEnv()
	if env != int32(trdcommon.TrdEnv_TrdEnv_Simulate) && env != int32(trdcommon.TrdEnv_TrdEnv_Real) {
		return account{}, invalid("header.trdEnv must be 0 (simulate) or 1 (real), got %d", env)
	}
	if h.GetAccID() == 0 {
		return account{}, invalid("header.accID is required")
	}
	m := h.GetTrdMarket()
	if m < int32(trdcommon.TrdMarket_TrdMarket_HK) || m > int32(trdcommon.TrdMarket_TrdMarket_HKCC) {
		return account{}, invalid("header.trdMarket must be 1 HK, 2 US, 3 CN or 4 HKCC, got %d", m)
	}
	if write && h.GetJpAccType() != 0 {
		return account{}, invalid("header.jpAccType is not supported")
	}
	return account{env: gatewayv1.TrdEnv(env), accID: h.GetAccID(), market: gatewayv1.TrdMarket(m)}, nil
}

// parseID is an order or fill id the gateway answers as a decimal string.
func parseID(s string) (uint64, bool) {
	id, err := strconv.ParseUint(s, 10, 64)
	return id, err == nil
}
