package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// hubPackage is the benchmark's server: it hosts the edge's internal WebSocket hub,
// which only the edge module may import, so it is built there.
const hubPackage = "github.com/futugw/gateway/services/edge/internal/wsloadhub"

// hubBinary returns path when set, else builds hubPackage with the go command (run
// inside the repository, whose go.work resolves it) into a temporary directory that
// cleanup removes.
func hubBinary(path string) (bin string, cleanup func(), err error) {
	if path != "" {
		return path, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "wsload-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { _ = os.RemoveAll(dir) }
	bin = filepath.Join(dir, "wsloadhub")
	build := exec.Command("go", "build", "-o", bin, hubPackage)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("build %s: %w", hubPackage, err)
	}
	return bin, cleanup, nil
}
