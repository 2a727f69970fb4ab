package main

import (
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/coder/websocket"
	"google.golang.org/protobuf/encoding/protowire"
)

// The framing of Futu's JavaScript SDK (futu-api base.js; the edge's
// services/edge/internal/sdk/frame): a request is sign, cmd and section (20 bytes,
// big-endian) before its body; an answer or push has a 44-byte header.
const (
	sdkSign          = "ft-v1.0\x00"
	sdkAnswerHeader  = 44
	sdkInitWebSocket = 1
)

// dialSDK opens a socket on the SDK listener and logs in with key's MD5.
func dialSDK(ctx context.Context, addr, key string) (*websocket.Conn, error) {
	c, _, err := websocket.Dial(ctx, "ws://"+addr+"/sdk", nil)
	if err != nil {
		return nil, err
	}
	sum := md5.Sum([]byte(key))
	c2s := protowire.AppendString(protowire.AppendTag(nil, 4, protowire.BytesType), hex.EncodeToString(sum[:]))
	body := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), c2s)
	req := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32([]byte(sdkSign), sdkInitWebSocket), 2)
	if err := c.Write(ctx, websocket.MessageBinary, append(req, body...)); err != nil {
		_ = c.CloseNow()
		return nil, err
	}
	_, b, err := c.Read(ctx)
	if err != nil {
		_ = c.CloseNow()
		return nil, err
	}
	if len(b) < sdkAnswerHeader || binary.BigEndian.Uint32(b[20:24]) != 0 {
		_ = c.CloseNow()
		return nil, fmt.Errorf("InitWebSocket refused")
	}
	return c, nil
}
