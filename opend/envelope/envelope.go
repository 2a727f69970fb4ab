// Package envelope reads and writes the status part of OpenD Response
// messages.
//
// Every OpenD response and push body is a proto2 message
//
//	Response { required int32 retType = 1; optional string retMsg = 2;
//	           optional int32 errCode = 3; optional S2C s2c = 4; }
//
// whatever the proto id. Parse reads fields 1-3 straight from the wire
// without knowing the concrete message type, so the client can turn failures
// into *Error before (and instead of) unmarshalling the typed message, and
// Encode writes the error responses a server sends without a typed message.
package envelope

import (
	"cmp"
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Common.RetType values.
const (
	RetSucceed    int32 = 0
	RetFailed     int32 = -1
	RetTimeOut    int32 = -100
	RetDisConnect int32 = -200
	RetUnknown    int32 = -400
	RetInvalid    int32 = -500
)

// Field numbers shared by every Request and Response message.
const (
	fieldRetType protowire.Number = 1
	fieldRetMsg  protowire.Number = 2
	fieldErrCode protowire.Number = 3
	// FieldC2S is the c2s field of every Request; FieldS2C the s2c field of
	// every Response.
	FieldC2S protowire.Number = 1
	FieldS2C protowire.Number = 4
)

// ErrMalformed reports a body that is not a valid Response envelope.
var ErrMalformed = errors.New("envelope: malformed response")

// Status is fields 1-3 of a Response.
type Status struct {
	RetType int32
	RetMsg  string
	ErrCode int32
}

// OK reports whether the status is a success.
func (s Status) OK() bool { return s.RetType == RetSucceed }

// Err returns nil for a success and an *Error for protoID otherwise.
func (s Status) Err(protoID uint32) error {
	if s.RetType == RetSucceed {
		return nil
	}
	return &Error{ProtoID: protoID, RetType: s.RetType, ErrCode: s.ErrCode, RetMsg: s.RetMsg}
}

// Error is a failed Response (retType != 0) for one proto id.
type Error struct {
	ProtoID uint32
	RetType int32
	ErrCode int32
	RetMsg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("opend: proto %d failed: retType %d errCode %d: %s", e.ProtoID, e.RetType, e.ErrCode, e.RetMsg)
}

// Errorf returns an *Error with RetType RetFailed and a formatted message,
// for server handlers. ProtoID is filled in by whoever sends it.
func Errorf(format string, args ...any) *Error {
	return &Error{RetType: RetFailed, RetMsg: fmt.Sprintf(format, args...)}
}

// Encode appends a Response with fields 1-3 of s (retMsg and errCode only
// when non-zero) and no s2c to dst.
func Encode(dst []byte, s Status) []byte {
	dst = protowire.AppendTag(dst, fieldRetType, protowire.VarintType)
	dst = protowire.AppendVarint(dst, uint64(int64(s.RetType))) // int32: sign-extended
	if s.RetMsg != "" {
		dst = protowire.AppendTag(dst, fieldRetMsg, protowire.BytesType)
		dst = protowire.AppendString(dst, s.RetMsg)
	}
	if s.ErrCode != 0 {
		dst = protowire.AppendTag(dst, fieldErrCode, protowire.VarintType)
		dst = protowire.AppendVarint(dst, uint64(int64(s.ErrCode)))
	}
	return dst
}

// AppendRequest appends a Request body { c2s = 1 } carrying the already
// encoded C2S message to dst.
func AppendRequest(dst, c2s []byte) []byte {
	dst = protowire.AppendTag(dst, FieldC2S, protowire.BytesType)
	return protowire.AppendBytes(dst, c2s)
}

// Parse reads the status of a Response body. It decodes fields 1-3, skips
// every other field (s2c included) without decoding it, and rejects malformed
// wire data and a missing retType (a required field). Like protobuf's own
// decoders, it treats a field 1-3 of an unexpected wire type as unknown.
// Parse allocates only for a non-empty retMsg.
func Parse(body []byte) (Status, error) {
	var s Status
	var haveRet bool
	for b := body; len(b) > 0; {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return Status{}, malformed("tag", len(body)-len(b), protowire.ParseError(n))
		}
		off := len(body) - len(b)
		b = b[n:]
		var what string // names a field 1-3 when its value is malformed
		var m int
		switch {
		case (num == fieldRetType || num == fieldErrCode) && typ == protowire.VarintType:
			var v uint64
			v, m = protowire.ConsumeVarint(b)
			if num == fieldRetType {
				what, s.RetType, haveRet = "retType", int32(v), true
			} else {
				what, s.ErrCode = "errCode", int32(v)
			}
		case num == fieldRetMsg && typ == protowire.BytesType:
			var v []byte
			v, m = protowire.ConsumeBytes(b)
			what, s.RetMsg = "retMsg", string(v)
		default:
			// Unknown fields, s2c, and (as protobuf decoders do) a field
			// 1-3 of an unexpected wire type are skipped.
			m = protowire.ConsumeFieldValue(num, typ, b)
		}
		if m < 0 {
			return Status{}, malformed(cmp.Or(what, fmt.Sprintf("field %d", num)), off, protowire.ParseError(m))
		}
		b = b[m:]
	}
	if !haveRet {
		return Status{}, fmt.Errorf("%w: missing required retType (%d bytes)", ErrMalformed, len(body))
	}
	return s, nil
}

func malformed(what string, off int, err error) error {
	return fmt.Errorf("%w: %s at offset %d: %v", ErrMalformed, what, off, err)
}
