package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/secret"
)

// panelSession mints a day-long key for the panel (quotes, account reads, simulated
// trading; no real trading) with the bootstrap admin key, then a 30-minute session
// key from it, and returns the panel URL that logs in with that session. The key
// rides in the URL fragment, which browsers never send to the server.
func panelSession(ctx context.Context, cfg stackConfig) (string, error) {
	admin, err := secret.ReadFile(cfg.file("admin.key"))
	if err != nil {
		return "", err
	}
	cc, err := grpc.NewClient(loopback(cfg.Ports.Auth), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return "", err
	}
	defer cc.Close()
	auth := gatewayv1.NewAuthServiceClient(cc)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()

	issued, err := auth.IssueKey(bearer(ctx, admin), &gatewayv1.IssueKeyRequest{
		Id:        fmt.Sprintf("panel-%d", time.Now().Unix()),
		Scopes:    []string{"qot:read", "acc:read", "trade:simulate"},
		ExpiresIn: "24h",
		Note:      "make run: the local panel's key",
	})
	if err != nil {
		return "", fmt.Errorf("issue the panel key: %w", err)
	}
	if err := os.WriteFile(cfg.file("panel.key"), []byte(issued.GetKey()+"\n"), 0o600); err != nil {
		return "", err
	}
	sess, err := auth.CreateSession(bearer(ctx, issued.GetKey()), &gatewayv1.CreateSessionRequest{})
	if err != nil {
		return "", fmt.Errorf("create a session: %w", err)
	}
	return cfg.panelURL() + "/#session=" + sess.GetKey(), nil
}

func bearer(ctx context.Context, key string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+key)
}
