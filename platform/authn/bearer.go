package authn

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"google.golang.org/grpc/codes"
)

// Key format: "fk_" followed by the unpadded base64url encoding of 32 random bytes.
const (
	keyPrefix  = "fk_"
	keyBodyLen = 43 // ceil(32*8/6)
	// KeyLen is the length of a well-formed key.
	KeyLen = len(keyPrefix) + keyBodyLen
)

// ParseBearer extracts the key from an authorization header value of the form
// "Bearer <key>" (scheme case-insensitive, exactly one space). The key must look like
// a key this project issues. Errors are Unauthenticated status errors with reason
// missing_key or malformed_key; they never echo the header, which may hold a secret.
func ParseBearer(header string) (string, error) {
	header = strings.TrimSpace(header)
	if header == "" {
		return "", errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_MISSING_KEY,
			"missing API key: send the header 'authorization: Bearer fk_...'")
	}
	const scheme = "bearer "
	if len(header) < len(scheme) || !strings.EqualFold(header[:len(scheme)], scheme) {
		return "", errinfo.New(codes.Unauthenticated, gatewayv1.Reason_REASON_MALFORMED_KEY,
			"malformed authorization header: want 'Bearer fk_...'")
	}
	token := header[len(scheme):]
	if !wellFormedKey(token) {
		return "", errinfo.Newf(codes.Unauthenticated, gatewayv1.Reason_REASON_MALFORMED_KEY,
			"malformed API key: want 'fk_' followed by %d base64url characters", keyBodyLen)
	}
	return token, nil
}

// wellFormedKey reports whether s is "fk_" + the canonical unpadded base64url
// encoding of 32 bytes.
func wellFormedKey(s string) bool {
	if len(s) != KeyLen || !strings.HasPrefix(s, keyPrefix) {
		return false
	}
	body := s[len(keyPrefix):]
	for i := 0; i < len(body); i++ {
		if b64urlIndex(body[i]) < 0 {
			return false
		}
	}
	// 43 characters carry 258 bits for 256 data bits: the last character's two low
	// bits must be zero, so there is exactly one spelling of each key.
	return b64urlIndex(body[len(body)-1])&3 == 0
}

// b64urlIndex returns the value of a base64url character, or -1.
func b64urlIndex(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '-':
		return 62
	case c == '_':
		return 63
	}
	return -1
}

// HashToken returns the lowercase hex SHA-256 of token: the only form in which a key
// is stored, cached, published or logged against.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
