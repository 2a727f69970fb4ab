// Package frame encodes and decodes the packets of Futu OpenD's TCP protocol.
//
// Every packet is a 44-byte little-endian header followed by the body:
//
//	offset size field
//	0      2    flag "FT"
//	2      4    proto_id
//	6      1    fmt (0 protobuf, 1 JSON)
//	7      1    ver (0)
//	8      4    serial_no
//	12     4    body_len
//	16     20   SHA-1 of the (plaintext) body
//	36     8    reserved, zero
//
// Decoding never panics and never allocates a length it has not checked
// against a cap: a header announcing a body larger than the cap is refused
// with ErrTooLarge before any allocation.
package frame

import (
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
)

// Sizes and defaults of the wire format.
const (
	// HeaderLen is the size of a packet header in bytes.
	HeaderLen = 44
	// DefaultMaxBody is the body size cap used when a caller passes a
	// non-positive cap.
	DefaultMaxBody = 16 << 20
)

// Body formats (the fmt byte).
const (
	FmtProtobuf uint8 = 0
	FmtJSON     uint8 = 1
)

// Errors returned by the decoders. They are wrapped with detail (proto id,
// lengths); test for them with errors.Is.
var (
	// ErrBadFlag: the first two bytes are not "FT". The stream is not OpenD's
	// protocol or has lost sync; the connection should be closed.
	ErrBadFlag = errors.New("frame: bad flag")
	// ErrChecksum: the SHA-1 in the header does not match the body.
	ErrChecksum = errors.New("frame: body SHA-1 mismatch")
	// ErrTooLarge: body_len exceeds the cap.
	ErrTooLarge = errors.New("frame: body too large")
	// ErrTruncated: the input ends inside a header or body.
	ErrTruncated = errors.New("frame: truncated")
)

// Header is a decoded packet header.
type Header struct {
	ProtoID uint32
	Fmt     uint8
	Ver     uint8
	Serial  uint32
	BodyLen uint32
	SHA1    [20]byte
}

// Frame is a header with its body. After Parse, Body aliases the input;
// after Reader.Next, Body is freshly allocated and owned by the caller.
type Frame struct {
	Header
	Body []byte
}

// AppendHeader appends the 44-byte encoding of h to dst. The caller is
// responsible for BodyLen and SHA1 matching the body that follows (this is
// the seam for encrypted bodies, whose SHA-1 covers the plaintext).
func AppendHeader(dst []byte, h Header) []byte {
	dst = append(dst, 'F', 'T')
	dst = binary.LittleEndian.AppendUint32(dst, h.ProtoID)
	dst = append(dst, h.Fmt, h.Ver)
	dst = binary.LittleEndian.AppendUint32(dst, h.Serial)
	dst = binary.LittleEndian.AppendUint32(dst, h.BodyLen)
	dst = append(dst, h.SHA1[:]...)
	return append(dst, 0, 0, 0, 0, 0, 0, 0, 0)
}

// Append appends a complete protobuf-format packet (header and body) to dst
// and returns the extended slice. It does not allocate when dst has room for
// HeaderLen+len(body) more bytes.
func Append(dst []byte, protoID, serial uint32, body []byte) []byte {
	return AppendFrame(dst, Frame{Header: Header{ProtoID: protoID, Serial: serial}, Body: body})
}

// AppendFrame is Append with every header field taken from f (Fmt, Ver);
// BodyLen and SHA1 are computed from f.Body.
func AppendFrame(dst []byte, f Frame) []byte {
	h := f.Header
	h.BodyLen = uint32(len(f.Body))
	h.SHA1 = sha1.Sum(f.Body)
	dst = AppendHeader(dst, h)
	return append(dst, f.Body...)
}

// ParseHeader decodes the first HeaderLen bytes of b. It checks the flag and
// that body_len is at most maxBody (DefaultMaxBody when maxBody <= 0); it does
// not look at the body. The reserved bytes are ignored.
func ParseHeader(b []byte, maxBody int) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, fmt.Errorf("%w: header needs %d bytes, have %d", ErrTruncated, HeaderLen, len(b))
	}
	if b[0] != 'F' || b[1] != 'T' {
		return Header{}, fmt.Errorf("%w: got %q, want \"FT\"", ErrBadFlag, b[:2])
	}
	var h Header
	h.ProtoID = binary.LittleEndian.Uint32(b[2:6])
	h.Fmt = b[6]
	h.Ver = b[7]
	h.Serial = binary.LittleEndian.Uint32(b[8:12])
	h.BodyLen = binary.LittleEndian.Uint32(b[12:16])
	copy(h.SHA1[:], b[16:36])
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	if uint64(h.BodyLen) > uint64(maxBody) {
		return h, fmt.Errorf("%w: proto %d serial %d body_len %d > cap %d",
			ErrTooLarge, h.ProtoID, h.Serial, h.BodyLen, maxBody)
	}
	return h, nil
}

// Verify checks that body has the length and SHA-1 announced by h.
func Verify(h Header, body []byte) error {
	if uint64(len(body)) != uint64(h.BodyLen) {
		return fmt.Errorf("%w: proto %d serial %d body has %d bytes, header says %d",
			ErrTruncated, h.ProtoID, h.Serial, len(body), h.BodyLen)
	}
	if sha1.Sum(body) != h.SHA1 {
		return fmt.Errorf("%w: proto %d serial %d body_len %d",
			ErrChecksum, h.ProtoID, h.Serial, h.BodyLen)
	}
	return nil
}

// Parse decodes one packet from the start of b and verifies its SHA-1. It
// returns the frame, whose Body aliases b, and the number of bytes consumed;
// bytes after the packet are left alone. maxBody caps body_len
// (DefaultMaxBody when maxBody <= 0). Parse does not allocate on success.
func Parse(b []byte, maxBody int) (Frame, int, error) {
	h, err := ParseHeader(b, maxBody)
	if err != nil {
		return Frame{}, 0, err
	}
	if uint64(len(b)-HeaderLen) < uint64(h.BodyLen) {
		return Frame{}, 0, fmt.Errorf("%w: proto %d serial %d body_len %d, have %d body bytes",
			ErrTruncated, h.ProtoID, h.Serial, h.BodyLen, len(b)-HeaderLen)
	}
	n := HeaderLen + int(h.BodyLen) // <= len(b): cannot overflow
	body := b[HeaderLen:n:n]
	if err := Verify(h, body); err != nil {
		return Frame{}, 0, err
	}
	return Frame{Header: h, Body: body}, n, nil
}
