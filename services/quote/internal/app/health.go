package app

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/futugw/gateway/platform/obs"
)

// grpcHealth is a readiness check asking a gRPC dependency's health service.
func grpcHealth(cc grpc.ClientConnInterface) obs.Check {
	hc := healthpb.NewHealthClient(cc)
	return func(ctx context.Context) error {
		resp, err := hc.Check(ctx, &healthpb.HealthCheckRequest{})
		if err != nil {
			return err
		}
		if st := resp.GetStatus(); st != healthpb.HealthCheckResponse_SERVING {
			return fmt.Errorf("health status %s", st)
		}
		return nil
	}
}
