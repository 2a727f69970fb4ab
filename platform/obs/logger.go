// Package obs sets up what every service exposes about itself: structured JSON logs,
// a Prometheus registry, and liveness/readiness health endpoints.
package obs

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// ParseLevel maps "debug", "info", "warn" (or "warning") and "error", in any case, to a
// slog level. The empty string means info.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return slog.LevelDebug, nil
	case "", "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return slog.LevelInfo, fmt.Errorf("unknown log level %q (want debug, info, warn or error)", s)
}

// NewLogger returns a JSON logger writing to w at the given level. An unknown level
// falls back to info and says so in the first record, so a typo in a deployment never
// silences a service; validate with ParseLevel first to refuse it instead.
func NewLogger(w io.Writer, level string) *slog.Logger {
	lvl, err := ParseLevel(level)
	l := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lvl}))
	if err != nil {
		l.Warn("log level fallback to info", Err(err))
	}
	return l
}
