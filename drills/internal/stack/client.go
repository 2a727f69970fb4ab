package stack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/futugw/gateway/opend/protoid"
)

var httpClient = &http.Client{Timeout: 15 * time.Second}

// Call sends one request with an optional bearer key and JSON body, and returns the
// status (0 when no answer came) and the decoded JSON body (or {"raw": text}).
// hdr holds extra header name/value pairs.
func Call(t testing.TB, method, url, key, body string, hdr ...string) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, map[string]any{"transport_error": err.Error()}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	if json.Unmarshal(b, &out) != nil {
		out = map[string]any{"raw": string(b)}
	}
	return resp.StatusCode, out
}

// OrderBody is a simulated HK market buy of 100 00700 on account 1001.
const OrderBody = `{"trd_env":"TRD_ENV_SIMULATE","acc_id":"1001","trd_market":"TRD_MARKET_HK","code":"00700",` +
	`"trd_side":"TRD_SIDE_BUY","order_type":"ORDER_TYPE_MARKET","qty":100}`

// SubscribeBody subscribes HK.00700 basic quotes.
const SubscribeBody = `{"security_list":[{"market":1,"code":"00700"}],"sub_type_list":[1]}`

// Frame is one WebSocket frame from the edge.
type Frame struct {
	Type    string `json:"type"`
	Event   string `json:"event"`
	Message string `json:"message"`
	SecKey  string `json:"sec_key"`
	ProtoID uint32 `json:"proto_id"`
	At      time.Time
}

// Socket is a WebSocket client that records every frame it receives and how it
// closed; it reads continuously so the edge never sees a slow consumer.
type Socket struct {
	c      *websocket.Conn
	cancel context.CancelFunc

	mu       sync.Mutex
	frames   []Frame
	changed  chan struct{}
	closed   bool
	closeErr error
}

// Dial opens ws(s)://.../ws carrying key in the subprotocol header, the way the panel
// does (new WebSocket(url, ['bearer', key])); origin, when set, is sent as Origin.
func Dial(t testing.TB, wsURL, key, origin string) (*Socket, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts := &websocket.DialOptions{Subprotocols: []string{"bearer", key}}
	if origin != "" {
		opts.HTTPHeader = http.Header{"Origin": {origin}}
	}
	c, _, err := websocket.Dial(ctx, wsURL, opts)
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(1 << 20)
	rctx, rcancel := context.WithCancel(context.Background())
	s := &Socket{c: c, cancel: rcancel, changed: make(chan struct{})}
	done := make(chan struct{})
	go s.read(rctx, done)
	t.Cleanup(func() {
		rcancel()
		_ = c.CloseNow()
		<-done
	})
	return s, nil
}

// MustDial is Dial failing the test on error.
func MustDial(t testing.TB, wsURL, key, origin string) *Socket {
	t.Helper()
	s, err := Dial(t, wsURL, key, origin)
	if err != nil {
		t.Fatalf("dial %s: %v", wsURL, err)
	}
	return s
}

func (s *Socket) read(ctx context.Context, done chan struct{}) {
	defer close(done)
	for {
		_, b, err := s.c.Read(ctx)
		s.mu.Lock()
		if err != nil {
			s.closed, s.closeErr = true, err
		} else {
			var f Frame
			_ = json.Unmarshal(b, &f)
			f.At = time.Now()
			s.frames = append(s.frames, f)
		}
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// Mark returns the number of frames received so far, to wait for frames after it.
func (s *Socket) Mark() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.frames)
}

// WaitFrame waits up to d for a frame at index >= from matching match; it returns
// the frame and true, or false when the deadline passed or the socket closed.
func (s *Socket) WaitFrame(from int, d time.Duration, match func(Frame) bool) (f Frame, ok bool) {
	s.waitFor(d, func() bool {
		for ; from < len(s.frames); from++ {
			if match(s.frames[from]) {
				f, ok = s.frames[from], true
				return true
			}
		}
		return s.closed
	})
	return f, ok
}

// waitFor waits up to d for cond, which runs under s.mu, to hold; it reports whether
// it did.
func (s *Socket) waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		done, changed := cond(), s.changed
		s.mu.Unlock()
		if done {
			return true
		}
		select {
		case <-changed:
		case <-deadline.C:
			return false
		}
	}
}

// IsQuote matches a 3005 quote frame of secKey.
func IsQuote(secKey string) func(Frame) bool {
	return func(f Frame) bool {
		return f.Type == "quote" && f.ProtoID == protoid.QotUpdateBasicQot && f.SecKey == secKey
	}
}

// IsNotify matches a notify frame of event.
func IsNotify(event string) func(Frame) bool {
	return func(f Frame) bool { return f.Type == "notify" && f.Event == event }
}

// Frames returns a copy of the frames received so far.
func (s *Socket) Frames() []Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Frame(nil), s.frames...)
}

// WaitClosed waits up to d for the socket to close and returns the close status (-1
// when the connection ended without a close frame) and whether it closed at all.
func (s *Socket) WaitClosed(d time.Duration) (websocket.StatusCode, bool) {
	var err error
	if !s.waitFor(d, func() bool { err = s.closeErr; return s.closed }) {
		return 0, false
	}
	return websocket.CloseStatus(err), true
}
