package obs

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestErr(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("failed", Err(errors.New("boom")))
	log.Info("fine", Err(nil))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if !strings.Contains(lines[0], `"error":"boom"`) {
		t.Errorf("with an error: %s", lines[0])
	}
	if strings.Contains(lines[1], ErrorKey) {
		t.Errorf("with nil: %s", lines[1])
	}
}

func TestOrDiscard(t *testing.T) {
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	if OrDiscard(log) != log {
		t.Error("a logger was replaced")
	}
	if l := OrDiscard(nil); l == nil || l.Enabled(t.Context(), slog.LevelError) {
		t.Error("nil did not become a discarding logger")
	}
}
