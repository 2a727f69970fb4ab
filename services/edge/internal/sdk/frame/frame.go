// Package frame is the framing of Futu's official JavaScript SDK (npm futu-api,
// base.js) on its WebSocket, one frame per binary message, every integer big-endian
// (base.js uses ByteBuffer's default byte order):
//
//	client -> server, 20-byte header (base.js packBuff):
//	  0  8  sign     "ft-v1.0" and one NUL
//	  8  4  cmd      1 InitWebSocket, else an OpenD proto id
//	  12 8  section  the request's serial, echoed by its answer
//	  20 .. body     the official Request protobuf (may be empty)
//
//	server -> client, 44-byte header (base.js unpackBuff):
//	  0  8  sign     "ft-v1.0" and one NUL
//	  8  4  cmd
//	  12 8  section  the request's, or 0 for a push (base.js hands a frame whose section
//	                 matches no pending request to its push callbacks)
//	  20 4  error    int32, 0 for success; a nonzero error fails InitWebSocket
//	  24 20 errmsg   NUL-padded; base.js reads 20 UTF-8 characters, so it stays ASCII
//	  44 .. body     the official Response protobuf
//
// base.js resolves a request only when its answer has a body, so every answer
// carries one.
package frame

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Header sizes.
const (
	RequestHeaderLen  = 20
	ResponseHeaderLen = 44
	errMsgLen         = 20
)

// Sign opens every frame.
const Sign = "ft-v1.0\x00"

// Commands base.js reserves below the OpenD proto ids.
const (
	CmdInit           uint32 = 1 // InitWebSocket
	CmdOpenDisconnect uint32 = 2 // pushed: the connection to OpenD went away
)

// MaxBody caps a request body. The SDK's largest requests (order lists, batch
// quotes of a few hundred securities) are a few KiB.
const MaxBody = 1 << 20

// Request is one frame the SDK sent.
type Request struct {
	Cmd     uint32
	Section uint64
	Body    []byte // aliases the decoded message
}

// Errors of DecodeRequest; the socket is closed with their text as the reason.
var (
	ErrShort    = errors.New("frame shorter than its 20-byte header")
	ErrSign     = errors.New(`frame does not start with the sign "ft-v1.0"`)
	ErrTooLarge = fmt.Errorf("frame body larger than %d bytes", MaxBody)
)

// DecodeRequest parses one SDK frame. It never panics and keeps no reference to
// anything but b.
func DecodeRequest(b []byte) (Request, error) {
	if len(b) < RequestHeaderLen {
		return Request{}, ErrShort
	}
	if string(b[:len(Sign)]) != Sign {
		return Request{}, ErrSign
	}
	if len(b)-RequestHeaderLen > MaxBody {
		return Request{}, ErrTooLarge
	}
	return Request{
		Cmd:     binary.BigEndian.Uint32(b[8:12]),
		Section: binary.BigEndian.Uint64(b[12:20]),
		Body:    b[RequestHeaderLen:],
	}, nil
}

// AppendRequest appends a frame as base.js sends it (tests and tools).
func AppendRequest(dst []byte, cmd uint32, section uint64, body []byte) []byte {
	dst = append(dst, Sign...)
	dst = binary.BigEndian.AppendUint32(dst, cmd)
	dst = binary.BigEndian.AppendUint64(dst, section)
	return append(dst, body...)
}

// Response is one frame for the SDK: an answer (Section of its request) or a push
// (Section 0).
type Response struct {
	Cmd     uint32
	Section uint64
	Error   int32
	ErrMsg  string // at most 20 bytes of printable ASCII are sent; the rest is cut
	Body    []byte
}

// Encode returns the frame's bytes.
func (r Response) Encode() []byte {
	b := make([]byte, 0, ResponseHeaderLen+len(r.Body))
	b = append(b, Sign...)
	b = binary.BigEndian.AppendUint32(b, r.Cmd)
	b = binary.BigEndian.AppendUint64(b, r.Section)
	b = binary.BigEndian.AppendUint32(b, uint32(r.Error))
	var msg [errMsgLen]byte
	n := 0
	for i := 0; i < len(r.ErrMsg) && n < errMsgLen; i++ {
		if c := r.ErrMsg[i]; c >= 0x20 && c < 0x7f {
			msg[n] = c
			n++
		}
	}
	b = append(b, msg[:]...)
	return append(b, r.Body...)
}

// Push is the frame of a push: cmd, section 0, no error.
func Push(cmd uint32, body []byte) []byte {
	return Response{Cmd: cmd, Body: body}.Encode()
}

// DecodeResponse parses a server frame as base.js does (tests and tools).
func DecodeResponse(b []byte) (Response, error) {
	if len(b) < ResponseHeaderLen {
		return Response{}, errors.New("frame shorter than its 44-byte header")
	}
	if string(b[:len(Sign)]) != Sign {
		return Response{}, ErrSign
	}
	msg := b[24:ResponseHeaderLen]
	n := 0
	for n < len(msg) && msg[n] != 0 {
		n++
	}
	return Response{
		Cmd:     binary.BigEndian.Uint32(b[8:12]),
		Section: binary.BigEndian.Uint64(b[12:20]),
		Error:   int32(binary.BigEndian.Uint32(b[20:24])),
		ErrMsg:  string(msg[:n]),
		Body:    b[ResponseHeaderLen:],
	}, nil
}
