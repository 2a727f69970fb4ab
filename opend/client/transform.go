package client

// BodyTransform converts bodies between plaintext and their form on the
// wire. It is the seam for OpenD's encrypted mode (InitConnect under RSA,
// later bodies under AES with connAESKey): an implementation sees the proto
// id, so it can tell InitConnect (1001) from the rest. The header's SHA-1
// always covers the plaintext. Implementations must be safe for concurrent
// use.
//
// Only Plaintext exists today: OpenD without an RSA key, the common local
// setup.
type BodyTransform interface {
	// Seal turns a plaintext request body into wire bytes.
	Seal(protoID uint32, plain []byte) ([]byte, error)
	// Open turns received wire bytes back into plaintext.
	Open(protoID uint32, wire []byte) ([]byte, error)
}

// Plaintext is the identity BodyTransform. A nil Config.Transform means
// Plaintext and takes a faster path (the frame reader checks SHA-1 itself).
type Plaintext struct{}

// Seal returns plain unchanged.
func (Plaintext) Seal(_ uint32, plain []byte) ([]byte, error) { return plain, nil }

// Open returns wire unchanged.
func (Plaintext) Open(_ uint32, wire []byte) ([]byte, error) { return wire, nil }
