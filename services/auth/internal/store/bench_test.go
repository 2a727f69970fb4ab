package store

import (
	"context"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/testkit/redistest"
)

// BenchmarkValidateUncached is one Redis round trip (GET by hash) plus decoding.
func BenchmarkValidateUncached(b *testing.B) {
	e := newEnv(b, redistest.Backends()[0], Options{})
	tok, rec := record(b, "bench", time.Hour, "qot:read", "acc:read")
	if err := e.st.Issue(context.Background(), rec); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.st.Validate(ctx, tok, authn.CallInfo{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateCached is the interceptor's path once the key is cached.
func BenchmarkValidateCached(b *testing.B) {
	e := newEnv(b, redistest.Backends()[0], Options{})
	tok, rec := record(b, "bench", time.Hour, "qot:read", "acc:read")
	ctx := context.Background()
	if err := e.st.Issue(ctx, rec); err != nil {
		b.Fatal(err)
	}
	c := authn.NewCache(e.st, authn.CacheOptions{TTL: time.Minute})
	if _, err := c.Validate(ctx, tok, authn.CallInfo{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Validate(ctx, tok, authn.CallInfo{}); err != nil {
			b.Fatal(err)
		}
	}
}
