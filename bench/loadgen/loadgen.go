// Package loadgen holds what the load generators and latency benchmarks share
// (bench/cmd/wsload and hopfloor, the stack load test in drills, the order benchmarks):
// they run on the same cores as what they measure, so they keep themselves light,
// read the other processes' CPU from /proc, and report percentiles the same way.
package loadgen

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
)

// PauseGC stops this process's garbage collections until resume is called, with a
// memory limit as the safety net: a generator's collections stall every reader at
// once and would show up as delivery latency of what is measured.
func PauseGC() (resume func()) {
	pct := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(8 << 30)
	return func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(pct)
	}
}

// StartServer starts cmd, a server child process, with its stderr on ours and returns
// the first line it prints, trimmed: where it listens. It kills the child when it
// prints none.
func StartServer(cmd *exec.Cmd) (string, error) {
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return "", err
	}
	return strings.TrimSpace(line), nil
}

// ProcCPU is a process's user+system CPU time, from /proc/<pid>/stat (Linux).
func ProcCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// After the parenthesised command name, utime and stime are the 12th and 13th
	// fields, in clock ticks (USER_HZ, 100 on Linux).
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unreadable /proc/%d/stat", pid)
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, nil
}

// QuoteDecoder reads the update time out of quote frames; it reuses its buffers, so
// one belongs to one reader.
type QuoteDecoder struct {
	f struct {
		BodyB64 string `json:"body_b64"`
	}
	r qotupdatebasicqot.Response
}

// SDKUpdateTime is UpdateTime for a frame of Futu's JavaScript SDK protocol: a
// 44-byte header before the Qot_UpdateBasicQot.Response.
func (d *QuoteDecoder) SDKUpdateTime(frame []byte) (float64, bool) {
	if len(frame) < 44 || proto.Unmarshal(frame[44:], &d.r) != nil || len(d.r.GetS2C().GetBasicQotList()) == 0 {
		return 0, false
	}
	return d.r.GetS2C().GetBasicQotList()[0].GetUpdateTimestamp(), true
}

// UpdateTime is the quote's update_timestamp (unix seconds) from a frame
// {"type":"quote",...,"body_b64":"<Qot_UpdateBasicQot.Response>"}; false when the
// frame does not hold one.
func (d *QuoteDecoder) UpdateTime(frame []byte) (float64, bool) {
	if json.Unmarshal(frame, &d.f) != nil {
		return 0, false
	}
	body, err := base64.StdEncoding.DecodeString(d.f.BodyB64)
	if err != nil || proto.Unmarshal(body, &d.r) != nil || len(d.r.GetS2C().GetBasicQotList()) == 0 {
		return 0, false
	}
	return d.r.GetS2C().GetBasicQotList()[0].GetUpdateTimestamp(), true
}
