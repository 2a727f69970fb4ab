package trade

import "github.com/futugw/gateway/opend/envelope"

// errCode values carried in Response.errCode, so clients can tell refusals
// apart without parsing retMsg. OpenD does not publish its own codes for these
// cases; these are the simulator's.
const (
	codeInvalidRequest int32 = 1001 // malformed or missing fields
	codeAccount        int32 = 1002 // unknown account or header mismatch
	codeLocked         int32 = 1003 // real trading without Trd_UnlockTrade
	codePassword       int32 = 1004 // wrong trade password
	codeDuplicate      int32 = 1005 // PacketID replay
	_                  int32 = 1006 // was the order frequency limit, now freqlimit.ErrCode
	codeSecurity       int32 = 1007 // unknown code or market mismatch
	codeQty            int32 = 1008 // qty not positive or not a lot multiple
	codePrice          int32 = 1009 // price missing or off the tick grid
	codeFunds          int32 = 1010 // not enough cash
	codePosition       int32 = 1011 // not enough position
	codeOrder          int32 = 1012 // unknown order or order not modifiable
	codeUnsupported    int32 = 1013 // side, order type or operation not simulated
)

// refuse builds the Response error a handler returns: retType -1, errCode
// code and a readable retMsg.
func refuse(code int32, format string, args ...any) *envelope.Error {
	e := envelope.Errorf(format, args...)
	e.ErrCode = code
	return e
}
