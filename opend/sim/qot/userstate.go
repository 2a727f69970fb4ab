package qot

import (
	"sync"
	"sync/atomic"

	"github.com/futugw/gateway/opend/server"
)

// userState is what OpenD keeps for its logged-in user rather than for a
// connection: watchlist groups and price reminders. It lives in memory for the
// simulator's life and every connection of the user sees the same state.
//
// OpenD serves exactly one logged-in account, so every connection belongs to
// Config.UserID; the store is keyed by user all the same, so one user's state
// never leaks into another's if a simulator ever serves several.
type userState struct {
	s *Service

	mu    sync.Mutex
	users map[uint64]*userData
	// reminded counts enabled reminders per security across users, so the
	// tick listener skips the common case (no reminder) without more work.
	reminded map[string]int
	// remindedSecs mirrors len(reminded) so that ticks skip the lock
	// entirely while nobody has a reminder.
	remindedSecs atomic.Int64
	nextKey      int64
}

// userData is one user's state; userState.mu guards it.
type userData struct {
	id        uint64
	watch     *watchlist
	reminders map[int64]*reminder
}

func newUserState(s *Service) *userState {
	return &userState{s: s, users: make(map[uint64]*userData), reminded: make(map[string]int)}
}

// userOf names the user a connection belongs to: OpenD's logged-in account.
func (u *userState) userOf(*server.Conn) uint64 { return u.s.cfg.UserID }

// user returns a user's state, creating it with the default watchlist on
// first use. Call with u.mu held.
func (u *userState) user(id uint64) *userData {
	d, ok := u.users[id]
	if !ok {
		d = &userData{id: id, watch: defaultWatchlist(u.s.m.Instruments()), reminders: make(map[int64]*reminder)}
		u.users[id] = d
	}
	return d
}

// connsOf returns the open connections of a user.
func (u *userState) connsOf(id uint64) []*server.Conn {
	var out []*server.Conn
	for _, c := range u.s.srv.Conns() {
		if u.userOf(c) == id {
			out = append(out, c)
		}
	}
	return out
}
