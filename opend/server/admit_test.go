package server

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/keepalive"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"google.golang.org/protobuf/proto"
)

// Admit sees every request that has a handler, before it; its error is the
// answer and the handler does not run. Unknown ids never reach it.
func TestAdmitRefusesBeforeTheHandler(t *testing.T) {
	var handled, admitted atomic.Int32
	_, addr, _ := start(t, Config{Admit: func(_ *Conn, req Request) error {
		admitted.Add(1)
		if admitted.Load() > 2 {
			return &envelope.Error{RetType: envelope.RetFailed, ErrCode: 1006, RetMsg: "frequency limit exceeded"}
		}
		return nil
	}}, func(s *Server) {
		s.Handle(protoEcho, func(ctx context.Context, c *Conn, req Request) (proto.Message, error) {
			handled.Add(1)
			return echoHandler(ctx, c, req)
		})
	})
	rc := dialRaw(t, addr)
	rc.init()
	for i := range 2 {
		if st := rc.call(protoEcho, kaReq(int64(i)), &keepalive.Response{}); !st.OK() {
			t.Fatalf("call %d: %+v", i, st)
		}
	}
	st := rc.call(protoEcho, kaReq(3), nil)
	if st.RetType != envelope.RetFailed || st.ErrCode != 1006 || st.RetMsg != "frequency limit exceeded" {
		t.Fatalf("third call: %+v, want the Admit refusal", st)
	}
	if st := rc.call(9999, kaReq(4), nil); !strings.HasPrefix(st.RetMsg, "unsupported proto id") {
		t.Fatalf("unknown id: %+v", st)
	}
	if st := rc.call(protoid.KeepAlive, kaReq(5), &keepalive.Response{}); !st.OK() { // built in, not admitted
		t.Fatalf("KeepAlive: %+v", st)
	}
	if h, a := handled.Load(), admitted.Load(); h != 2 || a != 3 {
		t.Fatalf("handled %d, admitted %d; want 2 and 3", h, a)
	}
}
