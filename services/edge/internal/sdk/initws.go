package sdk

import (
	"errors"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
)

// InitWebSocket is base.js's own command 1; it is not an OpenD protocol, so its two
// messages are read and written on the wire here (futu-api proto/InitWebSocket.proto):
//
//	C2S { IP = 1; Port = 2; RSAPrivateKey = 3; websocketKey = 4; clientID = 5; programmingLanguage = 6 }
//	S2C { int64 serverTime = 1; uint64 connID = 2 }
const (
	initFieldWebsocketKey protowire.Number = 4
	initFieldServerTime   protowire.Number = 1
	initFieldConnID       protowire.Number = 2
)

var errBadKey = errors.New("InitWebSocket needs websocketKey: the lowercase hex MD5 of a futugw key")

// initKey returns the websocketKey of an InitWebSocket Request body, checked to be
// 32 lowercase hex digits (the MD5 futu-api's start sends).
func initKey(body []byte) (string, error) {
	c2s, err := sdkcall.C2S(body)
	if err != nil {
		return "", err
	}
	var key string
	for len(c2s) > 0 {
		num, typ, n := protowire.ConsumeTag(c2s)
		if n < 0 {
			return "", protowire.ParseError(n)
		}
		c2s = c2s[n:]
		if num == initFieldWebsocketKey && typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(c2s)
			if m < 0 {
				return "", protowire.ParseError(m)
			}
			key, c2s = string(v), c2s[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, c2s)
		if m < 0 {
			return "", protowire.ParseError(m)
		}
		c2s = c2s[m:]
	}
	if !isMD5Hex(key) {
		return "", errBadKey
	}
	return key, nil
}

func isMD5Hex(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// initAnswer is InitWebSocket's successful Response: retType 0 and the S2C base.js
// reads (connID; serverTime too, as OpenD sends it).
func initAnswer(serverTime int64, connID uint64) []byte {
	var s2c []byte
	s2c = protowire.AppendTag(s2c, initFieldServerTime, protowire.VarintType)
	s2c = protowire.AppendVarint(s2c, uint64(serverTime))
	s2c = protowire.AppendTag(s2c, initFieldConnID, protowire.VarintType)
	s2c = protowire.AppendVarint(s2c, connID)
	b := protowire.AppendTag(nil, 1, protowire.VarintType) // retType
	b = protowire.AppendVarint(b, 0)
	b = protowire.AppendTag(b, 4, protowire.BytesType) // s2c
	return protowire.AppendBytes(b, s2c)
}
