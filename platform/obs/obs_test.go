package obs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in      string
		want    slog.Level
		wantErr bool
	}{
		{"debug", slog.LevelDebug, false},
		{"", slog.LevelInfo, false},
		{"info", slog.LevelInfo, false},
		{"WARN", slog.LevelWarn, false},
		{"warning", slog.LevelWarn, false},
		{" error ", slog.LevelError, false},
		{"verbose", slog.LevelInfo, true},
	}
	for _, tt := range tests {
		got, err := ParseLevel(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestNewLoggerJSONAndLevel(t *testing.T) {
	var buf bytes.Buffer
	l := NewLogger(&buf, "warn")
	l.Info("hidden")
	l.Warn("shown", "k", 1)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("got %d lines, want 1: %q", len(lines), buf.String())
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if rec["msg"] != "shown" || rec["level"] != "WARN" || rec["k"] != 1.0 {
		t.Errorf("record = %v", rec)
	}
}

func TestNewLoggerUnknownLevelWarns(t *testing.T) {
	var buf bytes.Buffer
	l := NewLogger(&buf, "loud")
	l.Info("still logged")
	if !strings.Contains(buf.String(), "log level fallback to info") || !strings.Contains(buf.String(), "still logged") {
		t.Errorf("output = %q", buf.String())
	}
}

func TestRegistryAndBuildInfo(t *testing.T) {
	reg := NewRegistry()
	if err := RegisterBuildInfo(reg, "quote"); err != nil {
		t.Fatal(err)
	}
	if err := RegisterBuildInfo(reg, "Bad-Name"); err == nil {
		t.Error("bad service name accepted")
	}
	srv := httptest.NewServer(MetricsHandler(reg))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("content type %q", ct)
	}
	for _, want := range []string{"futugw_quote_build_info{", "go_goroutines", "process_start_time_seconds"} {
		if !strings.Contains(body.String(), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestHealthEvaluate(t *testing.T) {
	boom := errors.New("redis down")
	tests := []struct {
		name       string
		checks     map[string]Check
		wantStatus string
		wantChecks map[string]string
	}{
		{"no checks", nil, "ready", map[string]string{}},
		{"all ok", map[string]Check{
			"a": func(context.Context) error { return nil },
			"b": func(context.Context) error { return nil },
		}, "ready", map[string]string{"a": "ok", "b": "ok"}},
		{"one fails", map[string]Check{
			"a":     func(context.Context) error { return nil },
			"redis": func(context.Context) error { return boom },
		}, "not_ready", map[string]string{"a": "ok", "redis": "fail"}},
		{"one blocks until timeout", map[string]Check{
			"slow": func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() },
		}, "not_ready", map[string]string{"slow": "timeout"}},
		{"ignores ctx then succeeds late", map[string]Check{
			"late": func(ctx context.Context) error { <-ctx.Done(); return nil },
		}, "not_ready", map[string]string{"late": "timeout"}},
		{"panics", map[string]Check{
			"p": func(context.Context) error { panic("bug") },
		}, "not_ready", map[string]string{"p": "fail"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHealth(50 * time.Millisecond)
			for n, c := range tt.checks {
				h.Add(n, c)
			}
			rep := h.Evaluate(context.Background())
			if rep.Status != tt.wantStatus {
				t.Errorf("status = %q, want %q", rep.Status, tt.wantStatus)
			}
			got := map[string]string{}
			for _, c := range rep.Checks {
				got[c.Name] = c.Status
			}
			if len(got) != len(tt.wantChecks) {
				t.Errorf("checks = %v, want %v", got, tt.wantChecks)
			}
			for n, s := range tt.wantChecks {
				if got[n] != s {
					t.Errorf("check %s = %q, want %q", n, got[n], s)
				}
			}
		})
	}
}

func TestHealthHandlers(t *testing.T) {
	h := NewHealth(time.Second)
	var failing bool
	h.Add("dep", func(context.Context) error {
		if failing {
			return errors.New("unreachable")
		}
		return nil
	})
	get := func(hd http.Handler) (int, map[string]any) {
		rec := httptest.NewRecorder()
		hd.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("body not JSON: %q", rec.Body.String())
		}
		return rec.Code, body
	}

	if code, _ := get(h.LivenessHandler()); code != 200 {
		t.Errorf("healthz = %d", code)
	}
	code, body := get(h.ReadinessHandler())
	if code != 200 || body["status"] != "ready" {
		t.Errorf("readyz = %d %v", code, body)
	}

	failing = true
	code, body = get(h.ReadinessHandler())
	if code != 503 || body["status"] != "not_ready" {
		t.Errorf("readyz with failing check = %d %v", code, body)
	}
	checks, _ := body["checks"].([]any)
	if len(checks) != 1 || checks[0].(map[string]any)["error"] != "unreachable" {
		t.Errorf("checks = %v", body["checks"])
	}

	failing = false
	h.BeginShutdown()
	if code, body := get(h.LivenessHandler()); code != 503 || body["status"] != "shutting_down" {
		t.Errorf("healthz after shutdown = %d %v", code, body)
	}
	if code, body := get(h.ReadinessHandler()); code != 503 || body["status"] != "shutting_down" {
		t.Errorf("readyz after shutdown = %d %v", code, body)
	}
}

// TestHealthHideErrors: with HideErrors, /readyz names the failing check without its
// error text, and the log gets the text once per change of the check's outcome.
func TestHealthHideErrors(t *testing.T) {
	var logs bytes.Buffer
	h := NewHealth(time.Second)
	fail := errors.New("dial tcp 10.0.0.7:50051: connection refused")
	h.Add("auth", func(context.Context) error { return fail })
	h.HideErrors(slog.New(slog.NewJSONHandler(&logs, nil)))
	readyz := func() string {
		rec := httptest.NewRecorder()
		h.ReadinessHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Body.String()
	}
	for _, step := range []struct {
		err  error
		logs int // log lines so far
	}{{fail, 1}, {fail, 1}, {nil, 2}, {nil, 2}, {fail, 3}} {
		fail = step.err
		body := readyz()
		if strings.Contains(body, "10.0.0.7") || !strings.Contains(body, `"name":"auth"`) {
			t.Fatalf("/readyz body %s", body)
		}
		if n := strings.Count(logs.String(), "\n"); n != step.logs {
			t.Fatalf("after a check with error %v: %d log lines, want %d:\n%s", step.err, n, step.logs, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "10.0.0.7") || !strings.Contains(logs.String(), "recovered") {
		t.Fatalf("logs lack the failure text or the recovery:\n%s", logs.String())
	}
}
