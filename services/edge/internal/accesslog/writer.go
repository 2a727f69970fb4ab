package accesslog

import (
	"net/http"
	"strconv"
)

// recorder captures the status and body size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush, Hijack (WebSocket) and deadlines.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush keeps streaming responses streaming through the wrapper.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// deliver sends a complete response to the client now, so it does not wait for the
// log line and metrics that follow; net/http would send it only once the handler
// returns. Only a body that declared its length and was written in full qualifies:
// flushing any other response early would switch it to chunked encoding.
func (r *recorder) deliver() {
	if r.bytes == 0 || r.Header().Get("Content-Length") != strconv.FormatInt(r.bytes, 10) {
		return
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}
