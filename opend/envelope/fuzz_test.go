package envelope

import (
	"errors"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/keepalive"
	"google.golang.org/protobuf/proto"
)

// FuzzParse checks that Parse never panics, fails only with ErrMalformed,
// round-trips through Encode, and accepts whatever the generated protobuf
// code accepts (with the same values).
func FuzzParse(f *testing.F) {
	f.Add(Encode(nil, Status{}))
	f.Add(Encode(nil, Status{RetType: RetFailed, RetMsg: "no", ErrCode: 1}))
	f.Add([]byte{0x08, 0x00, 0x22, 0x02, 0x08, 0x01})
	f.Add([]byte{0x3b, 0x08, 0x01, 0x3c, 0x08, 0x00})
	f.Add([]byte{0x08, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		var m keepalive.Response
		refErr := proto.UnmarshalOptions{AllowPartial: true}.Unmarshal(data, &m)
		if refErr == nil && m.RetType != nil {
			// The generated code accepted it, so must we, with the same values
			// (the reverse does not hold: we skip s2c without decoding it).
			if err != nil {
				t.Fatalf("Parse failed (%v) where proto.Unmarshal gave %v", err, &m)
			}
			if s.RetType != m.GetRetType() || s.RetMsg != m.GetRetMsg() || s.ErrCode != m.GetErrCode() {
				t.Fatalf("Parse = %+v, proto.Unmarshal = %v", s, &m)
			}
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		again, err := Parse(Encode(nil, s))
		if err != nil || again != s {
			t.Fatalf("round trip: %+v -> %+v, %v", s, again, err)
		}
	})
}
