package trade

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdsubaccpush"
	"github.com/futugw/gateway/platform/obs"
)

// Subscriber is a connection that receives order and fill pushes;
// *server.Conn implements it. Push must not block.
type Subscriber interface {
	ID() uint64
	Push(protoID uint32, msg proto.Message) error
}

// subscription is one connection's Trd_SubAccPush account set.
type subscription struct {
	conn Subscriber
	accs map[uint64]bool
	stop func() bool // cancels the drop-on-close watcher, if any
}

// event is a push produced by a state change, addressed to an account.
type event struct {
	accID   uint64
	protoID uint32
	msg     proto.Message
}

// delivery is an event bound to its receivers.
type delivery struct {
	protoID uint32
	msg     proto.Message
	to      []Subscriber
}

// subAccPush replaces conn's subscribed accounts (Trd_SubAccPush 2008); an
// empty list unsubscribes. When connCtx is not nil, the subscription is
// dropped once it is done (the connection closed).
func (e *Engine) subAccPush(conn Subscriber, connCtx context.Context, c2s *trdsubaccpush.C2S) (*trdsubaccpush.S2C, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ids := c2s.GetAccIDList()
	for _, id := range ids {
		if _, ok := e.accounts[id]; !ok {
			return nil, refuse(codeAccount, "unknown account id %d", id)
		}
	}
	old := e.subs[conn.ID()]
	if len(ids) == 0 {
		e.dropLocked(conn)
		return &trdsubaccpush.S2C{}, nil
	}
	s := &subscription{conn: conn, accs: make(map[uint64]bool, len(ids))}
	for _, id := range ids {
		s.accs[id] = true
	}
	if old != nil && old.conn == conn {
		s.stop = old.stop
	}
	if s.stop == nil && connCtx != nil {
		s.stop = context.AfterFunc(connCtx, func() { e.DropConn(conn) })
	}
	e.subs[conn.ID()] = s
	return &trdsubaccpush.S2C{}, nil
}

// DropConn forgets conn's subscriptions. Register's handlers drop them
// automatically when the connection closes; calling it again is harmless.
func (e *Engine) DropConn(conn Subscriber) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dropLocked(conn)
}

func (e *Engine) dropLocked(conn Subscriber) {
	s, ok := e.subs[conn.ID()]
	if !ok || s.conn != conn {
		return
	}
	if s.stop != nil {
		s.stop()
	}
	delete(e.subs, conn.ID())
}

// unlockAndPush releases mu and delivers evs to the connections subscribed to
// their accounts at the time of the change. Callers hold mu.
func (e *Engine) unlockAndPush(evs []event) {
	if len(evs) == 0 {
		e.mu.Unlock()
		return
	}
	ds := make([]delivery, 0, len(evs))
	for _, ev := range evs {
		d := delivery{protoID: ev.protoID, msg: ev.msg}
		for _, s := range e.subs {
			if s.accs[ev.accID] {
				d.to = append(d.to, s.conn)
			}
		}
		if len(d.to) > 0 {
			ds = append(ds, d)
		}
	}
	e.pushMu.Lock()
	e.mu.Unlock()
	defer e.pushMu.Unlock()
	for _, d := range ds {
		for _, c := range d.to {
			if err := c.Push(d.protoID, d.msg); err != nil {
				e.log.Debug("push dropped", "conn", c.ID(), "proto", d.protoID, obs.Err(err))
			}
		}
	}
}
