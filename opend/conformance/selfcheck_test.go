package conformance

import (
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/initconnect"
)

// smallSet is our descriptor set cut down to init_connect.proto (first) and
// common.proto; the test cases below break it one way each.
func smallSet() *descriptorpb.FileDescriptorSet {
	byName := map[string]*descriptorpb.FileDescriptorProto{}
	for _, f := range descriptorSet().File {
		byName[f.GetName()] = f
	}
	return &descriptorpb.FileDescriptorSet{File: []*descriptorpb.FileDescriptorProto{
		byName["futu/opend/init_connect.proto"], byName["futu/opend/common.proto"],
	}}
}

// TestDescriptorCheckDetectsMismatch proves the descriptor check can fail: each
// deliberate change must make check.mjs exit 1 and name the culprit.
func TestDescriptorCheckDetectsMismatch(t *testing.T) {
	tool := findNodeTool(t)
	c2s := func(s *descriptorpb.FileDescriptorSet) *descriptorpb.DescriptorProto { return s.File[0].MessageType[0] }
	tests := []struct {
		name   string
		set    func() *descriptorpb.FileDescriptorSet
		mutate func(*descriptorpb.FileDescriptorSet)
		want   string // empty: the check must pass
	}{
		{name: "cut-down set matches", set: smallSet},
		{
			name:   "renumbered field",
			set:    smallSet,
			mutate: func(s *descriptorpb.FileDescriptorSet) { c2s(s).Field[0].Number = proto.Int32(3) },
			want:   "futu.opend.initconnect.C2S.clientVer: number 3, official InitConnect.C2S.clientVer has 1",
		},
		{
			name: "changed label",
			set:  smallSet,
			mutate: func(s *descriptorpb.FileDescriptorSet) {
				c2s(s).Field[1].Label = descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum()
			},
			want: "futu.opend.initconnect.C2S.clientID: label optional, official InitConnect.C2S.clientID is required",
		},
		{
			name: "changed scalar type",
			set:  smallSet,
			mutate: func(s *descriptorpb.FileDescriptorSet) {
				c2s(s).Field[0].Type = descriptorpb.FieldDescriptorProto_TYPE_UINT32.Enum()
			},
			want: "C2S.clientVer: type uint32, official InitConnect.C2S.clientVer has int32",
		},
		{
			name: "wrong message type",
			set:  smallSet,
			mutate: func(s *descriptorpb.FileDescriptorSet) {
				s.File[0].MessageType[2].Field[0].TypeName = proto.String(".futu.opend.initconnect.S2C")
			},
			want: "Request.c2s: type message InitConnect.S2C, official InitConnect.Request.c2s has message InitConnect.C2S",
		},
		{
			name: "unknown field",
			set:  smallSet,
			mutate: func(s *descriptorpb.FileDescriptorSet) {
				c2s(s).Field[1].Name = proto.String("clientId")
			},
			want: "no field clientId in official InitConnect.C2S",
		},
		{
			name: "missing field",
			set:  smallSet,
			mutate: func(s *descriptorpb.FileDescriptorSet) {
				c2s(s).Field = c2s(s).Field[1:]
			},
			want: "official field InitConnect.C2S.clientVer is missing",
		},
		{
			name: "missing enum value",
			set:  smallSet,
			mutate: func(s *descriptorpb.FileDescriptorSet) {
				s.File[1].EnumType[0].Value = s.File[1].EnumType[0].Value[:1]
			},
			want: "official enum value Common.RetType.RetType_Failed is missing",
		},
		{
			name: "renumbered enum value",
			set:  smallSet,
			mutate: func(s *descriptorpb.FileDescriptorSet) {
				s.File[1].EnumType[0].Value[1].Number = proto.Int32(-2)
			},
			want: "futu.opend.common.RetType.RetType_Failed: number -2, official Common.RetType has -1",
		},
		{
			name: "renumbered field in the real set",
			set:  descriptorSet,
			mutate: func(s *descriptorpb.FileDescriptorSet) {
				for _, f := range s.File {
					if f.GetPackage() != "futu.opend.trdplaceorder" {
						continue
					}
					for _, m := range f.MessageType {
						for _, fd := range m.Field {
							if m.GetName() == "C2S" && fd.GetName() == "qty" {
								fd.Number = proto.Int32(60)
							}
						}
					}
				}
			},
			want: "futu.opend.trdplaceorder.C2S.qty: number 60, official Trd_PlaceOrder.C2S.qty has 6",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := tt.set()
			if tt.mutate != nil {
				tt.mutate(set)
			}
			out, code := tool.run(t, "check.mjs", "descriptors", writeDescriptorSet(t, set))
			switch {
			case tt.want == "" && code != 0:
				t.Fatalf("exit %d, want 0:\n%s", code, out)
			case tt.want != "" && code != 1:
				t.Fatalf("exit %d, want 1 for a deliberate mismatch:\n%s", code, out)
			case tt.want != "" && !strings.Contains(out, tt.want):
				t.Fatalf("output does not name the mismatch %q:\n%s", tt.want, out)
			}
		})
	}
}

