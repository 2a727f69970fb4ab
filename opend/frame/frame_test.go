package frame

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestAppendLayout(t *testing.T) {
	body := []byte("hello")
	b := Append(nil, 1001, 7, body)
	if len(b) != HeaderLen+len(body) {
		t.Fatalf("len = %d, want %d", len(b), HeaderLen+len(body))
	}
	if string(b[:2]) != "FT" {
		t.Errorf("flag = %q", b[:2])
	}
	if got := binary.LittleEndian.Uint32(b[2:]); got != 1001 {
		t.Errorf("proto id = %d", got)
	}
	if b[6] != 0 || b[7] != 0 {
		t.Errorf("fmt/ver = %d/%d", b[6], b[7])
	}
	if got := binary.LittleEndian.Uint32(b[8:]); got != 7 {
		t.Errorf("serial = %d", got)
	}
	if got := binary.LittleEndian.Uint32(b[12:]); got != 5 {
		t.Errorf("body_len = %d", got)
	}
	sum := sha1.Sum(body)
	if !bytes.Equal(b[16:36], sum[:]) {
		t.Errorf("sha1 = %x, want %x", b[16:36], sum)
	}
	if !bytes.Equal(b[36:44], make([]byte, 8)) {
		t.Errorf("reserved = %x", b[36:44])
	}
	if string(b[44:]) != "hello" {
		t.Errorf("body = %q", b[44:])
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []Frame{
		{Header: Header{ProtoID: 1001, Serial: 1}, Body: []byte{0x0a, 0x02, 0x08, 0x01}},
		{Header: Header{ProtoID: 1004, Serial: 0xffffffff}},
		{Header: Header{ProtoID: 3005, Fmt: FmtJSON, Ver: 3, Serial: 42}, Body: []byte(`{"a":1}`)},
		{Header: Header{ProtoID: 0xffffffff, Serial: 0}, Body: bytes.Repeat([]byte{0xab}, 70000)},
	} {
		b := AppendFrame([]byte("prefix"), tc)
		b = b[len("prefix"):]
		b = append(b, "trailing"...)
		f, n, err := Parse(b, 0)
		if err != nil {
			t.Fatalf("proto %d: %v", tc.ProtoID, err)
		}
		if n != HeaderLen+len(tc.Body) {
			t.Errorf("n = %d", n)
		}
		if f.ProtoID != tc.ProtoID || f.Serial != tc.Serial || f.Fmt != tc.Fmt || f.Ver != tc.Ver ||
			f.BodyLen != uint32(len(tc.Body)) || !bytes.Equal(f.Body, tc.Body) {
			t.Errorf("got %+v", f.Header)
		}
		if cap(f.Body) != len(f.Body) {
			t.Errorf("body cap %d leaks the trailing bytes", cap(f.Body))
		}
	}
}

// corrupt returns a valid frame modified by fn.
func corrupt(fn func(b []byte) []byte) []byte {
	return fn(Append(nil, 3005, 9, []byte("quote body")))
}

func TestParseErrors(t *testing.T) {
	valid := Append(nil, 3005, 9, []byte("quote body"))
	tests := []struct {
		name    string
		in      []byte
		max     int
		wantErr error
		detail  string // substring of the message
	}{
		{"empty", nil, 0, ErrTruncated, "have 0"},
		{"short header", valid[:43], 0, ErrTruncated, "have 43"},
		{"bad flag", corrupt(func(b []byte) []byte { b[0] = 'X'; return b }), 0, ErrBadFlag, `"XT"`},
		{"bad second flag byte", corrupt(func(b []byte) []byte { b[1] = 't'; return b }), 0, ErrBadFlag, `"Ft"`},
		{"bad sha", corrupt(func(b []byte) []byte { b[20] ^= 1; return b }), 0, ErrChecksum, "proto 3005 serial 9 body_len 10"},
		{"body flipped", corrupt(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), 0, ErrChecksum, "proto 3005"},
		{"truncated body", valid[:len(valid)-1], 0, ErrTruncated, "body_len 10, have 9"},
		{"header only", valid[:HeaderLen], 0, ErrTruncated, "have 0 body bytes"},
		{"over custom cap", valid, 9, ErrTooLarge, "body_len 10 > cap 9"},
		{"huge length default cap", corrupt(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[12:], 0xffffffff)
			return b
		}), 0, ErrTooLarge, "body_len 4294967295 > cap 16777216"},
		{"just over default cap", corrupt(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[12:], DefaultMaxBody+1)
			return b
		}), -1, ErrTooLarge, "> cap"},
		{"length says more than sent", corrupt(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[12:], 11)
			return b
		}), 0, ErrTruncated, "body_len 11, have 10"},
		{"length says less than sent", corrupt(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[12:], 9)
			return b
		}), 0, ErrChecksum, "body_len 9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, n, err := Parse(tc.in, tc.max)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if n != 0 {
				t.Errorf("n = %d on error", n)
			}
			if !strings.Contains(err.Error(), tc.detail) {
				t.Errorf("err %q lacks %q", err, tc.detail)
			}
		})
	}
}

func TestReservedBytesIgnored(t *testing.T) {
	b := Append(nil, 1, 2, []byte("x"))
	copy(b[36:44], "garbage!")
	if _, _, err := Parse(b, 0); err != nil {
		t.Fatal(err)
	}
}

