package frame

import (
	"bytes"
	"testing"
)

// benchBody is about the size of a Qot_UpdateBasicQot push for one security.
var benchBody = bytes.Repeat([]byte{0x5a}, 256)

func BenchmarkAppend(b *testing.B) {
	buf := make([]byte, 0, HeaderLen+len(benchBody))
	b.ReportAllocs()
	b.SetBytes(int64(HeaderLen + len(benchBody)))
	for b.Loop() {
		buf = Append(buf[:0], 3005, 1, benchBody)
	}
}

func BenchmarkParse(b *testing.B) {
	pkt := Append(nil, 3005, 1, benchBody)
	b.ReportAllocs()
	b.SetBytes(int64(len(pkt)))
	for b.Loop() {
		if _, _, err := Parse(pkt, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReaderNext(b *testing.B) {
	pkt := Append(nil, 3005, 1, benchBody)
	r := NewReader(&repeater{pkt: pkt}, 0)
	b.ReportAllocs()
	b.SetBytes(int64(len(pkt)))
	for b.Loop() {
		if _, err := r.Next(); err != nil {
			b.Fatal(err)
		}
	}
}
