package upstream

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestUnavailableBeforeConnect(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens here
	c := Start(Config{Addr: addr, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	defer c.Close()
	_, err := c.Subscribe(context.Background(), []subs.Pair{{Sec: subs.Security{Market: 1, Code: "00700"}, SubType: 1}})
	if !errors.Is(err, ErrUnavailable) || !Unavailable(err) || c.Connected() {
		t.Fatalf("err = %v", err)
	}
}

func TestSubscribeAndPush(t *testing.T) {
	addr := startSim(t, sim.Config{PushInterval: 10 * time.Millisecond})

	pushes := make(chan uint32, 64)
	up := make(chan struct{}, 1)
	c := Start(Config{Addr: addr,
		OnState: func(ok bool, _ error) {
			if ok {
				up <- struct{}{}
			}
		},
		OnPush: func(id uint32, _ []byte, _ int64) {
			select {
			case pushes <- id:
			default:
			}
		}})
	defer c.Close()
	select {
	case <-up:
	case <-time.After(20 * time.Second):
		t.Fatal("not connected")
	}
	ps := []subs.Pair{{Sec: subs.Security{Market: 1, Code: "00700"}, SubType: 1}, {Sec: subs.Security{Market: 11, Code: "AAPL"}, SubType: 4}}
	if done, err := c.Subscribe(context.Background(), ps); err != nil || len(done) != 2 {
		t.Fatalf("subscribe: %v %v", done, err)
	}
	used, remain, err := c.SubInfo(context.Background())
	if err != nil || used != 2 || remain != 498 {
		t.Fatalf("sub info: %d %d %v", used, remain, err)
	}
	seen := map[uint32]bool{}
	timeout := time.After(20 * time.Second)
	for !seen[protoid.QotUpdateBasicQot] || !seen[protoid.QotUpdateTicker] {
		select {
		case id := <-pushes:
			seen[id] = true
		case <-timeout:
			t.Fatalf("pushes seen: %v", seen)
		}
	}
	// Unknown securities are refused by OpenD and reported as such.
	if _, err := c.Subscribe(context.Background(), []subs.Pair{{Sec: subs.Security{Market: 1, Code: "99999"}, SubType: 1}}); err == nil || Unavailable(err) {
		t.Fatalf("unknown security: %v", err)
	}
}