func TestVerify(t *testing.T) {
	h := Header{ProtoID: 1, BodyLen: 3, SHA1: sha1.Sum([]byte("abc"))}
	if err := Verify(h, []byte("abc")); err != nil {
		t.Fatal(err)
	}
	if err := Verify(h, []byte("abd")); !errors.Is(err, ErrChecksum) {
		t.Fatalf("err = %v", err)
	}
	if err := Verify(h, []byte("ab")); !errors.Is(err, ErrTruncated) {
		t.Fatalf("err = %v", err)
	}
}

func TestReader(t *testing.T) {
	var stream []byte
	for i := range 100 {
		stream = Append(stream, uint32(3000+i), uint32(i), bytes.Repeat([]byte{byte(i)}, i))
	}
	r := NewReader(bytes.NewReader(stream), 0)
	for i := range 100 {
		f, err := r.Next()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if f.ProtoID != uint32(3000+i) || f.Serial != uint32(i) || len(f.Body) != i {
			t.Fatalf("frame %d: %+v", i, f.Header)
		}
		if i == 0 && f.Body != nil {
			t.Errorf("empty body should be nil")
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("end: err = %v, want io.EOF", err)
	}
}

func TestReaderLargeBody(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 300_000) // 3 MB, grows past eagerBody
	stream := Append(nil, 3005, 1, body)
	r := NewReader(iotestOneByteAtATime(stream), 4<<20)
	f, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.Body, body) {
		t.Fatal("body mismatch")
	}
	// Truncated large body.
	r = NewReader(bytes.NewReader(stream[:2_000_000]), 4<<20)
	if _, err := r.Next(); !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "after 1999956 of 3000000") {
		t.Fatalf("err = %v", err)
	}
}

func iotestOneByteAtATime(b []byte) io.Reader {
	return bufio.NewReaderSize(&chunky{b: b}, 16)
}

type chunky struct{ b []byte }

func (c *chunky) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 7)], c.b)
	c.b = c.b[n:]
	return n, nil
}

func TestReaderErrors(t *testing.T) {
	valid := Append(nil, 3005, 9, []byte("quote body"))
	tests := []struct {
		name    string
		in      []byte
		max     int
		skip    bool
		wantErr error
		detail  string
	}{
		{"clean eof", nil, 0, false, io.EOF, "EOF"},
		{"partial header", valid[:10], 0, false, ErrTruncated, "after 10 of 44 header bytes"},
		{"partial body", valid[:HeaderLen+4], 0, false, ErrTruncated, "after 4 of 10 body bytes"},
		{"header then nothing", valid[:HeaderLen], 0, false, ErrTruncated, "after 0 of 10 body bytes"},
		{"bad flag", corrupt(func(b []byte) []byte { b[0] = 0; return b }), 0, false, ErrBadFlag, "want"},
		{"bad sha", corrupt(func(b []byte) []byte { b[30] ^= 0xff; return b }), 0, false, ErrChecksum, "proto 3005 serial 9"},
		{"bad sha empty body", func() []byte {
			b := Append(nil, 1004, 1, nil)
			b[16] ^= 1
			return b
		}(), 0, false, ErrChecksum, "body_len 0"},
		{"too large", valid, 4, false, ErrTooLarge, "body_len 10 > cap 4"},
		{"huge length", corrupt(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[12:], 0xfffffff0)
			return b
		}), 0, false, ErrTooLarge, "4294967280"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(bytes.NewReader(tc.in), tc.max)
			r.SkipVerify = tc.skip
			_, err := r.Next()
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.detail) {
				t.Errorf("err %q lacks %q", err, tc.detail)
			}
		})
	}
}

func TestReaderSkipVerify(t *testing.T) {
	b := corrupt(func(b []byte) []byte { b[30] ^= 0xff; return b })
	r := NewReader(bytes.NewReader(b), 0)
	r.SkipVerify = true
	f, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(f.Header, f.Body); !errors.Is(err, ErrChecksum) {
		t.Fatalf("Verify: %v", err)
	}
}

func TestReaderPassesIOErrors(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(io.MultiReader(bytes.NewReader([]byte("FT")), errReader{boom}), 0)
	if _, err := r.Next(); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// TestDecodeAllocs pins the allocation budget: Parse allocates nothing,
// Reader.Next allocates exactly the body.
func TestDecodeAllocs(t *testing.T) {
	pkt := Append(nil, 3005, 1, bytes.Repeat([]byte{1}, 200))
	if n := testing.AllocsPerRun(100, func() {
		if _, _, err := Parse(pkt, 0); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Parse allocs = %v, want 0", n)
	}
	buf := make([]byte, 0, len(pkt))
	if n := testing.AllocsPerRun(100, func() {
		buf = Append(buf[:0], 3005, 1, pkt[HeaderLen:])
	}); n != 0 {
		t.Errorf("Append allocs = %v, want 0", n)
	}
	src := &repeater{pkt: pkt}
	r := NewReader(src, 0)
	if n := testing.AllocsPerRun(100, func() {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}); n != 1 {
		t.Errorf("Reader.Next allocs = %v, want 1 (the body)", n)
	}
}

// repeater is an endless stream of the same packet.
type repeater struct {
	pkt []byte
	off int
}

func (r *repeater) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.pkt[r.off:])
		n += c
		r.off = (r.off + c) % len(r.pkt)
	}
	return n, nil
}
