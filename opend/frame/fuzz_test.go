package frame

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// fuzzCap is a small cap so the fuzzer reaches ErrTooLarge cheaply.
const fuzzCap = 1 << 16

func isFrameErr(err error) bool {
	return errors.Is(err, ErrBadFlag) || errors.Is(err, ErrChecksum) ||
		errors.Is(err, ErrTooLarge) || errors.Is(err, ErrTruncated)
}

// FuzzParse checks that Parse never panics, reports only its own errors, and
// that what it accepts re-encodes to the same bytes (reserved bytes aside).
// The committed corpus lives in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add(Append(nil, 1001, 1, []byte{0x0a, 0x04, 0x08, 0x01, 0x12, 0x00}))
	f.Add(Append(nil, 1004, 0, nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, n, err := Parse(data, fuzzCap)
		if err != nil {
			if !isFrameErr(err) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if n != 0 {
				t.Fatalf("n = %d with error", n)
			}
			return
		}
		if n < HeaderLen || n > len(data) || n != HeaderLen+len(fr.Body) || len(fr.Body) > fuzzCap {
			t.Fatalf("bad n %d for len %d body %d", n, len(data), len(fr.Body))
		}
		again := AppendFrame(nil, fr)
		want := append([]byte(nil), data[:n]...)
		clear(want[36:44])
		if !bytes.Equal(again, want) {
			t.Fatalf("re-encoding differs:\n got %x\nwant %x", again, want)
		}
		// The streaming decoder agrees on the first packet.
		rf, rerr := NewReader(bytes.NewReader(data), fuzzCap).Next()
		if rerr != nil || rf.Header != fr.Header || !bytes.Equal(rf.Body, fr.Body) {
			t.Fatalf("Reader disagrees: %v %+v", rerr, rf.Header)
		}
	})
}

// FuzzReader feeds arbitrary streams to Reader and checks it against Parse
// applied packet by packet.
func FuzzReader(f *testing.F) {
	two := Append(Append(nil, 3005, 1, []byte("a")), 3005, 2, []byte("bc"))
	f.Add(two)
	f.Add(two[:len(two)-1])
	f.Add(append(two, 'F'))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), fuzzCap)
		rest := data
		for i := 0; ; i++ {
			rf, rerr := r.Next()
			pf, n, perr := Parse(rest, fuzzCap)
			if rerr == io.EOF {
				if len(rest) != 0 {
					t.Fatalf("packet %d: io.EOF with %d bytes left", i, len(rest))
				}
				return
			}
			if rerr != nil {
				if !isFrameErr(rerr) {
					t.Fatalf("packet %d: unexpected error kind: %v", i, rerr)
				}
				if perr == nil {
					t.Fatalf("packet %d: Reader failed (%v) where Parse succeeded", i, rerr)
				}
				return
			}
			if perr != nil {
				t.Fatalf("packet %d: Parse failed (%v) where Reader succeeded", i, perr)
			}
			if rf.Header != pf.Header || !bytes.Equal(rf.Body, pf.Body) {
				t.Fatalf("packet %d differs", i)
			}
			rest = rest[n:]
		}
	})
}
