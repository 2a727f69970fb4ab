package conformance

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// TestEveryProtoFileRegistered guards the blank imports: a .proto file whose Go
// package is not imported here would silently escape every other check.
func TestEveryProtoFileRegistered(t *testing.T) {
	sources, err := filepath.Glob(filepath.Join("..", "..", "api", "proto", "futu", "opend", "*.proto"))
	if err != nil || len(sources) == 0 {
		t.Fatalf("no .proto sources found: %v", err)
	}
	var want, got []string
	for _, s := range sources {
		want = append(want, path.Join("futu", "opend", filepath.Base(s)))
	}
	for _, fd := range opendFiles() {
		got = append(got, fd.Path())
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("registered files differ from api/proto/futu/opend:\n got  %v\n want %v", got, want)
	}
}

// TestDescriptorsMatchOfficial checks numbers, labels, types and enum values of
// everything we define against the official .proto files.
func TestDescriptorsMatchOfficial(t *testing.T) {
	tool := findNodeTool(t)
	file := writeDescriptorSet(t, descriptorSet())
	out, code := tool.run(t, "check.mjs", "descriptors", file)
	if code != 0 {
		t.Fatalf("descriptors differ from the official ones (exit %d):\n%s", code, out)
	}
	t.Log(strings.TrimSpace(out))
}

// TestRoundtripWithOfficial exchanges encoded messages with the official
// definitions in both directions for every message type of ours.
func TestRoundtripWithOfficial(t *testing.T) {
	tool := findNodeTool(t)
	dir := artifactDir(t)
	types := messageTypes(t)
	originals := make(map[protoreflect.FullName]proto.Message, len(types))
	for _, mt := range types {
		m := mt.New()
		if err := fill(m, 0); err != nil {
			t.Fatal(err)
		}
		b, err := proto.Marshal(m.Interface())
		if err != nil {
			t.Fatalf("marshal filled %s: %v", m.Descriptor().FullName(), err)
		}
		name := m.Descriptor().FullName()
		writeFile(t, filepath.Join(dir, string(name)+".go.bin"), b)
		originals[name] = m.Interface()
	}

	out, code := tool.run(t, "check.mjs", "roundtrip", dir)
	if code != 0 {
		t.Fatalf("official side rejected our messages (exit %d):\n%s", code, out)
	}
	t.Log(strings.TrimSpace(out))

	for _, mt := range types {
		name := mt.Descriptor().FullName()
		t.Run(string(name), func(t *testing.T) {
			base := filepath.Join(dir, string(name))
			checkOurBytes(t, mt, originals[name], base)
			checkOfficialBytes(t, mt, base)
		})
	}
}

// checkOurBytes: the official re-encoding of our message decodes back to the
// original, and the official JSON of it shows exactly our values.
func checkOurBytes(t *testing.T, mt protoreflect.MessageType, orig proto.Message, base string) {
	t.Helper()
	back := mt.New().Interface()
	if err := proto.Unmarshal(readFile(t, base+".node.bin"), back); err != nil {
		t.Fatalf("Go cannot read the official re-encoding: %v", err)
	}
	if !proto.Equal(orig, back) {
		t.Errorf("official re-encoding changed the message:\n sent %s\n got  %s",
			prototext.Format(orig), prototext.Format(back))
	}
	obj, err := decodeJSON(readFile(t, base+".node.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range compareJSON(string(mt.Descriptor().FullName()), orig.ProtoReflect(), obj, true) {
		t.Errorf("official decoding of our bytes: %s", d)
	}
}

// checkOfficialBytes: a message with every official field set decodes in Go (all
// our required fields present) and our fields carry the official values.
func checkOfficialBytes(t *testing.T, mt protoreflect.MessageType, base string) {
	t.Helper()
	m := mt.New().Interface()
	if err := proto.Unmarshal(readFile(t, base+".official.bin"), m); err != nil {
		t.Fatalf("Go cannot read an official message: %v", err)
	}
	obj, err := decodeJSON(readFile(t, base+".official.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range compareJSON(string(mt.Descriptor().FullName()), m.ProtoReflect(), obj, false) {
		t.Errorf("Go decoding of official bytes: %s", d)
	}
}

// artifactDir is where the exchanged files go: FUTUGW_CONFORMANCE_OUT keeps them
// for inspection, otherwise a temporary directory.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("FUTUGW_CONFORMANCE_OUT")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeDescriptorSet(t *testing.T, set proto.Message) string {
	t.Helper()
	b, err := proto.Marshal(set)
	if err != nil {
		t.Fatalf("marshal descriptor set: %v", err)
	}
	file := filepath.Join(t.TempDir(), "opend.binpb")
	writeFile(t, file, b)
	return file
}

func writeFile(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
