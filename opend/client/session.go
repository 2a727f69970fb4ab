package client

import (
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/initconnect"
	"github.com/futugw/gateway/api/gen/go/futu/opend/keepalive"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/frame"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/obs"
	"google.golang.org/protobuf/proto"
)

// keepAliveMisses is how many keepalives in a row may fail before the
// connection is considered dead.
const keepAliveMisses = 3

// writeBatch is the most packets one writev carries.
const writeBatch = 64

// session is one TCP connection: a reader, a writer, a keepalive loop and
// the calls pending on it. It dies once (fail) and is never reused.
type session struct {
	c    *Conn
	nc   net.Conn
	info InitInfo // set before the session is installed, then read-only

	out  chan *packet
	wbuf net.Buffers   // writeLoop's writev vector, a field so it does not escape per write
	done chan struct{} // closed by fail
	once sync.Once
	err  error // why it died; read after <-done
	wg   sync.WaitGroup

	pmu     sync.Mutex
	pending map[uint32]*call // nil once dead
}

// call is one request waiting for its response.
type call struct {
	protoID uint32
	ch      chan result // buffered 1: whoever removes the call from pending sends exactly once
	// timer enforces CallTimeout for contexts without a deadline; pooled
	// with the call, so the common case allocates no context or timer.
	timer *time.Timer
}

type result struct {
	body []byte
	err  error
}

var callPool = sync.Pool{New: func() any {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &call{ch: make(chan result, 1), timer: t}
}}

// errCallTimeout is what a call that hit Config.CallTimeout wraps (together
// with context.DeadlineExceeded).
var errCallTimeout = errors.New("Config.CallTimeout")

// packet is an encoded frame on its way to the writer; pooled.
type packet struct{ b []byte }

const maxPooledPacket = 64 << 10

var packetPool = sync.Pool{New: func() any { return &packet{b: make([]byte, 0, 512)} }}

func getPacket() *packet { return packetPool.Get().(*packet) }

func putPacket(p *packet) {
	if cap(p.b) <= maxPooledPacket {
		p.b = p.b[:0]
		packetPool.Put(p)
	}
}

// connect dials, starts the session's reader and writer, and does
// InitConnect. The returned session is live but not installed.
func (c *Conn) connect(ctx context.Context) (*session, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
	defer cancel()
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", c.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("opend client: dial %s: %w", c.cfg.Addr, err)
	}
	s := &session{
		c:       c,
		nc:      nc,
		out:     make(chan *packet, c.cfg.SendQueue),
		done:    make(chan struct{}),
		pending: make(map[uint32]*call),
	}
	s.wg.Add(2)
	go s.readLoop()
	go s.writeLoop()

	req := &initconnect.Request{C2S: &initconnect.C2S{
		ClientVer:           proto.Int32(c.cfg.ClientVer),
		ClientID:            proto.String(c.cfg.ClientID),
		RecvNotify:          proto.Bool(c.cfg.RecvNotify),
		PacketEncAlgo:       proto.Int32(-1), // PacketEncAlgo_None
		PushProtoFmt:        proto.Int32(0),  // ProtoFmt_Protobuf
		ProgrammingLanguage: proto.String(c.cfg.ProgrammingLanguage),
	}}
	var resp initconnect.Response
	if err := s.call(ctx, protoid.InitConnect, req, &resp); err != nil {
		s.fail(err)
		s.wait()
		return nil, fmt.Errorf("opend client: InitConnect with %s: %w", c.cfg.Addr, err)
	}
	s2c := resp.GetS2C()
	s.info = InitInfo{
		ServerVer:         s2c.GetServerVer(),
		LoginUserID:       s2c.GetLoginUserID(),
		ConnID:            s2c.GetConnID(),
		ConnAESKey:        s2c.GetConnAESKey(),
		KeepAliveInterval: time.Duration(s2c.GetKeepAliveInterval()) * time.Second,
	}
	s.info.KeepAliveInterval = config.OrDefault(s.info.KeepAliveInterval, 10*time.Second)
	s.wg.Add(1)
	go s.keepAlive()
	c.log.Debug("opend client: connected", "addr", c.cfg.Addr, "conn_id", s.info.ConnID,
		"server_ver", s.info.ServerVer, "keepalive", s.info.KeepAliveInterval)
	return s, nil
}

