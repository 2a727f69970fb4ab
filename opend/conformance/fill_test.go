package conformance

import (
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// maxFillDepth bounds recursion into optional and repeated message fields; required
// message fields are filled at any depth because proto.Marshal refuses them unset.
const (
	maxFillDepth  = 4
	hardFillLimit = 16
)

// fill sets every field of m to a deterministic non-default value: repeated fields
// get two elements, enums their first non-zero values. It fails only when required
// message fields nest without end.
func fill(m protoreflect.Message, depth int) error {
	if depth > hardFillLimit {
		return fmt.Errorf("fill %s: required fields nest deeper than %d", m.Descriptor().FullName(), hardFillLimit)
	}
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		isMessage := fd.Message() != nil
		if fd.IsMap() || (isMessage && depth >= maxFillDepth && fd.Cardinality() != protoreflect.Required) {
			continue
		}
		switch {
		case fd.IsList():
			list := m.Mutable(fd).List()
			for k := range 2 {
				if isMessage {
					el := list.NewElement()
					if err := fill(el.Message(), depth+1); err != nil {
						return err
					}
					list.Append(el)
					continue
				}
				list.Append(scalarValue(fd, k))
			}
		case isMessage:
			if err := fill(m.Mutable(fd).Message(), depth+1); err != nil {
				return err
			}
		default:
			m.Set(fd, scalarValue(fd, 0))
		}
	}
	return nil
}

// scalarValue is the value of element k of a non-message field: unlike the official
// filler's values, and chosen to exercise sign extension and 64-bit ranges.
func scalarValue(fd protoreflect.FieldDescriptor, k int) protoreflect.Value {
	n := int64(fd.Number())*100 + int64(k) + 7
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(true)
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(int32(-n))
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(uint32(n))
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(-(1 << 41) - n)
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(1<<63 + uint64(n))
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(float32(n) + 0.5)
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(float64(n) + 0.125)
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(fmt.Sprintf("go-%s-%d", fd.Name(), k))
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes(fmt.Appendf(nil, "go-bytes-%s-%d", fd.Name(), k))
	case protoreflect.EnumKind:
		return protoreflect.ValueOfEnum(enumValue(fd.Enum(), k))
	default:
		return fd.Default()
	}
}

// enumValue picks non-zero values in declaration order so they are not defaults.
func enumValue(ed protoreflect.EnumDescriptor, k int) protoreflect.EnumNumber {
	var nonZero []protoreflect.EnumNumber
	values := ed.Values()
	for i := range values.Len() {
		if n := values.Get(i).Number(); n != 0 {
			nonZero = append(nonZero, n)
		}
	}
	if len(nonZero) == 0 {
		return 0
	}
	return nonZero[k%len(nonZero)]
}
