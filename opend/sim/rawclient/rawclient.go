// Package rawclient is a minimal OpenD client for testing the simulator over
// real TCP: InitConnect, request/response by serial, and a push channel. It is
// built directly on package frame, independent of opend/client, so simulator
// tests do not rely on the production client they help to check.
package rawclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"

	"github.com/futugw/gateway/api/gen/go/futu/opend/initconnect"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/frame"
	"github.com/futugw/gateway/opend/protoid"
	"google.golang.org/protobuf/proto"
)

// ErrClosed is returned by calls on a closed client.
var ErrClosed = errors.New("rawclient: closed")

// Client is one OpenD connection. Its reader goroutine stops on Close.
type Client struct {
	conn   net.Conn
	serial atomic.Uint32
	wmu    sync.Mutex

	mu      sync.Mutex
	pending map[uint32]chan frame.Frame
	pushes  chan frame.Frame

	done chan struct{}
	wg   sync.WaitGroup
	// ConnID and KeepAlive come from the InitConnect response.
	ConnID uint64
}

// Options tunes Dial.
type Options struct {
	RecvNotify bool
	PushBuffer int // pushes kept unread before new ones are dropped; 0 = 65536
}

// Dial connects and performs InitConnect.
func Dial(ctx context.Context, addr string, opts Options) (*Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if opts.PushBuffer <= 0 {
		opts.PushBuffer = 65536
	}
	c := &Client{
		conn:    conn,
		pending: make(map[uint32]chan frame.Frame),
		pushes:  make(chan frame.Frame, opts.PushBuffer),
		done:    make(chan struct{}),
	}
	c.wg.Go(c.readLoop)
	var resp initconnect.Response
	st, err := c.Call(ctx, protoid.InitConnect, &initconnect.Request{C2S: &initconnect.C2S{
		ClientVer:           proto.Int32(100),
		ClientID:            proto.String("rawclient"),
		RecvNotify:          proto.Bool(opts.RecvNotify),
		PacketEncAlgo:       proto.Int32(-1),
		PushProtoFmt:        proto.Int32(0),
		ProgrammingLanguage: proto.String("Go"),
	}}, &resp)
	if err == nil && !st.OK() {
		err = fmt.Errorf("InitConnect failed: %d %s", st.RetType, st.RetMsg)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	c.ConnID = resp.GetS2C().GetConnID()
	return c, nil
}

func (c *Client) readLoop() {
	defer close(c.done)
	r := frame.NewReader(c.conn, 0)
	for {
		f, err := r.Next()
		if err != nil {
			return
		}
		c.mu.Lock()
		ch, ok := c.pending[f.Serial]
		delete(c.pending, f.Serial)
		c.mu.Unlock()
		if ok && f.Serial != 0 {
			ch <- f
			continue
		}
		select {
		case c.pushes <- f:
		default: // a full buffer drops the push: tests read what they wait for
		}
	}
}

// Send writes one raw frame with the next serial and returns the serial.
func (c *Client) Send(protoID uint32, body []byte) (uint32, chan frame.Frame, error) {
	serial := c.serial.Add(1)
	ch := make(chan frame.Frame, 1)
	c.mu.Lock()
	c.pending[serial] = ch
	c.mu.Unlock()
	c.wmu.Lock()
	_, err := c.conn.Write(frame.Append(nil, protoID, serial, body))
	c.wmu.Unlock()
	return serial, ch, err
}

// CallRaw sends body as a request and returns the response frame.
func (c *Client) CallRaw(ctx context.Context, protoID uint32, body []byte) (frame.Frame, error) {
	serial, ch, err := c.Send(protoID, body)
	if err != nil {
		return frame.Frame{}, err
	}
	select {
	case f := <-ch:
		return f, nil
	case <-c.done:
		return frame.Frame{}, ErrClosed
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.pending, serial)
		c.mu.Unlock()
		return frame.Frame{}, ctx.Err()
	}
}

// Call sends req and decodes a successful response into resp. A failed
// response is returned as its status with a nil error.
func (c *Client) Call(ctx context.Context, protoID uint32, req, resp proto.Message) (envelope.Status, error) {
	body, err := proto.Marshal(req)
	if err != nil {
		return envelope.Status{}, err
	}
	f, err := c.CallRaw(ctx, protoID, body)
	if err != nil {
		return envelope.Status{}, err
	}
	st, err := envelope.Parse(f.Body)
	if err != nil || !st.OK() {
		return st, err
	}
	return st, proto.Unmarshal(f.Body, resp)
}

// Pushes delivers push frames in arrival order.
func (c *Client) Pushes() <-chan frame.Frame { return c.pushes }

// NextPush waits for the next push with protoID, discarding others.
func (c *Client) NextPush(ctx context.Context, protoID uint32) (frame.Frame, error) {
	for {
		select {
		case f := <-c.pushes:
			if f.ProtoID == protoID {
				return f, nil
			}
		case <-c.done:
			return frame.Frame{}, ErrClosed
		case <-ctx.Done():
			return frame.Frame{}, ctx.Err()
		}
	}
}

// Done is closed when the connection ends.
func (c *Client) Done() <-chan struct{} { return c.done }

// Close closes the socket and waits for the reader.
func (c *Client) Close() error {
	err := c.conn.Close()
	c.wg.Wait()
	return err
}
