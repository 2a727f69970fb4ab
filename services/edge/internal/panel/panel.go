// Package panel serves the web panel: the built React panel from a directory, or
// a static placeholder page when there is none.
package panel

import (
	"cmp"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
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

// Dir serves the built panel (web/dist) from dir: "/" is index.html, other paths are
// files below dir, and anything else goes to notFound (directories are never listed).
// Vite names assets by content hash, so they are cached for a year; index.html is
// revalidated on every load so a new build reaches browsers at once. The panel's CSP
// comes from the security-header middleware around this handler.
func Dir(dir string, notFound http.Handler) (http.Handler, error) {
	if st, err := os.Stat(path.Join(dir, "index.html")); err != nil || st.IsDir() {
		return nil, errors.New("panel dir " + dir + " has no index.html; build the panel with `cd web && npm ci && npm run build`")
	}
	root := os.DirFS(dir)
	files := http.FileServerFS(root)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := cmp.Or(strings.TrimPrefix(path.Clean(r.URL.Path), "/"), "index.html")
		st, err := fs.Stat(root, name)
		if err != nil || st.IsDir() {
			notFound.ServeHTTP(w, r)
			return
		}
		if name == "index.html" {
			w.Header().Set("Cache-Control", "no-cache")
			http.ServeFileFS(w, r, root, name)
			return
		}
		if strings.HasPrefix(name, "assets/") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		files.ServeHTTP(w, r)
	}), nil
}
