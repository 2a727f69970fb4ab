package envelope

import (
	"errors"
	"strings"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/keepalive"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

func mustMarshal(t testing.TB, m proto.Message) []byte {
	t.Helper()
	b, err := proto.MarshalOptions{AllowPartial: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParse(t *testing.T) {
	full := mustMarshal(t, &keepalive.Response{
		RetType: proto.Int32(0),
		S2C:     &keepalive.S2C{Time: proto.Int64(1700000000)},
	})
	failed := mustMarshal(t, &keepalive.Response{
		RetType: proto.Int32(-1),
		RetMsg:  proto.String("bad things"),
		ErrCode: proto.Int32(-7),
	})
	// Fields in reverse order, plus unknown fields of every wire type.
	var odd []byte
	odd = protowire.AppendTag(odd, 99, protowire.Fixed64Type)
	odd = protowire.AppendFixed64(odd, 1)
	odd = protowire.AppendTag(odd, 4, protowire.BytesType)
	odd = protowire.AppendBytes(odd, []byte{0xff, 0xff}) // s2c is skipped, not decoded
	odd = protowire.AppendTag(odd, 3, protowire.VarintType)
	odd = protowire.AppendVarint(odd, 5)
	odd = protowire.AppendTag(odd, 7, protowire.StartGroupType)
	odd = protowire.AppendTag(odd, 1, protowire.Fixed32Type)
	odd = protowire.AppendFixed32(odd, 1)
	odd = protowire.AppendTag(odd, 7, protowire.EndGroupType)
	odd = protowire.AppendTag(odd, 2, protowire.BytesType)
	odd = protowire.AppendString(odd, "first")
	odd = protowire.AppendTag(odd, 2, protowire.BytesType)
	odd = protowire.AppendString(odd, "last wins")
	odd = protowire.AppendTag(odd, 1, protowire.VarintType)
	inv := RetInvalid
	odd = protowire.AppendVarint(odd, uint64(int64(inv)))

	badType := protowire.AppendTag(nil, 1, protowire.BytesType)
	badType = protowire.AppendString(badType, "x")

	tests := []struct {
		name    string
		in      []byte
		want    Status
		wantErr string
	}{
		{"success with s2c", full, Status{}, ""},
		{"failure", failed, Status{RetType: -1, RetMsg: "bad things", ErrCode: -7}, ""},
		{"odd order and unknown fields", odd, Status{RetType: RetInvalid, RetMsg: "last wins", ErrCode: 5}, ""},
		{"empty body", nil, Status{}, "missing required retType"},
		{"only s2c", full[2:], Status{}, "missing required retType"},
		{"truncated varint", []byte{0x08, 0xff}, Status{}, "retType at offset 0"},
		{"truncated retMsg", []byte{0x08, 0x00, 0x12, 0x05, 'a'}, Status{}, "retMsg at offset 2"},
		{"truncated errCode", []byte{0x08, 0x00, 0x18, 0x80}, Status{}, "errCode at offset 2"},
		{"bad tag", []byte{0x08, 0x00, 0x80}, Status{}, "tag at offset 2"},
		{"field zero", []byte{0x00, 0x00}, Status{}, "tag at offset 0"},
		{"retType wrong wire type is unknown", badType, Status{}, "missing required retType"},
		{"retMsg wrong wire type skipped", append(Encode(nil, Status{RetType: -1}), 0x15, '0', '0', '0', '0'), Status{RetType: -1}, ""},
		{"unknown field truncated", []byte{0x08, 0x00, 0x2a, 0x09, 0x00}, Status{}, "field 5 at offset 2"},
		{"stray end group", []byte{0x08, 0x00, 0x0c}, Status{}, "offset 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.wantErr != "" {
				if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want ErrMalformed with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestEncodeDecodesWithGeneratedCode(t *testing.T) {
	for _, s := range []Status{
		{},
		{RetType: RetFailed, RetMsg: "unsupported proto id 9999"},
		{RetType: RetTimeOut, ErrCode: 42},
		{RetType: RetUnknown, RetMsg: "ünïcode", ErrCode: -2147483648},
	} {
		b := Encode(nil, s)
		var m keepalive.Response
		if err := proto.Unmarshal(b, &m); err != nil {
			t.Fatalf("%+v: %v", s, err)
		}
		if m.RetType == nil || m.GetRetType() != s.RetType || m.GetRetMsg() != s.RetMsg || m.GetErrCode() != s.ErrCode {
			t.Fatalf("%+v decoded as %v", s, &m)
		}
		got, err := Parse(b)
		if err != nil || got != s {
			t.Fatalf("Parse(Encode(%+v)) = %+v, %v", s, got, err)
		}
		// Byte-identical to the generated code's encoding.
		want := mustMarshal(t, &keepalive.Response{RetType: proto.Int32(s.RetType), RetMsg: strPtr(s.RetMsg), ErrCode: i32Ptr(s.ErrCode)})
		if string(b) != string(want) {
			t.Fatalf("Encode(%+v) = %x, generated code gives %x", s, b, want)
		}
	}
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func i32Ptr(v int32) *int32 {
	if v == 0 {
		return nil
	}
	return &v
}

func TestAppendRequest(t *testing.T) {
	c2s := mustMarshal(t, &keepalive.C2S{Time: proto.Int64(123)})
	b := AppendRequest(nil, c2s)
	var m keepalive.Request
	if err := proto.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.GetC2S().GetTime() != 123 {
		t.Fatalf("got %v", &m)
	}
}

func TestStatusErr(t *testing.T) {
	if err := (Status{}).Err(1004); err != nil {
		t.Fatalf("success gave %v", err)
	}
	err := Status{RetType: RetFailed, RetMsg: "nope", ErrCode: 3}.Err(2202)
	var e *Error
	if !errors.As(err, &e) || e.ProtoID != 2202 || e.RetType != -1 || e.ErrCode != 3 || e.RetMsg != "nope" {
		t.Fatalf("err = %#v", err)
	}
	if got := err.Error(); got != "opend: proto 2202 failed: retType -1 errCode 3: nope" {
		t.Fatalf("Error() = %q", got)
	}
	if e := Errorf("unsupported proto id %d", 7); e.RetType != RetFailed || e.RetMsg != "unsupported proto id 7" {
		t.Fatalf("Errorf = %+v", e)
	}
}

func TestParseAllocs(t *testing.T) {
	b := mustMarshal(t, &keepalive.Response{RetType: proto.Int32(0), S2C: &keepalive.S2C{Time: proto.Int64(1)}})
	if n := testing.AllocsPerRun(100, func() {
		if _, err := Parse(b); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("allocs = %v", n)
	}
}

func BenchmarkParse(b *testing.B) {
	body := mustMarshal(b, &keepalive.Response{RetType: proto.Int32(0), S2C: &keepalive.S2C{Time: proto.Int64(1700000000)}})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}
