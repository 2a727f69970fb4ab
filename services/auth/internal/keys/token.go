package keys

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// Prefix starts every key's plaintext.
const Prefix = "fk_"

// tokenBytes is the randomness in a key: 256 bits.
const tokenBytes = 32

// TokenLen is len(Prefix) + unpadded base64url length of 32 bytes.
const TokenLen = len(Prefix) + 43

// Generate returns a new key's plaintext and its hash, reading randomness from r
// (crypto/rand.Reader when nil). The plaintext is shown once and never stored.
func Generate(r io.Reader) (token, hash string, err error) {
	if r == nil {
		r = rand.Reader
	}
	var b [tokenBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", "", fmt.Errorf("keys: reading randomness: %w", err)
	}
	token = Prefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, Hash(token), nil
}

// Hash is the lowercase hex SHA-256 of a key's plaintext, the only form Redis holds.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// MD5 is the lowercase hex MD5 of a key's plaintext: what Futu's JavaScript SDK
// (futu-api) sends as websocketKey. On the SDK port it is as good as the key, so it is
// never stored either: Redis holds DigestHash(MD5(key)) only.
func MD5(token string) string {
	sum := md5.Sum([]byte(token))
	return hex.EncodeToString(sum[:])
}

// MD5Len is the length of a hex MD5.
const MD5Len = 2 * md5.Size

// WellFormedMD5 reports whether s is a hex MD5 (either case), without saying whether
// a key has it.
func WellFormedMD5(s string) bool {
	return len(s) == MD5Len && all(s, func(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' })
}

// DigestHash is the lowercase hex SHA-256 of a key's MD5 (hex, either case): the name
// of the digest index entry that finds the key from what the SDK sends, and nothing
// a client could present.
func DigestHash(keyMD5 string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(keyMD5)))
	return hex.EncodeToString(sum[:])
}

// WellFormed reports whether token has the shape of a key, without saying whether it
// exists. Cheap, so a flood of garbage never reaches Redis.
func WellFormed(token string) bool {
	return len(token) == TokenLen && token[:len(Prefix)] == Prefix &&
		all(token[len(Prefix):], func(c byte) bool { return isUpper(c) || isLower(c) || isDigit(c) || c == '-' || c == '_' })
}

// NewID returns a random identifier "<prefix>-<12 hex>", used when the caller names
// no id and for session keys.
func NewID(r io.Reader, prefix string) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	var b [6]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("keys: reading randomness: %w", err)
	}
	return prefix + "-" + hex.EncodeToString(b[:]), nil
}
