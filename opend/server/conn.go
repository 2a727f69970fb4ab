package server

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/initconnect"
	"github.com/futugw/gateway/api/gen/go/futu/opend/keepalive"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/frame"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/obs"
	"google.golang.org/protobuf/proto"
)

// Errors from Conn's push methods.
var (
	// ErrConnClosed: the connection is closed or closing.
	ErrConnClosed = errors.New("opend server: connection closed")
	// ErrSlowConsumer: the outbound queue was full; the connection has been
	// closed.
	ErrSlowConsumer = errors.New("opend server: outbound queue full, connection closed")
)

// writeBatch is the most frames one writev carries.
const writeBatch = 64

// Conn is one client connection. Its methods are safe for concurrent use.
type Conn struct {
	s      *Server
	rwc    net.Conn
	id     uint64
	remote string

	ctx    context.Context
	cancel context.CancelFunc

	out        chan []byte
	closed     chan struct{} // closed by abort
	closeOnce  sync.Once
	reason     string        // why abort was called; written once under closeOnce
	drain      chan struct{} // closed when no more responses will be queued: flush and stop
	writerDone chan struct{}
	handlers   sync.WaitGroup
	sem        chan struct{} // Concurrency > 1 only

	wbuf net.Buffers // writeLoop's writev vector, a field so it does not escape per write

	stopping atomic.Bool // graceful shutdown: stop reading
	init     atomic.Pointer[initconnect.C2S]
}

func newConn(s *Server, rwc net.Conn, id uint64) *Conn {
	ctx, cancel := context.WithCancel(context.Background())
	c := &Conn{
		s:          s,
		rwc:        rwc,
		id:         id,
		remote:     rwc.RemoteAddr().String(),
		ctx:        ctx,
		cancel:     cancel,
		out:        make(chan []byte, s.cfg.SendQueue),
		closed:     make(chan struct{}),
		drain:      make(chan struct{}),
		writerDone: make(chan struct{}),
	}
	if s.cfg.Concurrency > 1 {
		c.sem = make(chan struct{}, s.cfg.Concurrency)
	}
	return c
}

// ID is the connID given to the client by InitConnect (and used in PacketID).
func (c *Conn) ID() uint64 { return c.id }

// RemoteAddr is the client's address.
func (c *Conn) RemoteAddr() net.Addr { return c.rwc.RemoteAddr() }

// Context is cancelled when the connection closes.
func (c *Conn) Context() context.Context { return c.ctx }

// ClientInfo is the InitConnect request's C2S, or nil before InitConnect.
// Callers must not modify it.
func (c *Conn) ClientInfo() *initconnect.C2S { return c.init.Load() }

// Close closes the connection at once, dropping queued frames.
func (c *Conn) Close() error {
	c.abort("closed by server")
	return nil
}

// Push queues a push frame (serial 0) carrying msg, a complete Response
// message. It never blocks: a full queue closes the connection and returns
// ErrSlowConsumer.
func (c *Conn) Push(protoID uint32, msg proto.Message) error {
	pkt, err := EncodePush(protoID, msg)
	if err != nil {
		return err
	}
	return c.enqueue(pkt)
}

// PushBody is Push with an already encoded Response body.
func (c *Conn) PushBody(protoID uint32, body []byte) error {
	return c.enqueue(frame.Append(make([]byte, 0, frame.HeaderLen+len(body)), protoID, 0, body))
}

// PushFrame queues a complete packet made by EncodePush. The same packet may
// be pushed to many connections (encode once, fan out); nobody may modify it
// afterwards.
func (c *Conn) PushFrame(pkt []byte) error { return c.enqueue(pkt) }

// EncodePush encodes msg as a push packet (serial 0) for PushFrame.
func EncodePush(protoID uint32, msg proto.Message) ([]byte, error) {
	return encode(protoID, 0, msg)
}

// encode marshals msg after a reserved header, then fills the header in:
// one allocation per packet.
func encode(protoID, serial uint32, msg proto.Message) ([]byte, error) {
	buf := make([]byte, frame.HeaderLen, frame.HeaderLen+proto.Size(msg))
	buf, err := proto.MarshalOptions{}.MarshalAppend(buf, msg)
	if err != nil {
		return nil, fmt.Errorf("opend server: encoding proto %d: %w", protoID, err)
	}
	body := buf[frame.HeaderLen:]
	frame.AppendHeader(buf[:0], frame.Header{
		ProtoID: protoID,
		Serial:  serial,
		BodyLen: uint32(len(body)),
		SHA1:    sha1.Sum(body),
	})
	return buf, nil
}

func (c *Conn) enqueue(pkt []byte) error {
	select {
	case <-c.closed:
		return ErrConnClosed
	case <-c.writerDone:
		return ErrConnClosed
	default:
	}
	select {
	case c.out <- pkt:
		return nil
	default:
	}
	c.s.log.Warn("opend server: outbound queue full, closing slow connection",
		"conn_id", c.id, "remote", c.remote, "queue", cap(c.out))
	c.abort("slow consumer")
	return ErrSlowConsumer
}

