package main

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
)

// The benchmark's keys encode their session number, so the server needs no
// registry: a byte says whether the session subscribes (load) or not (idle).
func keyFor(n int, idle bool) string {
	var b [32]byte
	binary.BigEndian.PutUint32(b[:4], uint32(n))
	if idle {
		b[4] = 1
	}
	return "fk_" + base64.RawURLEncoding.EncodeToString(b[:])
}

func sessionOf(key string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(key, "fk_"))
	if err != nil || len(b) != 32 {
		return "", fmt.Errorf("not a benchmark key")
	}
	if b[4] == 1 {
		return fmt.Sprintf("idle-%d", binary.BigEndian.Uint32(b[:4])), nil
	}
	return fmt.Sprintf("s-%d", binary.BigEndian.Uint32(b[:4])), nil
}

// securitiesOf spreads sessions evenly: session n gets per securities spaced
// secs/per apart, starting at n.
func securitiesOf(n, secs, per int) []int {
	out := make([]int, per)
	step := secs / per
	for j := range per {
		out[j] = (n + j*step) % secs
	}
	return out
}

func secKey(i int) string { return fmt.Sprintf("HK.%05d", i) }
