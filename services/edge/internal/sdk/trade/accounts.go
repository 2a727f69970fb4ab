package trade

import (
	"context"
	"errors"
	"math"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetacclist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetfunds"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetpositionlist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdsubaccpush"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdunlocktrade"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
	"google.golang.org/protobuf/proto"
)

// getAccList answers Trd_GetAccList with AccountService.ListAccounts: the accounts the
// key may see. userID (required by the official C2S, meaningless here) is not
// checked. The gateway's accounts are securities accounts, so a trdCategory of
// futures or crypto lists none.
func getAccList(ctx context.Context, c sdkcall.Conns, r sdkcall.Request) []byte {
	var c2s trdgetacclist.C2S
	if err := decodePartial(r.Body, &c2s); err != nil {
		return malformed(r.ProtoID, err)
	}
	if cat := c2s.GetTrdCategory(); cat != int32(trdcommon.TrdCategory_TrdCategory_Unknown) && cat != int32(trdcommon.TrdCategory_TrdCategory_Security) {
		return sdkcall.Answer(&trdgetacclist.S2C{})
	}
	resp, err := gatewayv1.NewAccountServiceClient(c.Order).ListAccounts(ctx, &gatewayv1.ListAccountsRequest{})
	if err != nil {
		return sdkcall.Refuse(err)
	}
	return sdkcall.Answer(accListS2C(resp))
}

// accListS2C is the official account list of the gateway's. Every account listed is
// usable (accStatus Active); cardNum, securityFirm, simAccType and accRole are not
// known to the gateway and left out (all optional).
func accListS2C(resp *gatewayv1.ListAccountsResponse) *trdgetacclist.S2C {
	s2c := &trdgetacclist.S2C{AccList: make([]*trdcommon.TrdAcc, 0, len(resp.GetAccounts()))}
	for _, a := range resp.GetAccounts() {
		acc := &trdcommon.TrdAcc{
			TrdEnv:    proto.Int32(int32(a.GetTrdEnv())),
			AccID:     proto.Uint64(a.GetAccId()),
			AccType:   proto.Int32(a.GetAccType()),
			AccStatus: proto.Int32(int32(trdcommon.TrdAccStatus_TrdAccStatus_Active)),
		}
		for _, m := range a.GetTrdMarkets() {
			acc.TrdMarketAuthList = append(acc.TrdMarketAuthList, int32(m))
		}
		s2c.AccList = append(s2c.AccList, acc)
	}
	return s2c
}

// unlockTrade answers Trd_UnlockTrade. Trade unlock stays on the server: the order
// service unlocks real trading with the password in its own file, and what a key may
// trade is its scopes' business. So unlock = true succeeds without doing anything:
// a pwdMD5 the page sends is accepted and ignored (never forwarded, never logged;
// refusing it would break every page written for OpenD, which must send one). Lock
// (unlock = false) is refused: the gateway cannot lock trading for one page, and
// answering success would let a page believe its later orders are refused.
func unlockTrade(_ context.Context, _ sdkcall.Conns, r sdkcall.Request) []byte {
	var c2s trdunlocktrade.C2S
	if err := decodePartial(r.Body, &c2s); err != nil {
		return malformed(r.ProtoID, err)
	}
	if !c2s.GetUnlock() {
		return malformed(r.ProtoID, errors.New("locking trade is not supported: trading is governed by the key's scopes (unlock stays on the server)"))
	}
	return sdkcall.Answer(&trdunlocktrade.S2C{})
}

// subAccPush answers Trd_SubAccPush: from now on the socket receives the order and
// fill pushes of exactly the listed accounts (the whole list, not an addition; an
// empty one stops them), each of which the key must be allowed to see.
func subAccPush(_ context.Context, _ sdkcall.Conns, r sdkcall.Request) []byte {
	var c2s trdsubaccpush.C2S
	if err := decodePartial(r.Body, &c2s); err != nil {
		return malformed(r.ProtoID, err)
	}
	if r.Socket == nil {
		return internal(r.ProtoID, "no socket to subscribe")
	}
	if err := r.Socket.SubscribeAccounts(c2s.GetAccIDList()); err != nil {
		return sdkcall.Refuse(err)
	}
	return sdkcall.Answer(&trdsubaccpush.S2C{})
}

// getFunds answers Trd_GetFunds with AccountService.GetFunds. The gateway reads
// funds in the account's currency: a requested currency is not converted (the
// answer's currency says which it is); refreshCache and assetCategory are ignored.
func getFunds(ctx context.Context, c sdkcall.Conns, r sdkcall.Request) []byte {
	var c2s trdgetfunds.C2S
	if err := sdkcall.DecodeC2S(r.Body, &c2s); err != nil {
		return malformed(r.ProtoID, err)
	}
	a, err := accountOf(c2s.GetHeader(), false)
	if err != nil {
		return malformed(r.ProtoID, err)
	}
	resp, err := gatewayv1.NewAccountServiceClient(c.Order).GetFunds(ctx, &gatewayv1.GetFundsRequest{
		TrdEnv: a.env, AccId: a.accID, TrdMarket: a.market})
	if err != nil {
		return sdkcall.Refuse(err)
	}
	return sdkcall.Answer(fundsS2C(c2s.GetHeader(), resp))
}