// abort closes the socket at once and cancels the handlers' context; the
// first reason wins.
func (c *Conn) abort(reason string) {
	c.closeOnce.Do(func() {
		c.reason = reason
		close(c.closed)
		c.rwc.Close()
		c.cancel()
	})
}

// stopReading starts a graceful close: the reader stops, handlers finish,
// queued frames are flushed.
func (c *Conn) stopReading() {
	c.stopping.Store(true)
	c.rwc.SetReadDeadline(time.Now())
}

func (c *Conn) serve() {
	defer c.s.wg.Done()
	go c.writeLoop()

	reason, err := c.readLoop()
	graceful := reason == "shutdown"
	if !graceful {
		c.cancel() // the client is gone: tell running handlers
	}
	c.handlers.Wait()
	close(c.drain)
	<-c.writerDone
	c.abort(reason)
	c.s.removeConn(c)

	attrs := []any{"conn_id", c.id, "remote", c.remote, "reason", c.reason}
	if err != nil {
		attrs = append(attrs, obs.Err(err))
	}
	switch c.reason {
	case "bad frame":
		c.s.log.Warn("opend server: bad frame, connection closed", attrs...)
	case "read error":
		c.s.log.Warn("opend server: connection closed", attrs...)
	default:
		c.s.log.Info("opend server: connection closed", attrs...)
	}
	if c.s.cfg.OnClose != nil {
		c.hook("OnClose", c.s.cfg.OnClose)
	}
}

