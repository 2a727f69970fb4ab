package audit

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit/redistest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestAppendAndListNewestFirst(t *testing.T) {
	rdb := redistest.Client(t, redistest.Start(t))
	l := New(rdb, 0)
	ctx := testCtx(t)
	at := time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)

	entries := []Entry{
		{Time: at, Action: "key_issued", KeyID: "k1", Client: "10.0.0.1", Fields: map[string]string{"scopes": "qot:read"}},
		{Action: "auth_failed", Client: "10.0.0.2", Reason: "invalid_key", Fields: map[string]string{"method": "/x/Y", "action": "spoof"}},
		{Action: "key_revoked", KeyID: "k1"},
	}
	for _, e := range entries {
		if err := l.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.List(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("List returned %d entries, want 3", len(got))
	}
	if got[0].Action != "key_revoked" || got[1].Action != "auth_failed" || got[2].Action != "key_issued" {
		t.Fatalf("order = %s, %s, %s; want newest first", got[0].Action, got[1].Action, got[2].Action)
	}
	first := got[2]
	if !first.Time.Equal(at) || first.KeyID != "k1" || first.Client != "10.0.0.1" || first.Fields["scopes"] != "qot:read" || first.ID == "" {
		t.Fatalf("entry = %+v", first)
	}
	fail := got[1]
	if fail.Reason != "invalid_key" || fail.Fields["method"] != "/x/Y" || fail.KeyID != "" {
		t.Fatalf("entry = %+v", fail)
	}
	if fail.Fields["x_action"] != "spoof" {
		t.Fatalf("an extra field named like a fixed one must be kept apart: %+v", fail.Fields)
	}
	if got[0].Time.IsZero() {
		t.Fatal("Append did not default the time")
	}

	if two, err := l.List(ctx, 2); err != nil || len(two) != 2 || two[0].ID != got[0].ID {
		t.Fatalf("List(2) = %v, %v", two, err)
	}
}

func TestListEmpty(t *testing.T) {
	l := New(redistest.Client(t, redistest.Start(t)), 10)
	got, err := l.List(testCtx(t), 0)
	if err != nil || len(got) != 0 {
		t.Fatalf("List on a missing stream = %v, %v", got, err)
	}
}

func TestAppendRefusesEntryWithoutAction(t *testing.T) {
	l := New(redistest.Client(t, redistest.Start(t)), 10)
	if err := l.Append(testCtx(t), Entry{KeyID: "k"}); err == nil {
		t.Fatal("Append accepted an entry without action")
	}
}

func TestMaxLenTrims(t *testing.T) {
	rdb := redistest.Client(t, redistest.Start(t))
	const maxLen, n = 10, 600
	l := New(rdb, maxLen)
	ctx := testCtx(t)
	for i := range n {
		if err := l.Append(ctx, Entry{Action: "auth_failed", Fields: map[string]string{"i": fmt.Sprint(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	size, err := rdb.XLen(ctx, Stream).Result()
	if err != nil {
		t.Fatal(err)
	}
	// MAXLEN ~ trims whole stream nodes (100 entries each by default), so the stream
	// keeps at least maxLen and at most about one node more.
	if size < maxLen || size > maxLen+200 {
		t.Fatalf("stream length = %d after %d appends with maxLen %d", size, n, maxLen)
	}
	latest, err := l.List(ctx, 1)
	if err != nil || len(latest) != 1 || latest[0].Fields["i"] != fmt.Sprint(n-1) {
		t.Fatalf("newest entry = %v, %v", latest, err)
	}
}

func TestAppendFailsWhenRedisIsDown(t *testing.T) {
	srv := redistest.StartServer(t)
	l := New(redistest.Client(t, srv.Addr()), 10)
	srv.Stop()
	if err := l.Append(testCtx(t), Entry{Action: "key_issued"}); err == nil {
		t.Fatal("Append succeeded with Redis down")
	}
}
