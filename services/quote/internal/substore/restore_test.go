package substore

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/futugw/gateway/services/quote/internal/subs"
)

// TestRestore reads saved sessions into a fresh registry and lifetimes, in session
// order within the quota: what no longer fits is dropped and deleted, so is a record
// whose keys ended; nothing is asked of OpenD before it connects.
func TestRestore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, addrs []string) {
		e := newEnv(t, addrs, Options{Grace: time.Second})
		ctx := ctxT(t)
		hsbc := subs.Pair{Sec: subs.Security{Market: subs.MarketHK, Code: "00005"}, SubType: subs.SubBasic}
		exp := time.Now().Add(time.Hour)
		recs := []Record{
			{Session: "a", Pairs: []subs.Pair{tencent, apple}, Keys: map[string]time.Time{hash(1): exp, hash(2): exp.Add(time.Hour)}},
			{Session: "b", Pairs: []subs.Pair{apple}, Keys: map[string]time.Time{hash(3): {}}},
			{Session: "c", Pairs: []subs.Pair{book, hsbc}, Keys: map[string]time.Time{hash(4): exp}},
			{Session: "d", Pairs: []subs.Pair{hsbc}, Keys: map[string]time.Time{hash(5): exp}},
		}
		for _, err := range e.st.Write(ctx, recs) {
			if err != nil {
				t.Fatal(err)
			}
		}
		// e's keys ended an hour ago, yet its record is there (say a clock step kept it).
		b, err := encode(Record{Session: "e", Pairs: []subs.Pair{tencent},
			Keys: map[string]time.Time{hash(6): time.Now().Add(-time.Hour)}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.rdb.Set(ctx, e.st.Key("e"), b, 0).Err(); err != nil {
			t.Fatal(err)
		}

		up := &countingUpstream{}
		reg := subs.New(subs.Options{Upstream: up, Quota: 3})
		defer reg.Close()
		life := subs.NewLifetimes(subs.LifetimeOptions{Drop: reg.UnsubscribeAll})
		n, err := e.st.Restore(ctx, reg, life)
		if err != nil {
			t.Fatal(err)
		}
		// a {tencent apple} and b {apple} fit; c needs two more slots of the last one;
		// d fits in it.
		if n != 3 {
			t.Fatalf("restored %d sessions; want 3", n)
		}
		for s, want := range map[string]int{"a": 2, "b": 1, "c": 0, "d": 1, "e": 0} {
			if got := len(reg.Session(s)); got != want {
				t.Errorf("session %s holds %d pairs; want %d", s, got, want)
			}
		}
		if up.calls != 0 {
			t.Fatal("Restore asked OpenD before it connected")
		}
		keys, live := life.Keys("a")
		if !live || !maps.EqualFunc(keys, ms(recs[0].Keys), time.Time.Equal) {
			t.Fatalf("a's keys %v (%v); want %v", keys, live, recs[0].Keys)
		}
		if _, live := life.Keys("c"); live {
			t.Fatal("the dropped session is tracked")
		}
		for s, want := range map[string]int64{"a": 1, "b": 1, "c": 0, "d": 1, "e": 0} {
			if got := e.rdb.Exists(ctx, e.st.Key(s)).Val(); got != want {
				t.Errorf("%s's record exists %d; want %d", s, got, want)
			}
		}
		for result, want := range map[string]float64{resultRestored: 3, resultOverQuota: 1, resultExpired: 1} {
			if got := testutil.ToFloat64(e.m.Restores.WithLabelValues(result)); got != want {
				t.Errorf("%s counted %v; want %v", result, got, want)
			}
		}
		if !strings.Contains(e.logs.String(), `"session":"c"`) {
			t.Fatalf("the drop of c is not logged:\n%s", e.logs.String())
		}
	})
}

// TestRestoreRedisDown: without Redis, Restore fails (counted) and changes nothing.
func TestRestoreRedisDown(t *testing.T) {
	e := newEnv(t, []string{"127.0.0.1:1"}, Options{})
	reg := subs.New(subs.Options{Upstream: &countingUpstream{}})
	defer reg.Close()
	life := subs.NewLifetimes(subs.LifetimeOptions{Drop: reg.UnsubscribeAll})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if n, err := e.st.Restore(ctx, reg, life); err == nil || n != 0 {
		t.Fatalf("Restore = %d, %v; want an error", n, err)
	}
	if testutil.ToFloat64(e.m.RestoreErrors) != 1 || life.Len() != 0 {
		t.Fatal("a failed restore was not counted, or changed something")
	}
}

type countingUpstream struct{ calls int }

func (u *countingUpstream) Subscribe(_ context.Context, ps []subs.Pair) ([]subs.Pair, error) {
	u.calls++
	return ps, nil
}

func (u *countingUpstream) Unsubscribe(context.Context, []subs.Pair) error {
	u.calls++
	return nil
}
