package server

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/audit"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/testkit/logtest"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/futugw/gateway/services/auth/internal/keys"
	"github.com/futugw/gateway/services/auth/internal/manage"
	"github.com/futugw/gateway/services/auth/internal/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// authService serves the AuthService as the auth binary wires it (the authn
// interceptors over a cache of the store) on a loopback listener.
func authService(t *testing.T) (gatewayv1.AuthServiceClient, *manage.Manager, *logtest.Buffer) {
	t.Helper()
	rdb := redistest.Client(t, redistest.Start(t))
	logs := &logtest.Buffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	al := audit.New(rdb, 0)
	st := store.New(rdb, store.Options{Audit: al, Logger: log})
	cache := authn.NewCache(st, authn.CacheOptions{TTL: time.Minute})
	m := manage.New(manage.Options{Store: st, Policy: keys.DefaultPolicy(), Audit: al, Logger: log, OnRevoke: cache.Invalidate})
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(authn.UnaryServerInterceptor(cache, log), errinfo.UnaryServerInterceptor(log)))
	gatewayv1.RegisterAuthServiceServer(srv, New(m, st, al))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	cc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cc.Close() })
	return gatewayv1.NewAuthServiceClient(cc), m, logs
}

// bearer is a call context with a deadline carrying key as the caller's key.
func bearer(t *testing.T, key string) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	if key == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+key)
}

// Only an edge's service key may call OpenSDKSession; its answer is a session key
// that works on its own, and the SDK's address is what the audit records.
func TestOpenSDKSessionRPC(t *testing.T) {
	c, m, logs := authService(t)
	root := manage.Actor{KeyID: "root", Client: "127.0.0.1"}
	issue := func(id string, scopes ...string) string {
		tok, _, err := m.Issue(context.Background(), keys.IssueSpec{ID: id, Scopes: scopes, ExpiresIn: time.Hour}, root)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	svc := issue("edge", "service")
	page := issue("page", "qot:read", "acc:read")
	adm := issue("adm", "admin")
	req := &gatewayv1.OpenSDKSessionRequest{KeyMd5: keys.MD5(page), Client: "203.0.113.5"}

	tests := []struct {
		name   string
		caller string
		code   codes.Code
		reason gatewayv1.Reason
	}{
		{"a qot:read key (the page's own)", page, codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED},
		{"an admin key", adm, codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED},
		{"no key", "", codes.Unauthenticated, gatewayv1.Reason_REASON_MISSING_KEY},
		{"the service key", svc, codes.OK, gatewayv1.Reason_REASON_UNSPECIFIED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.OpenSDKSession(bearer(t, tt.caller), req)
			if status.Code(err) != tt.code || errinfo.Reason(err) != tt.reason {
				t.Fatalf("OpenSDKSession = %v (%q), want %v %q", status.Code(err), errinfo.Reason(err), tt.code, tt.reason)
			}
			if err != nil {
				return
			}
			info := resp.GetInfo()
			if !keys.WellFormed(resp.GetKey()) || info.GetParentId() != "page" || strings.Join(info.GetScopes(), ",") != "qot:read,acc:read" {
				t.Fatalf("response = %v", info)
			}
			who, err := c.WhoAmI(bearer(t, resp.GetKey()), &gatewayv1.WhoAmIRequest{})
			if err != nil || who.GetId() != info.GetId() {
				t.Fatalf("WhoAmI with the SDK session key = %v, %v", who, err)
			}
			// The edge keeps it alive as the panel does.
			next, err := c.RefreshSession(bearer(t, resp.GetKey()), &gatewayv1.RefreshSessionRequest{})
			if err != nil || next.GetInfo().GetParentId() != "page" {
				t.Fatalf("RefreshSession = %v, %v", next, err)
			}
		})
	}

	refusals := []struct {
		name   string
		md5    string
		reason gatewayv1.Reason
	}{
		{"empty", "", gatewayv1.Reason_REASON_MISSING_KEY},
		{"malformed", "nope", gatewayv1.Reason_REASON_MALFORMED_KEY},
		{"unknown", keys.MD5("fk_" + strings.Repeat("A", 43)), gatewayv1.Reason_REASON_INVALID_KEY},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.OpenSDKSession(bearer(t, svc), &gatewayv1.OpenSDKSessionRequest{KeyMd5: tt.md5, Client: "203.0.113.5"})
			if status.Code(err) != codes.Unauthenticated || errinfo.Reason(err) != tt.reason {
				t.Fatalf("OpenSDKSession = %v, want Unauthenticated %q", err, tt.reason)
			}
		})
	}
	if _, err := c.RevokeKey(bearer(t, adm), &gatewayv1.RevokeKeyRequest{Id: "page"}); err != nil {
		t.Fatal(err)
	}
	_, err := c.OpenSDKSession(bearer(t, svc), req)
	if errinfo.Reason(err) != gatewayv1.Reason_REASON_REVOKED_KEY {
		t.Fatalf("after revocation: %v", err)
	}

	entries, err := c.ListAudit(bearer(t, adm), &gatewayv1.ListAuditRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var opened, refused int
	for _, e := range entries.GetEntries() {
		switch {
		case e.GetAction() == "sdk_session" && e.GetClient() == "203.0.113.5" && e.GetFields()["by"] == "edge" && e.GetFields()["presented_id"] == "page":
			opened++
		case e.GetAction() == "auth_failed" && e.GetClient() == "203.0.113.5" && e.GetFields()["method"] == gatewayv1.AuthService_OpenSDKSession_FullMethodName:
			refused++
		}
	}
	if opened != 1 || refused != 4 {
		t.Errorf("audit: %d sdk_session, %d auth_failed for the SDK; want 1 and 4: %v", opened, refused, entries.GetEntries())
	}
	for _, secret := range []string{page, keys.MD5(page)} {
		if strings.Contains(logs.String(), secret) {
			t.Error("a key or its MD5 is in the logs")
		}
	}
	for _, e := range entries.GetEntries() {
		if strings.Contains(e.String(), keys.MD5(page)) || strings.Contains(e.String(), page) {
			t.Errorf("a key or its MD5 is in the audit: %v", e)
		}
	}
}
