package catalog

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
)

// Security is a security named by a request.
type Security struct {
	Field  string // the field path it came from
	Market int32
	Code   string
}

// Securities returns every security that in's fields at paths name (singular or
// repeated Security fields; unset ones name none).
func Securities(in proto.Message, paths []string) []Security {
	var out []Security
	for _, p := range paths {
		walk(in.ProtoReflect(), strings.Split(p, "."), func(v protoreflect.Value, fd protoreflect.FieldDescriptor) {
			add := func(m protoreflect.Message) {
				f := m.Descriptor().Fields()
				out = append(out, Security{Field: p,
					Market: int32(m.Get(f.ByName("market")).Int()), Code: m.Get(f.ByName("code")).String()})
			}
			if fd.IsList() {
				for i := 0; i < v.List().Len(); i++ {
					add(v.List().Get(i).Message())
				}
			} else {
				add(v.Message())
			}
		})
	}
	return out
}

// AccountID is an account id named by a request.
type AccountID struct {
	Field string // the field path
	ID    uint64
	Set   bool // false when the request leaves the field out
}

// Accounts returns the account id of every path of in, set or not.
func Accounts(in proto.Message, paths []string) []AccountID {
	out := make([]AccountID, 0, len(paths))
	for _, p := range paths {
		a := AccountID{Field: p}
		walk(in.ProtoReflect(), strings.Split(p, "."), func(v protoreflect.Value, _ protoreflect.FieldDescriptor) {
			a.ID, a.Set = v.Uint(), true
		})
		out = append(out, a)
	}
	return out
}

// walk calls fn with the value of the field at path when it is set.
func walk(m protoreflect.Message, path []string, fn func(protoreflect.Value, protoreflect.FieldDescriptor)) {
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(path[0]))
	if fd == nil || !m.Has(fd) {
		return
	}
	if len(path) == 1 {
		fn(m.Get(fd), fd)
		return
	}
	walk(m.Get(fd).Message(), path[1:], fn)
}

// ValidSecurity refuses a security whose market is not a QotMarket or whose code is
// empty, too long or has characters no Futu code has.
func ValidSecurity(s Security) error {
	if _, ok := qotcommon.QotMarket_name[s.Market]; !ok || s.Market == 0 {
		return fmt.Errorf("%s: market %d is not a QotMarket (1 HK, 11 US, ...)", s.Field, s.Market)
	}
	if s.Code == "" || len(s.Code) > 32 || strings.Trim(s.Code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_") != "" {
		return fmt.Errorf("%s: code %q is not a security code", s.Field, s.Code)
	}
	return nil
}
