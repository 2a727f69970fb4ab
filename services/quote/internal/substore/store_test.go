package substore

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/futugw/gateway/platform/testkit"
	"github.com/futugw/gateway/platform/testkit/logtest"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/futugw/gateway/platform/redisx"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/futugw/gateway/services/quote/internal/subs"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	tencent = subs.Pair{Sec: subs.Security{Market: subs.MarketHK, Code: "00700"}, SubType: subs.SubBasic}
	book    = subs.Pair{Sec: subs.Security{Market: subs.MarketHK, Code: "00700"}, SubType: subs.SubOrderBook}
	apple   = subs.Pair{Sec: subs.Security{Market: subs.MarketUS, Code: "AAPL"}, SubType: subs.SubBasic}
)

// hash is a token hash shaped like authn's (64 hex digits).
func hash(n int) string { return fmt.Sprintf("%064x", n) }

type env struct {
	rdb  redis.UniversalClient
	st   *Store
	m    *Metrics
	logs *logtest.Buffer
}

// newEnv builds a Store on a client made as the service makes its own.
func newEnv(t testing.TB, addrs []string, o Options) *env {
	t.Helper()
	rdb, err := redisx.New(redisx.Options{Addrs: strings.Join(addrs, ",")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	e := &env{rdb: rdb, m: NewMetrics(nil), logs: &logtest.Buffer{}}
	o.Metrics, o.Logger = e.m, slog.New(slog.NewJSONHandler(e.logs, nil))
	e.st = New(rdb, o)
	return e
}

// forEachBackend runs body against a single Redis and a three-primary Cluster.
func forEachBackend(t *testing.T, body func(t *testing.T, addrs []string)) {
	for _, b := range redistest.Backends() {
		t.Run(b.Name, func(t *testing.T) { body(t, b.Start(t)) })
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// ms drops what the encoding does not keep.
func ms(keys map[string]time.Time) map[string]time.Time {
	out := make(map[string]time.Time, len(keys))
	for h, exp := range keys {
		if !exp.IsZero() {
			exp = time.UnixMilli(exp.UnixMilli())
		}
		out[h] = exp
	}
	return out
}

func sameRecord(t *testing.T, got, want Record) {
	t.Helper()
	wp := slices.Clone(want.Pairs)
	subs.Sort(wp)
	if got.Session != want.Session || !slices.Equal(got.Pairs, wp) ||
		!maps.EqualFunc(got.Keys, ms(want.Keys), time.Time.Equal) {
		t.Fatalf("record %+v; want %+v", got, want)
	}
}

// TestRoundTrip saves records and reads them back, with the expiry a grace after the
// latest key's, one key name per session (tagged by it), and no expiry for a key
// that never expires.
func TestRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, addrs []string) {
		const grace = 30 * time.Second
		e := newEnv(t, addrs, Options{Grace: grace})
		ctx := ctxT(t)
		now := time.Now()
		alice := Record{Session: "alice", Pairs: []subs.Pair{apple, tencent, book},
			Keys: map[string]time.Time{hash(1): now.Add(time.Hour), hash(2): now.Add(2 * time.Hour)}}
		bot := Record{Session: "bot-1", Pairs: []subs.Pair{tencent}, Keys: map[string]time.Time{hash(3): {}}}
		for _, err := range e.st.Write(ctx, []Record{alice, bot}) {
			if err != nil {
				t.Fatal(err)
			}
		}
		if k := e.st.Key("alice"); k != "futugw:quote:subs:{alice}" {
			t.Fatalf("key name %q", k)
		}
		ttl := e.rdb.PTTL(ctx, e.st.Key("alice")).Val()
		if want := 2*time.Hour + grace; ttl > want || ttl < want-time.Minute {
			t.Fatalf("alice's PTTL %v; want about %v", ttl, want)
		}
		if ttl := e.rdb.PTTL(ctx, e.st.Key("bot-1")).Val(); ttl != -1 {
			t.Fatalf("bot-1's PTTL %v; want none (its key never expires)", ttl)
		}
		raw := e.rdb.Get(ctx, e.st.Key("bot-1")).Val()
		if want := `{"v":1,"s":"bot-1","p":[{"m":1,"c":"00700","t":1}],"k":[{"h":"` + hash(3) + `"}]}`; raw != want {
			t.Fatalf("stored %s\nwant   %s", raw, want)
		}

		got, err := e.st.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("loaded %d records", len(got))
		}
		sameRecord(t, got[0], alice)
		sameRecord(t, got[1], bot)
		if n := testutil.ToFloat64(e.m.Writes.WithLabelValues(opSave, "ok")); n != 2 {
			t.Fatalf("saves counted %v", n)
		}
	})
}

// TestDeletes: a record without pairs (unsubscribe-all, a session ended) or whose keys
// all ended more than the grace ago is deleted, not written.
func TestDeletes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, addrs []string) {
		e := newEnv(t, addrs, Options{Grace: time.Second})
		ctx := ctxT(t)
		keys := map[string]time.Time{hash(1): time.Now().Add(time.Hour)}
		for _, s := range []string{"a", "b", "c"} {
			if err := e.st.Save(ctx, Record{Session: s, Pairs: []subs.Pair{tencent}, Keys: keys}); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.st.Save(ctx, Record{Session: "a", Keys: keys}); err != nil { // unsubscribed from everything
			t.Fatal(err)
		}
		if err := e.st.Save(ctx, Record{Session: "b", Pairs: []subs.Pair{tencent},
			Keys: map[string]time.Time{hash(1): time.Now().Add(-2 * time.Second)}}); err != nil {
			t.Fatal(err)
		}
		if err := e.st.Delete(ctx, "c"); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"a", "b", "c"} {
			if n := e.rdb.Exists(ctx, e.st.Key(s)).Val(); n != 0 {
				t.Errorf("%s's record still exists", s)
			}
		}
		if n := testutil.ToFloat64(e.m.Writes.WithLabelValues(opDelete, "ok")); n != 3 {
			t.Fatalf("deletes counted %v", n)
		}
	})
}

