// Package protoid is the one table of OpenD protocols: every proto id with its
// official name, request and response messages, whether OpenD pushes it, and the
// Qot_Common.SubType a quote push belongs to. The table (table_gen.go) is generated
// from Futu's official definitions by tools/conformance/gen-protoids.mjs (`make
// protoids`); no other file declares a proto id.
package protoid

import (
	"cmp"
	"slices"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Proto describes one OpenD protocol.
type Proto struct {
	ID       uint32
	Name     string // official name, also the package of its messages: "Qot_Sub"
	Request  string // full name of the request message ("Qot_Sub.Request"); "" for a push
	Response string // full name of the response or push message ("Qot_Sub.Response")
	Push     bool   // OpenD sends it unasked, with no request
	// SubType is the Qot_Common.SubType whose subscription turns this quote push on; 0
	// for other protocols and for Qot_UpdateKL, whose K-line type is in the body.
	SubType int32
}

// Lookup returns the protocol of id.
func Lookup(id uint32) (Proto, bool) {
	i, ok := slices.BinarySearchFunc(table[:], id, func(p Proto, id uint32) int { return cmp.Compare(p.ID, id) })
	if !ok {
		return Proto{}, false
	}
	return table[i], true
}

// ByName returns the protocol of an official name ("Trd_PlaceOrder").
func ByName(name string) (Proto, bool) {
	for _, p := range table {
		if p.Name == name {
			return p, true
		}
	}
	return Proto{}, false
}

// All returns every protocol, sorted by id.
func All() []Proto {
	return slices.Clone(table[:])
}

// SubTypeOf returns the Qot_Common.SubType a push of id belongs to, 0 when it has none.
func SubTypeOf(id uint32) int32 {
	p, _ := Lookup(id)
	return p.SubType
}

// MessageName is the full name, in this project's generated code, of an official
// message name: "Qot_Sub.Response" is futu.opend.qotsub.Response (the generated
// packages are futu.opend.<official package, lower case, no underscores>).
func MessageName(official string) protoreflect.FullName {
	pkg, msg, _ := strings.Cut(official, ".")
	return protoreflect.FullName("futu.opend." + strings.ToLower(strings.ReplaceAll(pkg, "_", "")) + "." + msg)
}
