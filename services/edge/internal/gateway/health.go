package gateway

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/futugw/gateway/platform/obs"
)

// HealthCheck is a readiness check asking the grpc.health.v1 service behind cc
// whether the whole server is SERVING.
func HealthCheck(cc grpc.ClientConnInterface) obs.Check {
	hc := healthpb.NewHealthClient(cc)
	return func(ctx context.Context) error {
		resp, err := hc.Check(ctx, &healthpb.HealthCheckRequest{})
		if err != nil {
			return err
		}
		if s := resp.GetStatus(); s != healthpb.HealthCheckResponse_SERVING {
			return fmt.Errorf("health status %s", s)
		}
		return nil
	}
}