// fundsS2C is the official funds of the gateway's. debtCash and avlWithdrawalCash,
// required, are not known to the gateway: they are answered 0.
func fundsS2C(h *trdcommon.TrdHeader, f *gatewayv1.GetFundsResponse) *trdgetfunds.S2C {
	return &trdgetfunds.S2C{Header: h, Funds: &trdcommon.Funds{
		Power:             proto.Float64(f.GetPower()),
		TotalAssets:       proto.Float64(f.GetTotalAssets()),
		Cash:              proto.Float64(f.GetCash()),
		MarketVal:         proto.Float64(f.GetMarketVal()),
		FrozenCash:        proto.Float64(f.GetFrozenCash()),
		DebtCash:          proto.Float64(0),
		AvlWithdrawalCash: proto.Float64(0),
		Currency:          proto.Int32(f.GetCurrency()),
	}}
}

// getPositionList answers Trd_GetPositionList with AccountService.GetPositions,
// applying the filter's codeList here; the other filters (ids, times, P/L ratios)
// are not served and refused rather than ignored.
func getPositionList(ctx context.Context, c sdkcall.Conns, r sdkcall.Request) []byte {
	var c2s trdgetpositionlist.C2S
	if err := sdkcall.DecodeC2S(r.Body, &c2s); err != nil {
		return malformed(r.ProtoID, err)
	}
	a, err := accountOf(c2s.GetHeader(), false)
	if err != nil {
		return malformed(r.ProtoID, err)
	}
	f := c2s.GetFilterConditions()
	if len(f.GetIdList()) > 0 || len(f.GetOrderIDExList()) > 0 || c2s.FilterPLRatioMin != nil || c2s.FilterPLRatioMax != nil {
		return malformed(r.ProtoID, errors.New("only filterConditions.codeList is supported"))
	}
	resp, err := gatewayv1.NewAccountServiceClient(c.Order).GetPositions(ctx, &gatewayv1.GetPositionsRequest{
		TrdEnv: a.env, AccId: a.accID, TrdMarket: a.market})
	if err != nil {
		return sdkcall.Refuse(err)
	}
	return sdkcall.Answer(positionsS2C(c2s.GetHeader(), f.GetCodeList(), resp))
}

// positionsS2C is the official position list of the gateway's, narrowed to codes
// when given. positionID, required, is not known to the gateway: 0. positionSide is
// Long unless the quantity is negative. plRatio is plVal over the cost, in percent,
// when the cost is known.
func positionsS2C(h *trdcommon.TrdHeader, codes []string, resp *gatewayv1.GetPositionsResponse) *trdgetpositionlist.S2C {
	s2c := &trdgetpositionlist.S2C{Header: h, PositionList: []*trdcommon.Position{}}
	for _, p := range resp.GetPositions() {
		if !wanted(codes, p.GetCode()) {
			continue
		}
		side := trdcommon.PositionSide_PositionSide_Long
		if p.GetQty() < 0 {
			side = trdcommon.PositionSide_PositionSide_Short
		}
		pos := &trdcommon.Position{
			PositionID:   proto.Uint64(0),
			PositionSide: proto.Int32(int32(side)),
			Code:         proto.String(p.GetCode()),
			Name:         proto.String(p.GetName()),
			Qty:          proto.Float64(p.GetQty()),
			CanSellQty:   proto.Float64(p.GetCanSellQty()),
			Price:        proto.Float64(p.GetPrice()),
			CostPrice:    proto.Float64(p.GetCostPrice()),
			Val:          proto.Float64(p.GetVal()),
			PlVal:        proto.Float64(p.GetPlVal()),
			TrdMarket:    proto.Int32(h.GetTrdMarket()),
		}
		if p.GetSecMarket() != 0 {
			pos.SecMarket = proto.Int32(p.GetSecMarket())
		}
		if cost := p.GetCostPrice() * math.Abs(p.GetQty()); cost > 0 {
			pos.PlRatio = proto.Float64(p.GetPlVal() / cost * 100)
		}
		s2c.PositionList = append(s2c.PositionList, pos)
	}
	return s2c
}

// wanted reports whether code passes a codeList filter (empty: every code).
func wanted(codes []string, code string) bool {
	if len(codes) == 0 {
		return true
	}
	for _, c := range codes {
		if c == code {
			return true
		}
	}
	return false
}

// decodePartial decodes an official Request's c2s without checking its required
// fields: for the commands whose required fields the gateway does not need
// (Trd_GetAccList's userID), and for the writes, whose conversion names a missing
// packetID or header in its own words before proto.CheckInitialized sees the rest.
func decodePartial(body []byte, m proto.Message) error {
	c2s, err := sdkcall.C2S(body)
	if err != nil {
		return err
	}
	if err := (proto.UnmarshalOptions{AllowPartial: true, DiscardUnknown: true}).Unmarshal(c2s, m); err != nil {
		return errors.New("malformed request c2s: " + err.Error())
	}
	return nil
}
