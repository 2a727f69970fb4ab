package conformance

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// requireEnv makes missing prerequisites a failure instead of a skip (CI sets it).
const requireEnv = "FUTUGW_REQUIRE_CONFORMANCE"

// nodeTimeout is generous: each run parses all 182 official files.
const nodeTimeout = 2 * time.Minute

// skipOrFail skips the test for a missing prerequisite, or fails it when
// FUTUGW_REQUIRE_CONFORMANCE=1.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv(requireEnv) == "1" {
		t.Fatalf("conformance prerequisite missing ("+requireEnv+"=1): "+format, args...)
	}
	t.Skipf("conformance prerequisite missing (set "+requireEnv+"=1 to fail instead): "+format, args...)
}

// nodeTool is the node binary and the tools/conformance directory.
type nodeTool struct {
	node string
	dir  string
}

// findNodeTool locates node and the installed tool, or skips/fails the test.
func findNodeTool(t *testing.T) nodeTool {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "tools", "conformance"))
	if err != nil {
		t.Fatalf("tool dir: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "check.mjs")); err != nil {
		t.Fatalf("conformance tool missing: %v", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skipOrFail(t, "node is not on PATH: %v", err)
	}
	for _, pkg := range []string{"protobufjs", "futu-api"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
			skipOrFail(t, "%s not installed; run `cd tools/conformance && npm ci`: %v", pkg, err)
		}
	}
	return nodeTool{node: node, dir: dir}
}

// run executes a script of the tool and returns its combined output and exit code;
// a failure to start node at all fails the test.
func (n nodeTool) run(t *testing.T, script string, args ...string) (string, int) {
	t.Helper()
	return n.runEnv(t, nil, script, args...)
}

// runEnv is run with extra environment variables ("KEY=value").
func (n nodeTool) runEnv(t *testing.T, env []string, script string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), nodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, n.node, append([]string{filepath.Join(n.dir, script)}, args...)...)
	cmd.Dir = n.dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &exit) && ctx.Err() == nil:
		return out.String(), exit.ExitCode()
	default:
		t.Fatalf("node %s %v: %v\n%s", script, args, err, out.String())
		return "", -1
	}
}
