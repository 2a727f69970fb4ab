package proctest

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/futugw/gateway/platform/testkit"
)

// Get fetches url and returns the status code, Content-Type and body.
func Get(t testing.TB, url string) (int, string, string) {
	t.Helper()
	resp, body := testkit.Send(t, http.MethodGet, url, "", nil)
	return resp.StatusCode, resp.Header.Get("Content-Type"), body
}

// WaitHTTP polls url until it answers want and returns that response's body.
func WaitHTTP(t testing.TB, url string, want int) string {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	var body, last string
	if !testkit.Within(Timeout, func() bool {
		resp, err := c.Get(url)
		if err != nil {
			last = err.Error()
			return false
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			last = resp.Status + " " + string(b)
			return false
		}
		body = string(b)
		return true
	}) {
		t.Fatalf("%s did not answer %d within %v; last: %s", url, want, Timeout, last)
	}
	return body
}

// WaitGRPCServing polls the grpc.health.v1 service at addr until service ("" for
// the whole server) is SERVING.
func WaitGRPCServing(t testing.TB, addr, service string) {
	t.Helper()
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("grpc client for %s: %v", addr, err)
	}
	defer cc.Close()
	hc := healthpb.NewHealthClient(cc)
	var resp *healthpb.HealthCheckResponse
	if !testkit.Within(Timeout, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		resp, err = hc.Check(ctx, &healthpb.HealthCheckRequest{Service: service})
		return err == nil && resp.GetStatus() == healthpb.HealthCheckResponse_SERVING
	}) {
		t.Fatalf("gRPC health of %q at %s not SERVING within %v: %v %v", service, addr, Timeout, resp.GetStatus(), err)
	}
}
