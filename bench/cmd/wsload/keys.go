package main

import (
	"encoding/base64"
	"encoding/binary"
)

// keyFor is session n's key in the form the hub (services/edge/internal/wsloadhub,
// sessionOf) reads back without a registry: the session number in the first four
// bytes, and a fifth byte of 1 for an idle session (subscribed to nothing).
func keyFor(n int, idle bool) string {
	var b [32]byte
	binary.BigEndian.PutUint32(b[:4], uint32(n))
	if idle {
		b[4] = 1
	}
	return "fk_" + base64.RawURLEncoding.EncodeToString(b[:])
}
