package ws

import "time"

// sweep drives every socket's timers from one ticker until the hub closes: stuck
// writes, keepalive pings, the expiry warning and the expiry itself. It ticks often
// enough for the shortest of them, at most once a second (a key's expiry closes its
// sockets within that second).
func (h *Hub) sweep() {
	o := &h.opts
	t := time.NewTicker(min(max(min(o.PingInterval/4, o.WriteTimeout/4), 5*time.Millisecond), time.Second))
	defer t.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case now := <-t.C:
			h.mu.RLock()
			for s := range h.all {
				s.tick(now, &h.opts)
			}
			h.mu.RUnlock()
		}
	}
}

// tick acts on what is due for s at now. It never blocks (the hub's lock is held).
func (s *socket) tick(now time.Time, o *Options) {
	ns := now.UnixNano()
	if since := s.writeSince.Load(); since != 0 && ns-since > int64(o.WriteTimeout) {
		s.writeStuck.Store(true)
		s.cut()
		return
	}
	if !s.expires.IsZero() {
		if !now.Before(s.expires) {
			s.requestClose(closeExpired)
			return
		}
		if !now.Before(s.expires.Add(-o.ExpiryWarning)) && !s.warned.Swap(true) {
			s.warnDue.Store(true)
			s.signalDue()
		}
	}
	if ns >= s.nextPing.Load() {
		s.nextPing.Store(ns + int64(o.PingInterval))
		s.pingDue.Store(true)
		s.signalDue()
	}
}

func (s *socket) signalDue() {
	select {
	case s.due <- struct{}{}:
	default:
	}
}
