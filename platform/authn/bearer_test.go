package authn

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// testKey builds a well-formed key from a seed byte, like the auth service would.
func testKey(seed byte) string {
	var b [32]byte
	for i := range b {
		b[i] = seed + byte(i)
	}
	return "fk_" + base64.RawURLEncoding.EncodeToString(b[:])
}

func TestParseBearer(t *testing.T) {
	key := testKey(1)
	tests := []struct {
		name   string
		header string
		want   string
		reason gatewayv1.Reason
	}{
		{"canonical", "Bearer " + key, key, gatewayv1.Reason_REASON_UNSPECIFIED},
		{"lower-case scheme", "bearer " + key, key, gatewayv1.Reason_REASON_UNSPECIFIED},
		{"upper-case scheme", "BEARER " + key, key, gatewayv1.Reason_REASON_UNSPECIFIED},
		{"surrounding space trimmed", "  Bearer " + key + "\t", key, gatewayv1.Reason_REASON_UNSPECIFIED},
		{"empty", "", "", gatewayv1.Reason_REASON_MISSING_KEY},
		{"blank", "   ", "", gatewayv1.Reason_REASON_MISSING_KEY},
		{"no scheme", key, "", gatewayv1.Reason_REASON_MALFORMED_KEY},
		{"basic scheme", "Basic " + key, "", gatewayv1.Reason_REASON_MALFORMED_KEY},
		{"two spaces", "Bearer  " + key, "", gatewayv1.Reason_REASON_MALFORMED_KEY},
		{"tab separator", "Bearer\t" + key, "", gatewayv1.Reason_REASON_MALFORMED_KEY},
		{"scheme only", "Bearer", "", gatewayv1.Reason_REASON_MALFORMED_KEY},
		{"scheme and space", "Bearer ", "", gatewayv1.Reason_REASON_MALFORMED_KEY},
		{"wrong prefix", "Bearer xk_" + key[3:], "", gatewayv1.Reason_REASON_MALFORMED_KEY},
		{"too short", "Bearer " + key[:len(key)-1], "", gatewayv1.Reason_REASON_MALFORMED_KEY},
		{"too long", "Bearer " + key + "A", "", gatewayv1.Reason_REASON_MALFORMED_KEY},
		{"padding", "Bearer " + key[:len(key)-1] + "=", "", gatewayv1.Reason_REASON_MALFORMED_KEY},
		{"std base64 char", "Bearer " + key[:10] + "+" + key[11:], "", gatewayv1.Reason_REASON_MALFORMED_KEY},
		{"non-canonical last char", "Bearer " + key[:len(key)-1] + "B", "", gatewayv1.Reason_REASON_MALFORMED_KEY},
		{"trailing garbage", "Bearer " + key + " x", "", gatewayv1.Reason_REASON_MALFORMED_KEY},
		{"non-ascii", "Bearer " + key[:44] + "é", "", gatewayv1.Reason_REASON_MALFORMED_KEY},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBearer(tt.header)
			if tt.reason == gatewayv1.Reason_REASON_UNSPECIFIED {
				if err != nil || got != tt.want {
					t.Fatalf("ParseBearer = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseBearer = %q, want error %s", got, tt.reason)
			}
			if r := errinfo.Reason(err); r != tt.reason {
				t.Fatalf("reason = %q, want %q (err %v)", r, tt.reason, err)
			}
			if c := status.Code(err); c != codes.Unauthenticated {
				t.Fatalf("code = %v, want Unauthenticated", c)
			}
			if len(tt.header) > 10 && strings.Contains(err.Error(), strings.TrimSpace(tt.header)[7:]) {
				t.Fatalf("error echoes the header: %v", err)
			}
		})
	}
}

func TestHashToken(t *testing.T) {
	key := testKey(7)
	sum := sha256.Sum256([]byte(key))
	if got, want := HashToken(key), hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("HashToken = %s, want %s", got, want)
	}
	if h := HashToken(key); h != strings.ToLower(h) || len(h) != 64 {
		t.Fatalf("HashToken not 64 lowercase hex chars: %s", h)
	}
}

// fixedBearerMessages are ParseBearer's only error texts: none carries input.
var fixedBearerMessages = map[string]bool{
	"missing API key: send the header 'authorization: Bearer fk_...'":   true,
	"malformed authorization header: want 'Bearer fk_...'":              true,
	"malformed API key: want 'fk_' followed by 43 base64url characters": true,
}

// FuzzParseBearer checks that no input panics, that accepted tokens are exactly
// well-formed keys, and that errors never contain the token part of the header.
func FuzzParseBearer(f *testing.F) {
	f.Add("Bearer " + testKey(1))
	f.Add("bearer " + testKey(200))
	f.Add("")
	f.Add("Bearer")
	f.Add("Bearer fk_")
	f.Add("Basic dXNlcjpwYXNz")
	f.Fuzz(func(t *testing.T, header string) {
		tok, err := ParseBearer(header)
		if err != nil {
			if tok != "" {
				t.Fatalf("token %q returned with error", tok)
			}
			r := errinfo.Reason(err)
			if r != gatewayv1.Reason_REASON_MISSING_KEY && r != gatewayv1.Reason_REASON_MALFORMED_KEY {
				t.Fatalf("unexpected reason %q", r)
			}
			// Nothing of the header reaches the message: it is one of the fixed texts
			// (a substring test would flag inputs that merely spell part of them).
			if msg := status.Convert(err).Message(); !fixedBearerMessages[msg] {
				t.Fatalf("error message %q is not one of the fixed texts", msg)
			}
			return
		}
		if len(tok) != KeyLen || !strings.HasPrefix(tok, "fk_") {
			t.Fatalf("accepted %q", tok)
		}
		raw, derr := base64.RawURLEncoding.Strict().DecodeString(tok[3:])
		if derr != nil || len(raw) != 32 {
			t.Fatalf("accepted a token that is not 32 base64url bytes: %q (%v)", tok, derr)
		}
		if "fk_"+base64.RawURLEncoding.EncodeToString(raw) != tok {
			t.Fatalf("accepted a non-canonical spelling %q", tok)
		}
	})
}

func BenchmarkParseBearer(b *testing.B) {
	h := "Bearer " + testKey(3)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseBearer(h); err != nil {
			b.Fatal(err)
		}
	}
}
