package proctest

import (
	"bufio"
	"os/exec"
	"strings"
	"testing"
)

// StartLine starts bin with args until the test ends and returns the first line it
// prints on standard output (tools that announce their address that way, such as
// hopfloor's child roles).
func StartLine(t testing.TB, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("%s %v printed no line: %v", bin, args, err)
	}
	return strings.TrimSpace(line)
}
