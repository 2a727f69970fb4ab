package proctest

import (
	"strings"
	"syscall"
	"testing"
)

// CheckRedisPassword checks service s against a Redis that requires a password
// (redistest.StartWithPasswordFile gives redisAddr and passwordFile): given
// -redis-password-file it must pass Check; without it, it must still start but
// answer /readyz with 503, its redis check failing on Redis's refusal (NOAUTH), then
// stop cleanly.
func CheckRedisPassword(t *testing.T, s Service, redisAddr, passwordFile string) {
	t.Helper()
	base := append(s.Args[:len(s.Args):len(s.Args)], "-redis-addr", redisAddr)
	t.Run("with password file", func(t *testing.T) {
		with := s
		with.Args = append(base[:len(base):len(base)], "-redis-password-file", passwordFile)
		Check(t, with)
	})
	t.Run("without password", func(t *testing.T) {
		p := s.start(t, base)
		body := WaitHTTP(t, "http://"+p.Addr(s.HTTPServer)+"/readyz", 503)
		// An admin listener shows the check's error; the edge's public one only its name.
		if !strings.Contains(body, `{"name":"redis","status":"fail"`) ||
			strings.Contains(body, `"error"`) && !strings.Contains(body, "NOAUTH") {
			t.Errorf("/readyz without the password = %s; want the redis check failing (NOAUTH)", body)
		}
		p.Signal(syscall.SIGTERM)
		if code := p.Wait(); code != 0 {
			t.Fatalf("exit code %d after SIGTERM; output:\n%s", code, p.Output())
		}
	})
}
