package frame

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

// TestDecodeRequest holds frames as futu-api's base.js packBuff writes them.
func TestDecodeRequest(t *testing.T) {
	// packBuff(3001, 2, [0x0a, 0x00]): sign, cmd and section big-endian, body.
	js, _ := hex.DecodeString("66742d76312e3000" + "00000bb9" + "0000000000000002" + "0a00")
	for _, c := range []struct {
		name string
		in   []byte
		want Request
		err  error
	}{
		{"base.js Qot_Sub", js, Request{Cmd: 3001, Section: 2, Body: []byte{0x0a, 0x00}}, nil},
		{"empty body", AppendRequest(nil, CmdInit, 1<<40, nil), Request{Cmd: 1, Section: 1 << 40, Body: []byte{}}, nil},
		{"short", js[:19], Request{}, ErrShort},
		{"empty", nil, Request{}, ErrShort},
		{"wrong sign", append([]byte("FT-v1.0\x00"), js[8:]...), Request{}, ErrSign},
		{"sign without NUL", append([]byte("ft-v1.0 "), js[8:]...), Request{}, ErrSign},
		{"too large", AppendRequest(nil, 3001, 3, make([]byte, MaxBody+1)), Request{}, ErrTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecodeRequest(c.in)
			if !errors.Is(err, c.err) {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
			if err == nil && (got.Cmd != c.want.Cmd || got.Section != c.want.Section || !bytes.Equal(got.Body, c.want.Body)) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestResponseLayout checks the 44-byte header base.js unpackBuff reads.
func TestResponseLayout(t *testing.T) {
	b := Response{Cmd: 1, Section: 2, Error: -1, ErrMsg: "key refused", Body: []byte{8, 0}}.Encode()
	want := "66742d76312e3000" + "00000001" + "0000000000000002" + "ffffffff" +
		hex.EncodeToString(append([]byte("key refused"), make([]byte, 9)...)) + "0800"
	if got := hex.EncodeToString(b); got != want {
		t.Fatalf("frame\n got %s\nwant %s", got, want)
	}
	for _, c := range []struct{ in, want string }{
		{"a message longer than twenty bytes", "a message longer tha"},
		{"naïve ü", "nave "}, // base.js counts characters: only ASCII keeps the header 44 bytes
		{"tab\there", "tabhere"},
	} {
		r, err := DecodeResponse(Response{ErrMsg: c.in}.Encode())
		if err != nil || r.ErrMsg != c.want {
			t.Errorf("errmsg %q: got %q (%v), want %q", c.in, r.ErrMsg, err, c.want)
		}
	}
	p, _ := DecodeResponse(Push(3005, []byte{1}))
	if p.Cmd != 3005 || p.Section != 0 || p.Error != 0 || !bytes.Equal(p.Body, []byte{1}) {
		t.Fatalf("push = %+v", p)
	}
}

// FuzzDecodeRequest: any input decodes or fails with an error, never panics, and a
// decoded frame encodes back to the same bytes.
func FuzzDecodeRequest(f *testing.F) {
	f.Add(AppendRequest(nil, CmdInit, 2, []byte{0x0a, 0x02, 0x22, 0x00}))
	f.Add(AppendRequest(nil, 3001, 3, nil))
	f.Add([]byte("ft-v1.0"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeRequest(b)
		if err != nil {
			return
		}
		if again := AppendRequest(nil, r.Cmd, r.Section, r.Body); !bytes.Equal(again, b) {
			t.Fatalf("round trip: %x != %x", again, b)
		}
		resp, err := DecodeResponse(Response{Cmd: r.Cmd, Section: r.Section, ErrMsg: string(r.Body), Body: r.Body}.Encode())
		if err != nil || resp.Cmd != r.Cmd || resp.Section != r.Section || !bytes.Equal(resp.Body, r.Body) || len(resp.ErrMsg) > errMsgLen {
			t.Fatalf("response round trip: %+v, %v", resp, err)
		}
	})
}
