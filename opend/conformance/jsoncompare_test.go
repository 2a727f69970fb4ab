package conformance

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// decodeJSON parses the JSON that protobufjs' toObject wrote (longs as strings,
// enums as numbers, bytes as base64), keeping numbers exact.
func decodeJSON(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("decode json: %w", err)
	}
	return obj, nil
}

// compareJSON lists the differences between the fields of m that we define and obj.
// With strict, keys of obj that are not fields of ours are differences too (used for
// JSON the official side decoded from our own bytes); without it they are the
// official fields we leave out.
func compareJSON(path string, m protoreflect.Message, obj map[string]any, strict bool) []string {
	var diffs []string
	fields := m.Descriptor().Fields()
	if strict {
		var extra []string
		for key := range obj {
			if fields.ByName(protoreflect.Name(key)) == nil {
				extra = append(extra, key)
			}
		}
		sort.Strings(extra)
		for _, key := range extra {
			diffs = append(diffs, fmt.Sprintf("%s.%s: official has a value, not a field of ours", path, key))
		}
	}
	for i := range fields.Len() {
		fd := fields.Get(i)
		where := path + "." + string(fd.Name())
		val, ok := obj[string(fd.Name())]
		has := m.Has(fd)
		switch {
		case !ok && !has:
			continue
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s: set in Go, absent in official JSON", where))
			continue
		case !has:
			diffs = append(diffs, fmt.Sprintf("%s: official has %v, unset in Go", where, val))
			continue
		}
		if fd.IsList() {
			diffs = append(diffs, compareList(where, fd, m.Get(fd).List(), val, strict)...)
			continue
		}
		diffs = append(diffs, compareValue(where, fd, m.Get(fd), val, strict)...)
	}
	return diffs
}

func compareList(where string, fd protoreflect.FieldDescriptor, list protoreflect.List, val any, strict bool) []string {
	arr, ok := val.([]any)
	if !ok {
		return []string{fmt.Sprintf("%s: official value %v is not a list", where, val)}
	}
	if len(arr) != list.Len() {
		return []string{fmt.Sprintf("%s: %d elements in Go, %d in official JSON", where, list.Len(), len(arr))}
	}
	var diffs []string
	for i, el := range arr {
		diffs = append(diffs, compareValue(fmt.Sprintf("%s[%d]", where, i), fd, list.Get(i), el, strict)...)
	}
	return diffs
}

// compareValue compares one singular value of fd's kind.
func compareValue(where string, fd protoreflect.FieldDescriptor, v protoreflect.Value, val any, strict bool) []string {
	if fd.Message() != nil {
		sub, ok := val.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: official value %v is not an object", where, val)}
		}
		return compareJSON(where, v.Message(), sub, strict)
	}
	want, err := scalarText(fd, v)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", where, err)}
	}
	got, err := jsonText(fd, val)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", where, err)}
	}
	if got != want {
		return []string{fmt.Sprintf("%s: Go has %s, official has %s", where, want, got)}
	}
	return nil
}

// scalarText renders a Go value the way jsonText renders the official one.
func scalarText(fd protoreflect.FieldDescriptor, v protoreflect.Value) (string, error) {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return strconv.FormatBool(v.Bool()), nil
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return strconv.FormatInt(v.Int(), 10), nil
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return strconv.FormatUint(v.Uint(), 10), nil
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64), nil
	case protoreflect.StringKind:
		return strconv.Quote(v.String()), nil
	case protoreflect.BytesKind:
		return base64.StdEncoding.EncodeToString(v.Bytes()), nil
	case protoreflect.EnumKind:
		return strconv.FormatInt(int64(v.Enum()), 10), nil
	default:
		return "", fmt.Errorf("unsupported kind %v", fd.Kind())
	}
}

// jsonText renders a protobufjs toObject value: numbers (json.Number), 64-bit
// integers as strings, strings, booleans, bytes as base64.
func jsonText(fd protoreflect.FieldDescriptor, val any) (string, error) {
	switch x := val.(type) {
	case bool:
		return strconv.FormatBool(x), nil
	case json.Number:
		if fd.Kind() == protoreflect.FloatKind || fd.Kind() == protoreflect.DoubleKind {
			f, err := x.Float64()
			if err != nil || math.IsInf(f, 0) {
				return "", fmt.Errorf("official number %s: not a float", x)
			}
			return strconv.FormatFloat(f, 'g', -1, 64), nil
		}
		return x.String(), nil
	case string:
		switch fd.Kind() {
		case protoreflect.StringKind:
			return strconv.Quote(x), nil
		default:
			return x, nil // 64-bit integers and base64 bytes
		}
	default:
		return "", fmt.Errorf("official value %v has unexpected JSON type %T", val, val)
	}
}
