package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/proctest"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// TestOpenSDKSessionAcrossProcesses: with the binaries, an edge's bootstrap service key
// opens an SDK session from the MD5 of a key minted through another process, and
// revoking that key ends the SDK session at both processes within the bound.
func TestOpenSDKSessionAcrossProcesses(t *testing.T) {
	redisAddr := redistest.Start(t)
	authBin := proctest.Build(t, ".")
	dir := t.TempDir()
	bootFile, svcFile := filepath.Join(dir, "admin.key"), filepath.Join(dir, "service.key")
	a, addrA := startAuth(t, authBin, redisAddr, "-bootstrap-admin-file", bootFile, "-bootstrap-service-file", svcFile)
	_, addrB := startAuth(t, authBin, redisAddr)
	a.WaitLog(func(r proctest.Record) bool { return r.Msg() == "bootstrap key written" && r.Str("kind") == "service" })
	admin, svc := readKey(t, bootFile), readKey(t, svcFile)

	call := func(addr, key string, f func(context.Context, gatewayv1.AuthServiceClient) error) error {
		cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		defer cc.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return f(metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+key), gatewayv1.NewAuthServiceClient(cc))
	}
	var page string
	if err := call(addrA, admin, func(ctx context.Context, c gatewayv1.AuthServiceClient) error {
		r, err := c.IssueKey(ctx, &gatewayv1.IssueKeyRequest{Id: "sdk-page", Scopes: []string{"qot:read"}, ExpiresIn: "1h"})
		page = r.GetKey()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum([]byte(page))
	var sdkKey string
	if err := call(addrB, svc, func(ctx context.Context, c gatewayv1.AuthServiceClient) error {
		r, err := c.OpenSDKSession(ctx, &gatewayv1.OpenSDKSessionRequest{KeyMd5: hex.EncodeToString(sum[:]), Client: "203.0.113.1"})
		sdkKey = r.GetKey()
		if err == nil && r.GetInfo().GetParentId() != "sdk-page" {
			err = fmt.Errorf("parent %q", r.GetInfo().GetParentId())
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{addrA, addrB} {
		if err := whoami(addr, sdkKey); err != nil {
			t.Fatalf("the SDK session key at %s: %v", addr, err)
		}
	}
	if err := call(addrA, admin, func(ctx context.Context, c gatewayv1.AuthServiceClient) error {
		_, err := c.RevokeKey(ctx, &gatewayv1.RevokeKeyRequest{Id: "sdk-page"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	revoked := time.Now()
	for _, addr := range []string{addrA, addrB} {
		testkit.EventuallyNil(t, time.Until(revoked.Add(revocationBound)), "the SDK session refused at "+addr, func() error {
			if err := whoami(addr, sdkKey); status.Code(err) != codes.Unauthenticated || !strings.Contains(err.Error(), "revoked") {
				return fmt.Errorf("still accepted: %v", err)
			}
			return nil
		})
	}
	err := call(addrB, svc, func(ctx context.Context, c gatewayv1.AuthServiceClient) error {
		_, err := c.OpenSDKSession(ctx, &gatewayv1.OpenSDKSessionRequest{KeyMd5: hex.EncodeToString(sum[:])})
		return err
	})
	if status.Code(err) != codes.Unauthenticated || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("OpenSDKSession with a revoked key's MD5 = %v", err)
	}
}

func readKey(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
