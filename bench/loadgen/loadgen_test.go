package loadgen

import (
	"encoding/base64"
	"fmt"
	"os"
	"runtime/debug"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
)

func TestProcCPUGrowsWithWork(t *testing.T) {
	before, err := ProcCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// Spin until the kernel's own account (getrusage) shows 100 ms of CPU: on a busy
	// machine that takes longer than 100 ms of wall time.
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	for start := cpu(); cpu()-start < 100*time.Millisecond; {
	}
	after, err := ProcCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if after-before < 50*time.Millisecond {
		t.Fatalf("100 ms of spinning counted as %v", after-before)
	}
	if _, err := ProcCPU(-1); err == nil {
		t.Fatal("no error for a process that does not exist")
	}
}

func TestUpdateTime(t *testing.T) {
	body, err := proto.Marshal(&qotupdatebasicqot.Response{RetType: proto.Int32(0), S2C: &qotupdatebasicqot.S2C{
		BasicQotList: []*qotcommon.BasicQot{{
			Security:    &qotcommon.Security{Market: proto.Int32(1), Code: proto.String("00700")},
			IsSuspended: proto.Bool(false), ListTime: proto.String("2004-06-16"), PriceSpread: proto.Float64(0.2),
			UpdateTime: proto.String("2026-11-25 10:00:00"), HighPrice: proto.Float64(1), OpenPrice: proto.Float64(1),
			LowPrice: proto.Float64(1), CurPrice: proto.Float64(1), LastClosePrice: proto.Float64(1),
			Volume: proto.Int64(1), Turnover: proto.Float64(1), TurnoverRate: proto.Float64(0), Amplitude: proto.Float64(0),
			UpdateTimestamp: proto.Float64(1764000000.123),
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	var d QuoteDecoder
	frame := fmt.Sprintf(`{"type":"quote","proto_id":3005,"sec_key":"HK.00700","body_b64":%q}`, base64.StdEncoding.EncodeToString(body))
	if ts, ok := d.UpdateTime([]byte(frame)); !ok || ts != 1764000000.123 {
		t.Fatalf("UpdateTime = %v, %v", ts, ok)
	}
	for _, bad := range []string{`{`, `{"body_b64":"!"}`, `{"body_b64":"AAAA"}`, `{"type":"notify"}`} {
		if _, ok := d.UpdateTime([]byte(bad)); ok {
			t.Errorf("UpdateTime(%s) ok", bad)
		}
	}
}

func TestPauseGC(t *testing.T) {
	resume := PauseGC()
	resume()
	if pct := debugGCPercent(); pct < 0 {
		t.Fatalf("GC still off after resume (GOGC %d)", pct)
	}
}

func debugGCPercent() int {
	pct := debug.SetGCPercent(100)
	debug.SetGCPercent(pct)
	return pct
}
