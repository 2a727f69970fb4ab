package testkit

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Send makes one HTTP request with the given headers, with a 30 s client timeout,
// and returns the response (its body read and closed) and the body. It fails the
// test when the request cannot be built or gets no answer.
func Send(t testing.TB, method, url, body string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}
