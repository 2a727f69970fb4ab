package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// targets are the binaries of the stack and the packages they are built from.
var targets = []struct{ Name, Pkg string }{
	{"opend-sim", "./opend/cmd/opend-sim"},
	{"auth", "./services/auth/cmd/auth"},
	{"futucli", "./services/auth/cmd/futucli"},
	{"quote", "./services/quote/cmd/quote"},
	{"order", "./services/order/cmd/order"},
	{"edge", "./services/edge/cmd/edge"},
}

// buildAll builds every binary into dir, one line of progress per binary with a
// running clock, because the first build on a fresh machine takes minutes.
func buildAll(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, t := range targets {
		start := time.Now()
		label := fmt.Sprintf("[%d/%d] building %-10s", i+1, len(targets), t.Name)
		done := make(chan error, 1)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, t.Name), t.Pkg)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		go func() { done <- cmd.Run() }()
		tick := time.NewTicker(time.Second)
	wait:
		for {
			select {
			case err := <-done:
				tick.Stop()
				if err != nil {
					fmt.Printf("\r%s failed\n", label)
					return fmt.Errorf("building %s: %w", t.Name, err)
				}
				break wait
			case <-tick.C:
				fmt.Printf("\r%s %3ds", label, int(time.Since(start).Seconds()))
			}
		}
		fmt.Printf("\r%s done in %.1fs\n", label, time.Since(start).Seconds())
	}
	return nil
}
