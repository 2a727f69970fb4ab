package accesslog

import (
	"net/url"
	"strings"
)

// Redacted replaces secrets in logged text.
const Redacted = "REDACTED"

// keyPrefix starts every API key; any run of key characters after it is a secret.
const keyPrefix = "fk_"

// secretParam reports query parameter names whose value is a credential whatever it
// looks like (the WebSocket carries the key as ?token=).
func secretParam(name string) bool {
	switch strings.ToLower(name) {
	case "token", "access_token", "key", "api_key", "apikey", "authorization", "bearer":
		return true
	}
	return false
}

// RedactQuery returns the raw query string with the values of credential
// parameters and anything key-shaped replaced. It works on the raw text so that a
// malformed query is still logged (redacted), never dropped or echoed.
func RedactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		name, _, hasValue := strings.Cut(p, "=")
		if decoded, err := url.QueryUnescape(name); err == nil {
			name = decoded
		}
		if hasValue && secretParam(name) {
			parts[i] = p[:strings.IndexByte(p, '=')+1] + Redacted
			continue
		}
		parts[i] = RedactKeys(p)
	}
	return strings.Join(parts, "&")
}

// RedactKeys replaces every "fk_..." run (the key alphabet is base64url) in s, in
// either case and also when percent-encoded characters follow.
func RedactKeys(s string) string {
	lower := strings.ToLower(s)
	if !strings.Contains(lower, keyPrefix) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, keyPrefix)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := i + len(keyPrefix)
		for j < len(s) && isKeyChar(s[j]) {
			j++
		}
		b.WriteString(s[:i])
		b.WriteString(keyPrefix + Redacted)
		s, lower = s[j:], lower[j:]
	}
}

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '%'
}
