package accesslog

import (
	"net/http"
	"strconv"
)

// Recorder captures the status and body size of a response; the guard uses it too.
type Recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *Recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *Recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

// Status is the status answered so far (0: nothing written yet).
func (r *Recorder) Status() int { return r.status }

// Unwrap lets http.ResponseController reach Flush, Hijack (WebSocket) and deadlines.
func (r *Recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush keeps streaming responses streaming through the wrapper.
func (r *Recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// deliver sends a complete response to the client now, so it does not wait for the
// log line and metrics that follow; net/http would send it only once the handler
// returns. Only a body that declared its length and was written in full qualifies:
// flushing any other response early would switch it to chunked encoding.
func (r *Recorder) deliver() {
	if r.bytes == 0 || r.Header().Get("Content-Length") != strconv.FormatInt(r.bytes, 10) {
		return
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}
