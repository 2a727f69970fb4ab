package conformance

import (
	"sort"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// ourPrefix is the package prefix of our OpenD definitions.
const ourPrefix = "futu.opend."

// opendFiles returns the registered files of our OpenD definitions, sorted by path.
func opendFiles() []protoreflect.FileDescriptor {
	var files []protoreflect.FileDescriptor
	protoregistry.GlobalFiles.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if strings.HasPrefix(string(fd.Package()), ourPrefix) {
			files = append(files, fd)
		}
		return true
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Path() < files[j].Path() })
	return files
}

// descriptorSet converts the registered OpenD files into a FileDescriptorSet, the
// input of `check.mjs descriptors`; built from the compiled-in registry so CI needs
// no buf binary.
func descriptorSet() *descriptorpb.FileDescriptorSet {
	set := &descriptorpb.FileDescriptorSet{}
	for _, fd := range opendFiles() {
		set.File = append(set.File, protodesc.ToFileDescriptorProto(fd))
	}
	return set
}

// messageTypes returns every message type (nested ones included) of our OpenD definitions.
func messageTypes(t *testing.T) []protoreflect.MessageType {
	t.Helper()
	var out []protoreflect.MessageType
	var walk func(protoreflect.MessageDescriptors)
	walk = func(mds protoreflect.MessageDescriptors) {
		for i := range mds.Len() {
			md := mds.Get(i)
			if md.IsMapEntry() {
				continue
			}
			mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName())
			if err != nil {
				t.Fatalf("message %s has a descriptor but no Go type: %v", md.FullName(), err)
			}
			out = append(out, mt)
			walk(md.Messages())
		}
	}
	for _, fd := range opendFiles() {
		walk(fd.Messages())
	}
	return out
}