// TestCompareJSONDetectsDifference proves the Go-side value comparison can fail.
func TestCompareJSONDetectsDifference(t *testing.T) {
	msg := &initconnect.Response{
		RetType: proto.Int32(-1),
		RetMsg:  proto.String("bad"),
		S2C:     &initconnect.S2C{ConnID: proto.Uint64(1 << 63), KeepAliveInterval: proto.Int32(10)},
	}
	status := &common.ProgramStatus{Type: common.ProgramStatusType_ProgramStatusType_Ready.Enum()}
	tests := []struct {
		name   string
		msg    proto.Message
		json   string
		strict bool
		want   string // empty: no difference
	}{
		{name: "equal", msg: msg, json: `{"retType":-1,"retMsg":"bad","s2c":{"connID":"9223372036854775808","keepAliveInterval":10}}`},
		{name: "official extra field tolerated", msg: msg, json: `{"retType":-1,"retMsg":"bad","s2c":{"connID":"9223372036854775808","keepAliveInterval":10,"aiType":3}}`},
		{name: "official extra field strict", msg: msg, strict: true, json: `{"retType":-1,"retMsg":"bad","x":1,"s2c":{"connID":"9223372036854775808","keepAliveInterval":10}}`, want: "Response.x: official has a value"},
		{name: "changed int", msg: msg, json: `{"retType":-2,"retMsg":"bad","s2c":{"connID":"9223372036854775808","keepAliveInterval":10}}`, want: "Response.retType: Go has -1, official has -2"},
		{name: "changed uint64", msg: msg, json: `{"retType":-1,"retMsg":"bad","s2c":{"connID":"9223372036854775807","keepAliveInterval":10}}`, want: "s2c.connID: Go has 9223372036854775808"},
		{name: "missing in official", msg: msg, json: `{"retType":-1,"s2c":{"connID":"9223372036854775808","keepAliveInterval":10}}`, want: "retMsg: set in Go, absent"},
		{name: "unset in Go", msg: msg, json: `{"retType":-1,"retMsg":"bad","errCode":5,"s2c":{"connID":"9223372036854775808","keepAliveInterval":10}}`, want: "errCode: official has 5, unset in Go"},
		{name: "changed enum", msg: status, json: `{"type":9}`, want: "ProgramStatus.type: Go has 10, official has 9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj, err := decodeJSON([]byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			m := tt.msg.ProtoReflect()
			diffs := compareJSON(string(m.Descriptor().Name()), m, obj, tt.strict)
			joined := strings.Join(diffs, "\n")
			switch {
			case tt.want == "" && len(diffs) > 0:
				t.Fatalf("unexpected differences:\n%s", joined)
			case tt.want != "" && !strings.Contains(joined, tt.want):
				t.Fatalf("differences %q do not contain %q", joined, tt.want)
			}
		})
	}
}

// TestFillSetsEveryField checks the filler: every field of every type is set (up to
// the depth bound) and the result marshals, so required fields are present.
func TestFillSetsEveryField(t *testing.T) {
	for _, mt := range messageTypes(t) {
		m := mt.New()
		if err := fill(m, 0); err != nil {
			t.Fatal(err)
		}
		fields := m.Descriptor().Fields()
		for i := range fields.Len() {
			if fd := fields.Get(i); !m.Has(fd) {
				t.Errorf("%s not set", fd.FullName())
			}
		}
		if _, err := proto.Marshal(m.Interface()); err != nil {
			t.Errorf("marshal %s: %v", m.Descriptor().FullName(), err)
		}
	}
}

// TestRoundtripDetectsMissingRequired proves the official side refuses our bytes
// when a required field is missing.
func TestRoundtripDetectsMissingRequired(t *testing.T) {
	tool := findNodeTool(t)
	dir := t.TempDir()
	partial := &initconnect.C2S{ClientVer: proto.Int32(100)} // clientID (required) left out
	b, err := proto.MarshalOptions{AllowPartial: true}.Marshal(partial)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "futu.opend.initconnect.C2S.go.bin"), b)
	out, code := tool.run(t, "check.mjs", "roundtrip", dir)
	if code != 1 || !strings.Contains(out, "futu.opend.initconnect.C2S") || !strings.Contains(out, "clientID") {
		t.Fatalf("exit %d, want 1 naming the missing clientID:\n%s", code, out)
	}
}
