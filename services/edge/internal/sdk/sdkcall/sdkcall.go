// Package sdkcall is what the command handlers of the futu-api SDK listener share:
// a handler's signature, and the official Response every command is answered with.
// A refusal is an answer (retType Failed, a readable retMsg, the futugw reason as
// errCode), never silence, so an SDK page never waits for a timeout.
//
// The official messages are built on the wire (protowire), not through generated
// types: every OpenD Response is retType = 1, retMsg = 2, errCode = 3, s2c = 4, and
// every Request carries its c2s as field 1, so one builder serves every proto id and
// the catalog's mirrors (same field numbers) are decoded from c2s as they are.
package sdkcall

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/platform/errinfo"
)

// Conns are the services a handler calls; the context carries the socket's session
// key as the bearer.
type Conns struct {
	Auth, Quote, Order grpc.ClientConnInterface
}

// Request is one command of an SDK socket.
type Request struct {
	ProtoID uint32
	Serial  uint32 // the packet's serial number, the retry key of a write
	Body    []byte // the official Request protobuf
	Socket  Socket // the socket it came on; nil outside a socket (tests, tools)
}

// Socket is the per-connection state a command may change, as OpenD keeps it per
// connection.
type Socket interface {
	// SubscribeAccounts replaces the accounts whose order and fill pushes (2208,
	// 2218) the socket receives (Trd_SubAccPush); a refused list changes nothing.
	SubscribeAccounts(accIDs []uint64) error
	// RegisterQuotePush registers (on) or unregisters the pushes of the securities'
	// sub types on the socket (Qot_RegQotPush, Qot_Sub's isRegOrUnRegPush).
	RegisterQuotePush(secKeys []string, subTypes []int32, on bool)
	// ResetQuotePush registers every push again (after Qot_Sub's isUnsubAll).
	ResetQuotePush()
}

// Handler answers one command with the official Response protobuf of its proto id.
type Handler func(ctx context.Context, c Conns, r Request) []byte

// The official Common.RetType values an answer uses.
const (
	RetSucceed int32 = 0
	RetFailed  int32 = -1
)

// Official field numbers shared by every Request and Response.
const (
	fieldC2S     protowire.Number = 1 // Request.c2s
	fieldRetType protowire.Number = 1 // Response.retType
	fieldRetMsg  protowire.Number = 2
	fieldErrCode protowire.Number = 3
	fieldS2C     protowire.Number = 4
)

// ErrNoC2S is a Request without its c2s.
var ErrNoC2S = errors.New("the request has no c2s")

// C2S returns the c2s bytes of an official Request.
func C2S(body []byte) ([]byte, error) {
	var c2s []byte
	found := false
	for len(body) > 0 {
		num, typ, n := protowire.ConsumeTag(body)
		if n < 0 {
			return nil, fmt.Errorf("malformed request: %w", protowire.ParseError(n))
		}
		body = body[n:]
		if num == fieldC2S && typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(body)
			if m < 0 {
				return nil, fmt.Errorf("malformed request c2s: %w", protowire.ParseError(m))
			}
			c2s, found = v, true // the last one wins, as in proto decoding
			body = body[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, body)
		if m < 0 {
			return nil, fmt.Errorf("malformed request: %w", protowire.ParseError(m))
		}
		body = body[m:]
	}
	if !found {
		return nil, ErrNoC2S
	}
	return c2s, nil
}

// DecodeC2S unmarshals the c2s of an official Request into m (an official C2S or
// a catalog mirror of it).
func DecodeC2S(body []byte, m proto.Message) error {
	c2s, err := C2S(body)
	if err != nil {
		return err
	}
	if err := (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(c2s, m); err != nil {
		return fmt.Errorf("malformed request c2s: %w", err)
	}
	return nil
}

// Answer is a Response with retType Succeed and s2c (an official S2C or a catalog
// mirror of it; nil for none).
func Answer(s2c proto.Message) []byte {
	b := protowire.AppendTag(nil, fieldRetType, protowire.VarintType)
	b = appendInt32(b, RetSucceed)
	if s2c == nil {
		return b
	}
	body, err := proto.MarshalOptions{AllowPartial: true, Deterministic: true}.Marshal(s2c)
	if err != nil {
		return Refuse(fmt.Errorf("encoding the answer: %w", err))
	}
	b = protowire.AppendTag(b, fieldS2C, protowire.BytesType)
	return protowire.AppendBytes(b, body)
}

// Refuse is a Response with retType Failed for err: retMsg is its message with the
// futugw reason ("this key lacks scope trade:real ... (reason scope_denied)") and
// errCode the reason's number (gatewayv1.Reason), 0 when err carries none.
func Refuse(err error) []byte {
	msg := status.Convert(err).Message()
	if code := errinfo.ReasonCode(err); code != "" {
		msg += " (reason " + code + ")"
	}
	return Failed(msg, int32(errinfo.Reason(err)))
}

// Failed is a Response with retType Failed, msg and errCode.
func Failed(msg string, errCode int32) []byte {
	b := protowire.AppendTag(nil, fieldRetType, protowire.VarintType)
	b = appendInt32(b, RetFailed)
	b = protowire.AppendTag(b, fieldRetMsg, protowire.BytesType)
	b = protowire.AppendString(b, msg)
	b = protowire.AppendTag(b, fieldErrCode, protowire.VarintType)
	return appendInt32(b, errCode)
}

// appendInt32 encodes v as proto's int32 does: negative values sign-extended to 64
// bits.
func appendInt32(b []byte, v int32) []byte {
	return protowire.AppendVarint(b, uint64(int64(v)))
}

// Securities are official securities as the gateway's requests name them.
func Securities(list []*qotcommon.Security) []*gatewayv1.Security {
	out := make([]*gatewayv1.Security, 0, len(list))
	for _, s := range list {
		out = append(out, &gatewayv1.Security{Market: s.GetMarket(), Code: s.GetCode()})
	}
	return out
}