// fail kills the session once: closes the socket and fails every pending
// call with an error wrapping ErrNotConnected (or ErrClosed) and err.
func (s *session) fail(err error) {
	s.once.Do(func() {
		s.err = err
		close(s.done)
		s.nc.Close()
		s.pmu.Lock()
		pending := s.pending
		s.pending = nil
		s.pmu.Unlock()
		callErr := s.deadErr()
		for _, cl := range pending {
			cl.ch <- result{err: callErr}
		}
	})
}

// deadErr is the error for calls on a dead session.
func (s *session) deadErr() error {
	if errors.Is(s.err, ErrClosed) {
		return ErrClosed
	}
	return fmt.Errorf("%w: %w", ErrNotConnected, s.err)
}

// wait waits for the session's goroutines; only after fail.
func (s *session) wait() { s.wg.Wait() }

func (s *session) pendingLen() int {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	return len(s.pending)
}

// call marshals req straight into a packet and runs a round trip.
func (s *session) call(ctx context.Context, protoID uint32, req, resp proto.Message) error {
	pkt := getPacket()
	b, err := proto.MarshalOptions{}.MarshalAppend(pkt.b[:frame.HeaderLen], req)
	if err != nil {
		putPacket(pkt)
		return fmt.Errorf("opend client: encoding proto %d request: %w", protoID, err)
	}
	pkt.b = b
	body, err := s.roundTrip(ctx, protoID, pkt)
	if err != nil || resp == nil {
		return err
	}
	if err := proto.Unmarshal(body, resp); err != nil {
		return fmt.Errorf("opend client: decoding proto %d response: %w", protoID, err)
	}
	return nil
}

// roundTrip sends pkt (a reserved header followed by the plaintext body)
// and waits for the matching response. It takes ownership of pkt.
func (s *session) roundTrip(ctx context.Context, protoID uint32, pkt *packet) ([]byte, error) {
	serial := s.c.nextSerial()
	if err := s.seal(pkt, protoID, serial); err != nil {
		putPacket(pkt)
		return nil, err
	}
	cl := callPool.Get().(*call)
	cl.protoID = protoID
	var timeout <-chan time.Time
	if _, ok := ctx.Deadline(); !ok && s.c.cfg.CallTimeout > 0 {
		cl.timer.Reset(s.c.cfg.CallTimeout)
		timeout = cl.timer.C
	}
	s.pmu.Lock()
	if s.pending == nil {
		s.pmu.Unlock()
		s.release(cl)
		putPacket(pkt)
		<-s.done // pending is nil only after fail set err
		return nil, s.deadErr()
	}
	s.pending[serial] = cl
	s.pmu.Unlock()

	select {
	case s.out <- pkt: // the writer owns pkt now
	case <-ctx.Done():
		putPacket(pkt)
		s.abandon(serial, cl)
		return nil, fmt.Errorf("opend client: proto %d serial %d: %w", protoID, serial, ctx.Err())
	case <-timeout:
		putPacket(pkt)
		s.abandon(serial, cl)
		return nil, fmt.Errorf("opend client: proto %d serial %d: %w: %w", protoID, serial, errCallTimeout, context.DeadlineExceeded)
	case <-s.done:
		putPacket(pkt)
		r := <-cl.ch // fail sends to every call it took from pending, ours included
		s.release(cl)
		return nil, r.err
	}
	select {
	case r := <-cl.ch:
		s.release(cl)
		if r.err != nil {
			return nil, r.err
		}
		st, err := envelope.Parse(r.body)
		if err != nil {
			return nil, fmt.Errorf("opend client: proto %d serial %d: %w", protoID, serial, err)
		}
		return r.body, st.Err(protoID)
	case <-ctx.Done():
		s.abandon(serial, cl)
		return nil, fmt.Errorf("opend client: proto %d serial %d: %w", protoID, serial, ctx.Err())
	case <-timeout:
		s.abandon(serial, cl)
		return nil, fmt.Errorf("opend client: proto %d serial %d: %w: %w", protoID, serial, errCallTimeout, context.DeadlineExceeded)
	}
}

func (s *session) release(cl *call) {
	cl.timer.Stop() // since Go 1.23 a stopped timer's channel holds no stale value
	callPool.Put(cl)
}

// abandon removes a call whose caller gave up. If the reader or fail took it
// out of pending first, their result is in flight: take it, so the call can
// be reused.
func (s *session) abandon(serial uint32, cl *call) {
	s.pmu.Lock()
	mine := s.pending != nil && s.pending[serial] == cl
	if mine {
		delete(s.pending, serial)
	}
	s.pmu.Unlock()
	if !mine {
		<-cl.ch
	}
	s.release(cl)
}

