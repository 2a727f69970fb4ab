// Package panel serves the web panel's entry page. Until the built React panel is
// embedded, it serves a static placeholder.
package panel

import (
	"net/http"
)

const placeholder = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>futugw edge</title></head>
<body>
<h1>futugw edge</h1>
<p>The gateway edge is running. The web panel is not built into this binary yet.</p>
<p><a href="/readyz">readiness</a> · <a href="/metrics">metrics</a></p>
</body>
</html>
`

// Placeholder serves the placeholder page; mount it on "GET /{$}".
func Placeholder() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", "default-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write([]byte(placeholder))
	})
}
