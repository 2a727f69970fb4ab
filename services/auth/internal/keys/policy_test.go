package keys

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func TestNewRecord(t *testing.T) {
	pol := DefaultPolicy()
	tests := []struct {
		name       string
		spec       IssueSpec
		wantErr    string // substring
		wantPolicy bool
		override   bool
		expires    time.Duration // 0 = never
	}{
		{"qot forever", IssueSpec{ID: "bot", Scopes: []string{"qot:read"}}, "", false, false, 0},
		{"generated id", IssueSpec{Scopes: []string{"admin"}, ExpiresIn: time.Hour}, "", false, false, time.Hour},
		{"no scopes", IssueSpec{ID: "a"}, "scopes: at least one scope", false, false, 0},
		{"unknown scope", IssueSpec{ID: "a", Scopes: []string{"trade"}}, `unknown scope "trade"`, false, false, 0},
		{"dup scope", IssueSpec{ID: "a", Scopes: []string{"admin", "admin"}}, "given twice", false, false, 0},
		{"bad id", IssueSpec{ID: "a b", Scopes: []string{"admin"}}, "id:", false, false, 0},
		{"negative ttl", IssueSpec{ID: "a", Scopes: []string{"admin"}, ExpiresIn: -time.Second}, "expires_in", false, false, 0},
		{"tiny ttl", IssueSpec{ID: "a", Scopes: []string{"admin"}, ExpiresIn: time.Millisecond}, "at least 1s", false, false, 0},
		{"huge ttl", IssueSpec{ID: "a", Scopes: []string{"admin"}, ExpiresIn: 100 * 365 * 24 * time.Hour}, "at most", false, false, 0},
		{"long note", IssueSpec{ID: "a", Scopes: []string{"admin"}, Note: strings.Repeat("x", 257)}, "note", false, false, 0},
		{"bad limits", IssueSpec{ID: "a", Scopes: []string{"admin"}, Limits: Limits{Markets: []string{"EU"}}}, "limits.allowed_markets", false, false, 0},
		{"real 24h ok", IssueSpec{ID: "r", Scopes: []string{"trade:real"}, ExpiresIn: 24 * time.Hour}, "", false, false, 24 * time.Hour},
		{"real 25h refused", IssueSpec{ID: "r", Scopes: []string{"qot:read", "trade:real"}, ExpiresIn: 25 * time.Hour}, "within 24h", true, false, 0},
		{"real forever refused", IssueSpec{ID: "r", Scopes: []string{"trade:real"}}, "allow_long_lived_real", true, false, 0},
		{"real forever override", IssueSpec{ID: "r", Scopes: []string{"trade:real"}, AllowLongLivedReal: true}, "", false, true, 0},
		{"real 48h override", IssueSpec{ID: "r", Scopes: []string{"trade:real"}, ExpiresIn: 48 * time.Hour, AllowLongLivedReal: true}, "", false, true, 48 * time.Hour},
		{"override unused", IssueSpec{ID: "r", Scopes: []string{"trade:real"}, ExpiresIn: time.Hour, AllowLongLivedReal: true}, "", false, false, time.Hour},
		{"simulate forever", IssueSpec{ID: "s", Scopes: []string{"trade:simulate"}}, "", false, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := pol.NewRecord(tt.spec, "h", t0)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if IsPolicy(err) != tt.wantPolicy {
					t.Fatalf("IsPolicy = %v, want %v (%T)", IsPolicy(err), tt.wantPolicy, err)
				}
				var ie *InvalidError
				if !tt.wantPolicy && !errors.As(err, &ie) {
					t.Fatalf("err %T is not InvalidError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rec.LongLivedOverride != tt.override {
				t.Errorf("override = %v", rec.LongLivedOverride)
			}
			if tt.expires == 0 && !rec.ExpiresAt.IsZero() || tt.expires != 0 && !rec.ExpiresAt.Equal(t0.Add(tt.expires)) {
				t.Errorf("ExpiresAt = %v", rec.ExpiresAt)
			}
			if rec.Hash != "h" || !rec.CreatedAt.Equal(t0) || rec.IsSession() {
				t.Errorf("record = %+v", rec)
			}
		})
	}
}

func TestRecordTimes(t *testing.T) {
	r := Record{ExpiresAt: t0.Add(time.Minute)}
	if ttl, ok := r.TTL(t0); !ok || ttl != time.Minute {
		t.Errorf("TTL = %v %v", ttl, ok)
	}
	if r.Expired(t0) || !r.Expired(t0.Add(time.Minute)) {
		t.Error("Expired wrong")
	}
	forever := Record{}
	if _, ok := forever.TTL(t0); ok || forever.Expired(t0.Add(1e6*time.Hour)) {
		t.Error("a key without expiry expired")
	}
}

// A window given with spaces is stored in the canonical form, for issued and session keys.
func TestHoursWindowStoredCanonical(t *testing.T) {
	pol := DefaultPolicy()
	rec, err := pol.NewRecord(IssueSpec{ID: "a", Scopes: []string{"qot:read"}, ExpiresIn: time.Hour,
		Limits: Limits{HoursWindow: " 22:00 - 02:00 "}}, "h", t0)
	if err != nil || rec.Limits.HoursWindow != "22:00-02:00" {
		t.Fatalf("NewRecord: window %q, %v; want 22:00-02:00", rec.Limits.HoursWindow, err)
	}
	s, err := pol.NewSession(rec, SessionSpec{Limits: Limits{HoursWindow: "23:00 -01:00"}}, "s", "sh", t0)
	if err != nil || s.Limits.HoursWindow != "23:00-01:00" {
		t.Fatalf("NewSession: window %q, %v; want 23:00-01:00", s.Limits.HoursWindow, err)
	}
	if _, err := pol.NewRecord(IssueSpec{ID: "b", Scopes: []string{"qot:read"}, ExpiresIn: time.Hour,
		Limits: Limits{HoursWindow: "22: 00-02:00"}}, "h", t0); err == nil {
		t.Fatal("a space inside a time must be refused")
	}
}