// seal fills in the reserved header (and applies the body transform).
func (s *session) seal(pkt *packet, protoID, serial uint32) error {
	plain := pkt.b[frame.HeaderLen:]
	h := frame.Header{ProtoID: protoID, Serial: serial, SHA1: sha1.Sum(plain)}
	tr := s.c.cfg.Transform
	if tr == nil {
		h.BodyLen = uint32(len(plain))
		frame.AppendHeader(pkt.b[:0], h)
		return nil
	}
	wire, err := tr.Seal(protoID, plain)
	if err != nil {
		return fmt.Errorf("opend client: sealing proto %d: %w", protoID, err)
	}
	h.BodyLen = uint32(len(wire))
	b := frame.AppendHeader(make([]byte, 0, frame.HeaderLen+len(wire)), h)
	pkt.b = append(b, wire...)
	return nil
}

func (s *session) readLoop() {
	defer s.wg.Done()
	tr := s.c.cfg.Transform
	r := frame.NewReader(s.nc, s.c.cfg.MaxBody)
	r.SkipVerify = tr != nil
	for {
		f, err := r.Next()
		if err != nil {
			s.fail(fmt.Errorf("read: %w", err))
			return
		}
		if tr != nil {
			plain, err := tr.Open(f.ProtoID, f.Body)
			if err != nil {
				s.fail(fmt.Errorf("opening proto %d: %w", f.ProtoID, err))
				return
			}
			if sha1.Sum(plain) != f.SHA1 {
				s.fail(fmt.Errorf("%w: proto %d serial %d after decryption", frame.ErrChecksum, f.ProtoID, f.Serial))
				return
			}
			f.Body = plain
		}
		s.pmu.Lock()
		cl := s.pending[f.Serial]
		if cl != nil && cl.protoID == f.ProtoID {
			delete(s.pending, f.Serial)
		} else {
			cl = nil
		}
		s.pmu.Unlock()
		if cl != nil {
			cl.ch <- result{body: f.Body}
			continue
		}
		if s.c.handler(f.ProtoID) != nil {
			if !s.c.enqueuePush(s, pushMsg{protoID: f.ProtoID, body: f.Body}) {
				s.fail(ErrPushOverflow)
				return
			}
			continue
		}
		s.c.log.Debug("opend client: dropping frame with no pending call or push handler",
			"proto_id", f.ProtoID, "serial", f.Serial)
	}
}

func (s *session) writeLoop() {
	defer s.wg.Done()
	batch := make([]*packet, 0, writeBatch)
	vec := make(net.Buffers, 0, writeBatch)
	for {
		select {
		case p := <-s.out:
			batch = append(batch, p)
		case <-s.done:
			return
		}
	fill:
		for len(batch) < writeBatch {
			select {
			case p := <-s.out:
				batch = append(batch, p)
			default:
				break fill
			}
		}
		s.nc.SetWriteDeadline(time.Now().Add(s.c.cfg.WriteTimeout))
		var err error
		if len(batch) == 1 {
			_, err = s.nc.Write(batch[0].b)
		} else {
			for _, p := range batch {
				vec = append(vec, p.b)
			}
			s.wbuf = vec // WriteTo consumes its receiver
			_, err = s.wbuf.WriteTo(s.nc)
			clear(vec)
			vec = vec[:0]
		}
		for i, p := range batch {
			putPacket(p)
			batch[i] = nil
		}
		batch = batch[:0]
		if err != nil {
			s.fail(fmt.Errorf("write: %w", err))
			return
		}
	}
}

func (s *session) keepAlive() {
	defer s.wg.Done()
	iv := s.info.KeepAliveInterval
	t := time.NewTicker(iv)
	defer t.Stop()
	misses := 0
	for {
		select {
		case <-t.C:
		case <-s.done:
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), iv)
		err := s.call(ctx, protoid.KeepAlive, &keepalive.Request{C2S: &keepalive.C2S{Time: proto.Int64(time.Now().Unix())}}, nil)
		cancel()
		if err == nil {
			misses = 0
			continue
		}
		select {
		case <-s.done:
			return
		default:
		}
		misses++
		s.c.log.Warn("opend client: keepalive failed", "addr", s.c.cfg.Addr, "conn_id", s.info.ConnID, "misses", misses, obs.Err(err))
		if misses >= keepAliveMisses {
			s.fail(fmt.Errorf("%d keepalives in a row failed: %w", misses, err))
			return
		}
	}
}
