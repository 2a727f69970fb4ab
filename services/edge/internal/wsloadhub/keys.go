package main

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
)

// sessionOf reads the session a benchmark key stands for, so the hub needs no key
// registry: bench/cmd/wsload's keys are "fk_" + base64url of 32 bytes whose first four
// hold the session number (big-endian) and whose fifth is 1 for an idle session (one
// that subscribes to nothing).
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
