package sdk

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protowire"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/obs"
	"github.com/futugw/gateway/services/edge/internal/sdk/frame"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
	"github.com/futugw/gateway/services/edge/internal/ws"
)

// refreshTimeout bounds one RefreshSession (and the clean-up calls at close).
const refreshTimeout = 10 * time.Second

// socket is one logged-in SDK socket: its reader and command handlers (the hub's
// writer sends what they answer) and its session key's refresh.
type socket struct {
	srv   *Server
	conn  *websocket.Conn
	peer  *ws.Peer
	keyID string                 // the first session key's id, for logs
	key   atomic.Pointer[string] // the current session key; never logged
	slots chan struct{}          // commands in flight

	ctx    context.Context // ends when the reader does: cancels commands and the refresh
	cancel context.CancelFunc
	wg     sync.WaitGroup // commands and a refresh in flight

	mu      sync.Mutex
	stopped bool
	timer   *time.Timer // the next refresh
}

// run is the socket's reader (ws.Hub.Attach): it sends the InitWebSocket answer,
// then dispatches commands until the connection closes. A malformed frame closes
// the socket with its reason. Commands still running when it returns are cancelled
// and awaited.
func (k *socket) run(peer *ws.Peer, hello []byte) {
	k.peer = peer
	defer k.stop()
	if !peer.Send(hello) {
		return
	}
	k.schedule(peer.Expires())
	for {
		_, b, err := k.conn.Read(context.Background()) // closing the connection ends it
		if err != nil {
			return
		}
		req, err := frame.DecodeRequest(b)
		if err != nil {
			peer.Close(websocket.StatusPolicyViolation, err.Error())
			k.discard()
			return
		}
		if req.Cmd == frame.CmdInit {
			k.answer(req, sdkcall.Failed("this socket is already logged in", 0))
			continue
		}
		select {
		case k.slots <- struct{}{}:
		case <-peer.Closed():
			k.discard()
			return
		}
		k.wg.Go(func() {
			defer func() { <-k.slots }()
			body, result := k.handle(req)
			k.srv.m.commands.WithLabelValues(result).Inc()
			k.answer(req, body)
		})
	}
}

// discard reads until the connection closes, so that the hub's writer (not a read
// error) ends the socket, with the close reason it was given.
func (k *socket) discard() {
	for {
		if _, _, err := k.conn.Read(context.Background()); err != nil {
			return
		}
	}
}

func (k *socket) stop() {
	k.mu.Lock()
	k.stopped = true
	if k.timer != nil {
		k.timer.Stop()
	}
	k.mu.Unlock()
	k.cancel()
	k.wg.Wait()
}

// answer queues a command's answer for the hub's writer.
func (k *socket) answer(req frame.Request, body []byte) {
	k.peer.Send(frame.Response{Cmd: req.Cmd, Section: req.Section, Body: body}.Encode())
}

// handle runs a command's handler with the session key as bearer, and says how it
// went (a metrics label).
func (k *socket) handle(req frame.Request) (body []byte, result string) {
	h := k.srv.table[req.Cmd]
	if h == nil {
		return Unserved(req.Cmd), resultUnserved
	}
	defer func() {
		if v := recover(); v != nil {
			k.srv.o.Logger.Error("sdk command handler panicked", "proto_id", req.Cmd, "key_id", k.keyID, "panic", fmt.Sprint(v))
			body, result = sdkcall.Failed(fmt.Sprintf("futugw failed to answer proto %d", req.Cmd), 0), resultRefused
		}
	}()
	ctx, cancel := context.WithTimeout(k.bearer(k.ctx), k.srv.o.CallTimeout)
	defer cancel()
	body = h(ctx, k.srv.o.Conns, sdkcall.Request{ProtoID: req.Cmd, Serial: uint32(req.Section), Body: req.Body, Socket: k.peer})
	if retType(body) != sdkcall.RetSucceed {
		return body, resultRefused
	}
	return body, resultOK
}

// retType reads an official Response's retType (field 1), -400 (the official
// default) when it has none.
func retType(b []byte) int32 {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			break
		}
		b = b[n:]
		if num == 1 && typ == protowire.VarintType {
			v, _ := protowire.ConsumeVarint(b)
			return int32(v)
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			break
		}
		b = b[m:]
	}
	return -400
}

func (k *socket) bearer(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+*k.key.Load())
}

// schedule plans the session key's refresh at three quarters of its remaining life.
func (k *socket) schedule(exp time.Time) {
	if exp.IsZero() {
		return
	}
	d := max(time.Until(exp)*3/4, 0)
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.stopped {
		k.timer = time.AfterFunc(d, k.refresh)
	}
}

// refresh rotates the session key (AuthService.RefreshSession) and moves the socket
// to the new one. A key whose successor would not live longer (its parent expires,
// or the session reached its lifetime) is left to expire, which closes the socket;
// a failed refresh is tried again while there is time.
func (k *socket) refresh() {
	k.mu.Lock()
	if k.stopped {
		k.mu.Unlock()
		return
	}
	k.wg.Add(1)
	k.mu.Unlock()
	defer k.wg.Done()

	old := k.peer.Expires()
	ctx, cancel := context.WithTimeout(k.bearer(k.ctx), refreshTimeout)
	defer cancel()
	resp, err := gatewayv1.NewAuthServiceClient(k.srv.o.Conns.Auth).RefreshSession(ctx, &gatewayv1.RefreshSessionRequest{})
	var p *authn.Principal
	if err == nil {
		vctx, vcancel := context.WithTimeout(k.ctx, refreshTimeout) // without the old key as bearer
		p, err = k.srv.o.Cache.Validate(vctx, resp.GetKey(), authn.CallInfo{Method: "SDK RefreshSession"})
		vcancel()
	}
	if err != nil {
		if k.ctx.Err() == nil {
			k.srv.o.Logger.Warn("sdk session key refresh failed", "key_id", k.keyID, obs.Err(err))
			if left := time.Until(old); left > 2*time.Second {
				k.schedule(time.Now().Add(min(left/2, time.Minute) * 4 / 3))
			}
		}
		return
	}
	key := resp.GetKey()
	k.key.Store(&key)
	k.peer.Rekey(key, p)
	if p.ExpiresAt.After(old) {
		k.schedule(p.ExpiresAt)
	}
}

// closed runs once the hub has closed and dropped the socket: the session key
// minted for it unsubscribes everything and logs out, as OpenD drops a closed
// connection's subscriptions.
func (k *socket) closed() {
	k.srv.bg.Go(func() {
		ctx, cancel := context.WithTimeout(k.bearer(context.Background()), refreshTimeout)
		defer cancel()
		_, _ = gatewayv1.NewQuoteServiceClient(k.srv.o.Conns.Quote).Unsubscribe(ctx, &gatewayv1.UnsubscribeRequest{UnsubscribeAll: true})
		_, _ = gatewayv1.NewAuthServiceClient(k.srv.o.Conns.Auth).Logout(ctx, &gatewayv1.LogoutRequest{})
	})
}
