package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// buildPanel builds the web panel into web/dist when it is missing or older than its
// sources: `npm ci` once (node_modules), then `npm run build`.
func buildPanel(ctx context.Context, webDir string) error {
	dist := filepath.Join(webDir, "dist", "index.html")
	if st, err := os.Stat(dist); err == nil && !newerThan(webDir, st.ModTime()) {
		fmt.Println("[web]   panel up to date")
		return nil
	}
	if _, err := os.Stat(filepath.Join(webDir, "node_modules")); err != nil {
		if err := npm(ctx, webDir, "installing the panel's packages (npm ci)", "ci", "--no-audit", "--no-fund"); err != nil {
			return err
		}
	}
	return npm(ctx, webDir, "building the panel (npm run build)", "run", "build")
}

func npm(ctx context.Context, dir, what string, args ...string) error {
	start := time.Now()
	fmt.Printf("[web]   %s...\n", what)
	cmd := exec.CommandContext(ctx, "npm", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", what, err, out)
	}
	fmt.Printf("[web]   %s done in %.1fs\n", what, time.Since(start).Seconds())
	return nil
}

// newerThan reports whether any source of the panel changed after t.
func newerThan(webDir string, t time.Time) bool {
	newer := false
	for _, sub := range []string{"src", "index.html", "package.json", "vite.config.ts", "public"} {
		_ = filepath.WalkDir(filepath.Join(webDir, sub), func(p string, d fs.DirEntry, err error) error {
			if err != nil || newer {
				return nil
			}
			if info, err := d.Info(); err == nil && !d.IsDir() && info.ModTime().After(t) {
				newer = true
			}
			return nil
		})
	}
	return newer
}
