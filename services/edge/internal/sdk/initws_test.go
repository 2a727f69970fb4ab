package sdk

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

func TestInitKey(t *testing.T) {
	key := newKey()
	if got, err := initKey(initBody(key)); err != nil || got != md5hex(key) {
		t.Fatalf("initKey = %q, %v", got, err)
	}
	upper := request(protowire.AppendString(protowire.AppendTag(nil, 4, protowire.BytesType), strings.ToUpper(md5hex(key))))
	if _, err := initKey(upper); err == nil {
		t.Error("an upper-case digest passed: futu-api sends lower case")
	}
}

// FuzzInitKey: any InitWebSocket body yields a 32-digit lowercase hex key or an
// error, never a panic.
func FuzzInitKey(f *testing.F) {
	f.Add(initBody("fk_x"))
	f.Add(request(nil))
	f.Add([]byte{0x0a, 0x02, 0x22, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := initKey(b)
		if err == nil && !isMD5Hex(k) {
			t.Fatalf("initKey accepted %q", k)
		}
	})
}
