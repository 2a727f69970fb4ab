package keys

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func parentKey() Record {
	return Record{
		ID: "parent", Hash: "ph", Scopes: []string{"qot:read", "acc:read", "trade:simulate"},
		Limits: Limits{Markets: []string{"HK", "US"}, TrdSides: []string{"BUY", "SELL"},
			MaxOrderValue: f64(1000), MaxOrdersPerMinute: i32(10), HoursWindow: "09:00-17:00"},
		CreatedAt: t0.Add(-time.Hour),
	}
}

func TestNewSession(t *testing.T) {
	pol := DefaultPolicy()
	tests := []struct {
		name    string
		parent  func(*Record)
		spec    SessionSpec
		wantErr string
		check   func(t *testing.T, r Record)
	}{
		{name: "inherits everything", check: func(t *testing.T, r Record) {
			p := parentKey()
			if !reflect.DeepEqual(r.Scopes, p.Scopes) || !reflect.DeepEqual(r.Limits, p.Limits) {
				t.Errorf("got %+v", r)
			}
			if !r.ExpiresAt.Equal(t0.Add(30*time.Minute)) || !r.SessionStartedAt.Equal(t0) || r.ParentID != "parent" {
				t.Errorf("times/parent = %+v", r)
			}
		}},
		{name: "narrower", spec: SessionSpec{Scopes: []string{"qot:read"}, ExpiresIn: 5 * time.Minute,
			Limits: Limits{Markets: []string{"HK"}, Symbols: []string{"HK.00700"}, MaxOrderValue: f64(10), MaxOrdersPerMinute: i32(10), HoursWindow: "10:00-12:00"}},
			check: func(t *testing.T, r Record) {
				if !reflect.DeepEqual(r.Scopes, []string{"qot:read"}) || !reflect.DeepEqual(r.Limits.Markets, []string{"HK"}) ||
					*r.Limits.MaxOrderValue != 10 || r.Limits.HoursWindow != "10:00-12:00" || !reflect.DeepEqual(r.Limits.TrdSides, []string{"BUY", "SELL"}) {
					t.Errorf("got %+v", r.Limits)
				}
				if !r.ExpiresAt.Equal(t0.Add(5 * time.Minute)) {
					t.Errorf("ExpiresAt = %v", r.ExpiresAt)
				}
			}},
		{name: "limit added where parent has none", spec: SessionSpec{Limits: Limits{MaxDailyValue: f64(5), AccIDs: []string{"1"}}},
			check: func(t *testing.T, r Record) {
				if *r.Limits.MaxDailyValue != 5 || r.Limits.AccIDs[0] != "1" {
					t.Errorf("got %+v", r.Limits)
				}
			}},
		{name: "wider scope", spec: SessionSpec{Scopes: []string{"trade:real"}}, wantErr: `scope "trade:real" is not allowed`},
		{name: "wider market", spec: SessionSpec{Limits: Limits{Markets: []string{"CN"}}}, wantErr: `market "CN"`},
		{name: "wider side", spec: SessionSpec{Limits: Limits{TrdSides: []string{"SELL_SHORT"}}}, wantErr: "trd side"},
		{name: "bigger value", spec: SessionSpec{Limits: Limits{MaxOrderValue: f64(1001)}}, wantErr: "max_order_value 1001 exceeds"},
		{name: "bigger rate", spec: SessionSpec{Limits: Limits{MaxOrdersPerMinute: i32(11)}}, wantErr: "max_orders_per_minute"},
		{name: "wider window", spec: SessionSpec{Limits: Limits{HoursWindow: "08:00-12:00"}}, wantErr: "hours window"},
		{name: "symbol outside parent's markets", spec: SessionSpec{Limits: Limits{Symbols: []string{"JP.7203"}}}, wantErr: "outside allowed_markets"},
		{name: "too long", spec: SessionSpec{ExpiresIn: 31 * time.Minute}, wantErr: "at most 30m"},
		{name: "negative", spec: SessionSpec{ExpiresIn: -1}, wantErr: "negative"},
		{name: "unknown scope", spec: SessionSpec{Scopes: []string{"x"}}, wantErr: "unknown scope"},
		{name: "bad limit", spec: SessionSpec{Limits: Limits{MaxOrderValue: f64(-1)}}, wantErr: "finite"},
		{name: "from a session", parent: func(p *Record) { p.ParentID = "gp" }, wantErr: "RefreshSession"},
		{name: "capped by parent expiry", parent: func(p *Record) { p.ExpiresAt = t0.Add(10 * time.Minute) },
			check: func(t *testing.T, r Record) {
				if !r.ExpiresAt.Equal(t0.Add(10 * time.Minute)) {
					t.Errorf("ExpiresAt = %v", r.ExpiresAt)
				}
			}},
		{name: "unlimited parent", parent: func(p *Record) { p.Limits = Limits{} }, spec: SessionSpec{Limits: Limits{Markets: []string{"CN"}}},
			check: func(t *testing.T, r Record) {
				if r.Limits.Markets[0] != "CN" {
					t.Errorf("got %+v", r.Limits)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parentKey()
			if tt.parent != nil {
				tt.parent(&p)
			}
			r, err := pol.NewSession(p, tt.spec, "s1", "sh", t0)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.ID != "s1" || r.Hash != "sh" {
				t.Errorf("id/hash = %q %q", r.ID, r.Hash)
			}
			tt.check(t, r)
		})
	}
}

func TestNewSessionDoesNotAliasParent(t *testing.T) {
	p := parentKey()
	r, err := DefaultPolicy().NewSession(p, SessionSpec{}, "s", "h", t0)
	if err != nil {
		t.Fatal(err)
	}
	r.Scopes[0], r.Limits.Markets[0] = "x", "x"
	*r.Limits.MaxOrderValue = 1
	if p.Scopes[0] == "x" || p.Limits.Markets[0] == "x" || *p.Limits.MaxOrderValue == 1 {
		t.Error("session shares memory with its parent")
	}
}

func TestRefresh(t *testing.T) {
	pol := DefaultPolicy()
	p := parentKey()
	s, err := pol.NewSession(p, SessionSpec{Scopes: []string{"qot:read"}}, "s1", "h1", t0)
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(20 * time.Minute)
	n, err := pol.Refresh(s, p, "s2", "h2", now)
	if err != nil {
		t.Fatal(err)
	}
	if n.ID != "s2" || n.Hash != "h2" || n.ParentID != "parent" || !n.SessionStartedAt.Equal(t0) ||
		!n.ExpiresAt.Equal(now.Add(30*time.Minute)) || !reflect.DeepEqual(n.Scopes, []string{"qot:read"}) {
		t.Errorf("refreshed = %+v", n)
	}
	if s.Session() != "s1" || n.Session() != "s1" {
		t.Errorf("session id = %q then %q, want s1 across the refresh", s.Session(), n.Session())
	}
	if pk := parentKey(); pk.Session() != pk.ID {
		t.Errorf("a key that is not a session key is its own session, got %q", pk.Session())
	}
	if g := pol.GraceTTL(s, now); g != 30*time.Second {
		t.Errorf("grace = %v", g)
	}
	if g := pol.GraceTTL(s, s.ExpiresAt.Add(-time.Second)); g != time.Second {
		t.Errorf("grace near expiry = %v", g)
	}

	// Near the 12 h cap the new key is cut; at the cap refresh is refused.
	late := t0.Add(12*time.Hour - 10*time.Minute)
	n, err = pol.Refresh(s, p, "s3", "h3", late)
	if err != nil || !n.ExpiresAt.Equal(t0.Add(12*time.Hour)) {
		t.Errorf("late refresh = %v, %v", n.ExpiresAt, err)
	}
	if _, err := pol.Refresh(s, p, "s4", "h4", t0.Add(12*time.Hour)); !IsPolicy(err) {
		t.Errorf("refresh past the lifetime = %v", err)
	}
	// Capped by the parent's expiry.
	p2 := p
	p2.ExpiresAt = now.Add(time.Minute)
	if n, err := pol.Refresh(s, p2, "s5", "h5", now); err != nil || !n.ExpiresAt.Equal(p2.ExpiresAt) {
		t.Errorf("parent cap = %v %v", n.ExpiresAt, err)
	}
	if _, err := pol.Refresh(p, p, "x", "y", now); !IsPolicy(err) {
		t.Errorf("refresh of a long-lived key = %v", err)
	}
	if _, err := pol.Refresh(s, Record{ID: "other"}, "x", "y", now); err == nil {
		t.Error("wrong parent accepted")
	}
}

func TestNewSDKSession(t *testing.T) {
	pol := DefaultPolicy()
	narrow := func(p Record) Record {
		s, err := pol.NewSession(p, SessionSpec{Scopes: []string{"qot:read"}, Limits: Limits{Markets: []string{"HK"}}}, "panel", "ph2", t0.Add(-2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name      string
		presented func(p Record) Record // nil: the parent itself
		parent    func(*Record)
		now       time.Time
		wantErr   string
		scopes    []string
		markets   []string
		expires   time.Time
		started   time.Time
	}{
		{name: "long-lived key: as CreateSession", now: t0,
			scopes: []string{"qot:read", "acc:read", "trade:simulate"}, markets: []string{"HK", "US"},
			expires: t0.Add(30 * time.Minute), started: t0},
		{name: "long-lived key near its expiry", now: t0, parent: func(p *Record) { p.ExpiresAt = t0.Add(5 * time.Minute) },
			scopes: []string{"qot:read", "acc:read", "trade:simulate"}, markets: []string{"HK", "US"},
			expires: t0.Add(5 * time.Minute), started: t0},
		{name: "session key: sibling with its narrowing", presented: narrow, now: t0,
			scopes: []string{"qot:read"}, markets: []string{"HK"}, expires: t0.Add(30 * time.Minute), started: t0.Add(-2 * time.Hour)},
		{name: "session key: capped by its chain", presented: narrow, now: t0.Add(10*time.Hour - 10*time.Minute),
			scopes: []string{"qot:read"}, markets: []string{"HK"}, expires: t0.Add(10 * time.Hour), started: t0.Add(-2 * time.Hour)},
		{name: "session key: chain over", presented: narrow, now: t0.Add(10 * time.Hour), wantErr: "total lifetime"},
		{name: "session key: capped by the parent", presented: narrow, now: t0, parent: func(p *Record) { p.ExpiresAt = t0.Add(time.Minute) },
			scopes: []string{"qot:read"}, markets: []string{"HK"}, expires: t0.Add(time.Minute), started: t0.Add(-2 * time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parentKey()
			if tt.parent != nil {
				tt.parent(&p)
			}
			presented := p
			if tt.presented != nil {
				presented = tt.presented(p)
			}
			r, err := pol.NewSDKSession(presented, p, "sdk1", "sh", tt.now)
			if tt.wantErr != "" {
				if !IsPolicy(err) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want policy error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.ID != "sdk1" || r.Hash != "sh" || r.ParentID != "parent" || r.Session() != "sdk1" || r.Note != SDKNote ||
				!reflect.DeepEqual(r.Scopes, tt.scopes) || !reflect.DeepEqual(r.Limits.Markets, tt.markets) ||
				!r.ExpiresAt.Equal(tt.expires) || !r.SessionStartedAt.Equal(tt.started) {
				t.Errorf("got %+v", r)
			}
			if want := map[bool]string{true: "panel"}[tt.presented != nil]; r.OriginSession != want {
				t.Errorf("origin session = %q, want %q", r.OriginSession, want)
			}
			if *r.Limits.MaxOrderValue != 1000 || r.Limits.HoursWindow != "09:00-17:00" {
				t.Errorf("parent's limits not kept: %+v", r.Limits)
			}
		})
	}
	p := parentKey()
	s := narrow(p)
	if _, err := pol.NewSDKSession(s, Record{ID: "other"}, "x", "y", t0); err == nil {
		t.Error("wrong parent accepted")
	}
}

func TestRefreshDropsTheOldDigest(t *testing.T) {
	pol := DefaultPolicy()
	p := parentKey()
	s, err := pol.NewSession(p, SessionSpec{}, "s1", "h1", t0)
	if err != nil {
		t.Fatal(err)
	}
	s.DigestHash = "d1"
	n, err := pol.Refresh(s, p, "s2", "h2", t0.Add(time.Minute))
	if err != nil || n.DigestHash != "" {
		t.Fatalf("refreshed = %+v, %v", n, err)
	}
}