// TestRedisForgetsEndedSessions: the record expires by itself a grace after its
// latest key (real Redis; miniredis does not expire keys on its own).
func TestRedisForgetsEndedSessions(t *testing.T) {
	srv := redistest.StartServer(t)
	e := newEnv(t, []string{srv.Addr()}, Options{Grace: 100 * time.Millisecond})
	ctx := ctxT(t)
	r := Record{Session: "s", Pairs: []subs.Pair{tencent}, Keys: map[string]time.Time{
		hash(1): time.Now().Add(200 * time.Millisecond), hash(2): time.Now().Add(-time.Hour)}}
	if err := e.st.Save(ctx, r); err != nil {
		t.Fatal(err)
	}
	if e.rdb.Exists(ctx, e.st.Key("s")).Val() != 1 {
		t.Fatal("not saved")
	}
	testkit.Eventually(t, 5*time.Second, "the record to expire", func() bool { return e.rdb.Exists(ctx, e.st.Key("s")).Val() == 0 })
}

// TestMalformedRecords are skipped, deleted, logged and counted; the good one loads.
func TestMalformedRecords(t *testing.T) {
	forEachBackend(t, func(t *testing.T, addrs []string) {
		e := newEnv(t, addrs, Options{})
		ctx := ctxT(t)
		good := Record{Session: "good", Pairs: []subs.Pair{tencent}, Keys: map[string]time.Time{hash(1): {}}}
		if err := e.st.Save(ctx, good); err != nil {
			t.Fatal(err)
		}
		bad := map[string]string{
			"futugw:quote:subs:{junk}":     "not json",
			"futugw:quote:subs:{other}":    `{"v":1,"s":"someone-else","p":[{"m":1,"c":"00700","t":1}],"k":[{"h":"x"}]}`,
			"futugw:quote:subs:{future}":   `{"v":2,"s":"future","p":[{"m":1,"c":"00700","t":1}],"k":[{"h":"x"}]}`,
			"futugw:quote:subs:{badpair}":  `{"v":1,"s":"badpair","p":[{"m":21,"c":"600519","t":1}],"k":[{"h":"x"}]}`,
			"futugw:quote:subs:{badtype}":  `{"v":1,"s":"badtype","p":[{"m":1,"c":"00700","t":3}],"k":[{"h":"x"}]}`,
			"futugw:quote:subs:{nopairs}":  `{"v":1,"s":"nopairs","p":[],"k":[{"h":"x"}]}`,
			"futugw:quote:subs:{nokeys}":   `{"v":1,"s":"nokeys","p":[{"m":1,"c":"00700","t":1}]}`,
			"futugw:quote:subs:{nohash}":   `{"v":1,"s":"nohash","p":[{"m":1,"c":"00700","t":1}],"k":[{"h":""}]}`,
			"futugw:quote:subs:{negative}": `{"v":1,"s":"negative","p":[{"m":1,"c":"00700","t":1}],"k":[{"h":"x","x":-5}]}`,
			"futugw:quote:subs:{untagged":  `{"v":1,"s":"untagged","p":[{"m":1,"c":"00700","t":1}],"k":[{"h":"x"}]}`,
		}
		for k, v := range bad {
			if err := e.rdb.Set(ctx, k, v, 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
		got, err := e.st.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Session != "good" {
			t.Fatalf("loaded %+v; want only the good record", got)
		}
		for k := range bad {
			if e.rdb.Exists(ctx, k).Val() != 0 {
				t.Errorf("%s was not deleted", k)
			}
			if !strings.Contains(e.logs.String(), k) {
				t.Errorf("%s was not logged", k)
			}
		}
		if n := testutil.ToFloat64(e.m.Restores.WithLabelValues(resultMalformed)); n != float64(len(bad)) {
			t.Fatalf("malformed counted %v; want %d", n, len(bad))
		}
		if e.rdb.Exists(ctx, e.st.Key("good")).Val() != 1 {
			t.Fatal("the good record was deleted")
		}
	})
}

// TestLoadScansEveryPrimary: records spread over a Cluster's slots all come back.
func TestLoadScansEveryPrimary(t *testing.T) {
	forEachBackend(t, func(t *testing.T, addrs []string) {
		e := newEnv(t, addrs, Options{})
		ctx := ctxT(t)
		var recs []Record
		for i := range 120 {
			recs = append(recs, Record{Session: fmt.Sprintf("s%03d", i), Pairs: []subs.Pair{apple},
				Keys: map[string]time.Time{hash(i): time.Now().Add(time.Hour)}})
		}
		for _, err := range e.st.Write(ctx, recs) {
			if err != nil {
				t.Fatal(err)
			}
		}
		got, err := e.st.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(recs) || got[0].Session != "s000" || got[119].Session != "s119" {
			t.Fatalf("loaded %d records", len(got))
		}
	})
}