// hook runs a Config hook; a panic in it is logged, not fatal.
func (c *Conn) hook(name string, fn func(*Conn)) {
	defer func() {
		if r := recover(); r != nil {
			c.s.log.Error("opend server: hook panicked", "hook", name, "conn_id", c.id,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	fn(c)
}

// readLoop reads and dispatches requests until the connection ends, and says
// why it ended.
func (c *Conn) readLoop() (reason string, err error) {
	r := frame.NewReader(c.rwc, c.s.cfg.MaxBody)
	for {
		c.rwc.SetReadDeadline(time.Now().Add(c.s.cfg.IdleTimeout))
		if c.stopping.Load() {
			return "shutdown", nil
		}
		f, err := r.Next()
		if err != nil {
			select {
			case <-c.closed:
				return c.reason, nil // aborted: slow consumer, write error, Close
			default:
			}
			var ne net.Error
			switch {
			case errors.Is(err, io.EOF):
				return "client closed", nil
			case errors.Is(err, frame.ErrBadFlag), errors.Is(err, frame.ErrChecksum),
				errors.Is(err, frame.ErrTooLarge), errors.Is(err, frame.ErrTruncated):
				return "bad frame", err
			case errors.As(err, &ne) && ne.Timeout():
				if c.stopping.Load() {
					return "shutdown", nil
				}
				return "idle timeout", nil
			default:
				return "read error", err
			}
		}
		c.dispatch(f)
	}
}

func (c *Conn) dispatch(f frame.Frame) {
	req := Request{ProtoID: f.ProtoID, Serial: f.Serial, Body: f.Body}
	switch {
	case f.Fmt != frame.FmtProtobuf:
		c.replyStatus(req, envelope.Status{RetType: envelope.RetInvalid,
			RetMsg: fmt.Sprintf("unsupported body format %d: only protobuf (0) is served", f.Fmt)})
	case f.ProtoID == protoid.InitConnect:
		c.initConnect(req)
	case c.init.Load() == nil:
		c.replyStatus(req, envelope.Status{RetType: envelope.RetFailed,
			RetMsg: fmt.Sprintf("proto id %d before InitConnect: InitConnect (%d) must be the first request", f.ProtoID, protoid.InitConnect)})
	case f.ProtoID == protoid.KeepAlive:
		c.keepAlive(req)
	default:
		h := c.s.handler(f.ProtoID)
		if h == nil {
			c.replyStatus(req, envelope.Status{RetType: envelope.RetFailed,
				RetMsg: fmt.Sprintf("unsupported proto id %d", f.ProtoID)})
			return
		}
		if c.sem == nil {
			c.run(h, req)
			return
		}
		select {
		case c.sem <- struct{}{}:
		case <-c.closed:
			return
		}
		c.handlers.Add(1)
		go func() {
			defer c.handlers.Done()
			defer func() { <-c.sem }()
			c.run(h, req)
		}()
	}
}

func (c *Conn) run(h Handler, req Request) {
	if admit := c.s.cfg.Admit; admit != nil {
		if err := admit(c, req); err != nil {
			c.replyErr(req, err)
			return
		}
	}
	msg, err := c.call(h, req)
	if err != nil {
		c.replyErr(req, err)
		return
	}
	if msg == nil {
		c.replyStatus(req, envelope.Status{RetType: envelope.RetUnknown,
			RetMsg: fmt.Sprintf("internal error: handler for proto id %d returned no response", req.ProtoID)})
		return
	}
	c.reply(req, msg)
}

// call runs h, turning a panic into an error response.
func (c *Conn) call(h Handler, req Request) (msg proto.Message, err error) {
	defer func() {
		if r := recover(); r != nil {
			c.s.log.Error("opend server: handler panicked", "proto_id", req.ProtoID, "serial", req.Serial,
				"conn_id", c.id, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			msg, err = nil, &envelope.Error{RetType: envelope.RetUnknown,
				RetMsg: fmt.Sprintf("internal error: handler for proto id %d panicked", req.ProtoID)}
		}
	}()
	return h(c.ctx, c, req)
}

func (c *Conn) reply(req Request, msg proto.Message) {
	pkt, err := encode(req.ProtoID, req.Serial, msg)
	if err != nil {
		c.s.log.Error("opend server: cannot encode response", "proto_id", req.ProtoID, "conn_id", c.id, obs.Err(err))
		c.replyStatus(req, envelope.Status{RetType: envelope.RetUnknown,
			RetMsg: "internal error: " + err.Error()})
		return
	}
	c.enqueue(pkt)
}

func (c *Conn) replyErr(req Request, err error) {
	var e *envelope.Error
	if errors.As(err, &e) {
		c.replyStatus(req, envelope.Status{RetType: e.RetType, RetMsg: e.RetMsg, ErrCode: e.ErrCode})
		return
	}
	c.replyStatus(req, envelope.Status{RetType: envelope.RetFailed, RetMsg: err.Error()})
}

func (c *Conn) replyStatus(req Request, s envelope.Status) {
	if s.RetType == envelope.RetSucceed {
		s.RetType = envelope.RetFailed // an error must never read as success
	}
	body := envelope.Encode(make([]byte, 0, 16+len(s.RetMsg)), s)
	c.enqueue(frame.Append(make([]byte, 0, frame.HeaderLen+len(body)), req.ProtoID, req.Serial, body))
}

func (c *Conn) initConnect(req Request) {
	var m initconnect.Request
	if err := proto.Unmarshal(req.Body, &m); err != nil {
		c.replyStatus(req, envelope.Status{RetType: envelope.RetInvalid, RetMsg: "InitConnect: bad request: " + err.Error()})
		return
	}
	if c.init.Load() != nil {
		c.replyStatus(req, envelope.Status{RetType: envelope.RetFailed, RetMsg: "InitConnect: already done on this connection"})
		return
	}
	var key [8]byte
	rand.Read(key[:])
	cfg := &c.s.cfg
	c.init.Store(m.GetC2S())
	c.reply(req, &initconnect.Response{
		RetType: proto.Int32(envelope.RetSucceed),
		S2C: &initconnect.S2C{
			ServerVer:         proto.Int32(cfg.ServerVer),
			LoginUserID:       proto.Uint64(cfg.LoginUserID),
			ConnID:            proto.Uint64(c.id),
			ConnAESKey:        proto.String(strings.ToUpper(hex.EncodeToString(key[:]))),
			KeepAliveInterval: proto.Int32(int32(cfg.KeepAliveInterval / time.Second)),
		},
	})
	c.s.log.Debug("opend server: InitConnect", "conn_id", c.id, "remote", c.remote,
		"client_id", m.GetC2S().GetClientID(), "client_ver", m.GetC2S().GetClientVer())
	if cfg.OnInit != nil {
		c.hook("OnInit", cfg.OnInit)
	}
}

func (c *Conn) keepAlive(req Request) {
	var m keepalive.Request
	if err := proto.Unmarshal(req.Body, &m); err != nil {
		c.replyStatus(req, envelope.Status{RetType: envelope.RetInvalid, RetMsg: "KeepAlive: bad request: " + err.Error()})
		return
	}
	c.reply(req, &keepalive.Response{
		RetType: proto.Int32(envelope.RetSucceed),
		S2C:     &keepalive.S2C{Time: proto.Int64(m.GetC2S().GetTime())},
	})
}

// writeLoop writes queued packets, several per writev, until the connection
// is aborted or drained.
func (c *Conn) writeLoop() {
	defer close(c.writerDone)
	batch := make([][]byte, 0, writeBatch)
	write := func() bool {
		c.rwc.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteTimeout))
		var err error
		if len(batch) == 1 {
			_, err = c.rwc.Write(batch[0])
		} else {
			c.wbuf = batch // WriteTo consumes its receiver
			_, err = c.wbuf.WriteTo(c.rwc)
		}
		clear(batch)
		batch = batch[:0]
		if err != nil {
			select {
			case <-c.closed:
			default:
				c.s.log.Warn("opend server: write failed, closing connection", "conn_id", c.id, "remote", c.remote, obs.Err(err))
			}
			c.abort("write error")
			return false
		}
		return true
	}
	for {
		select {
		case pkt := <-c.out:
			batch = append(batch, pkt)
		fill:
			for len(batch) < writeBatch {
				select {
				case pkt := <-c.out:
					batch = append(batch, pkt)
				default:
					break fill
				}
			}
			if !write() {
				return
			}
		case <-c.drain:
			for {
				select {
				case pkt := <-c.out:
					batch = append(batch, pkt)
					if len(batch) == writeBatch && !write() {
						return
					}
				default:
					if len(batch) > 0 {
						write()
					}
					return
				}
			}
		case <-c.closed:
			return
		}
	}
}
