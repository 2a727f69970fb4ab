package freqlimit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// ErrCode is the errCode of a frequency refusal. OpenD publishes no code for
// it; 1006 is the one the simulator's trade engine always used for its order
// rate limit, which the order service already maps to "rate limited".
const ErrCode int32 = 1006

// Limiter enforces limits over sliding windows read from a clock. It is safe
// for concurrent use.
type Limiter struct {
	now    func() time.Time
	limits map[uint32]Limit

	mu     sync.Mutex
	recent map[key][]time.Time // admitted requests inside the window, oldest first
}

// key is what one window counts: a proto id, and the account for per-account
// limits (0 otherwise).
type key struct {
	protoID uint32
	account uint64
}

// New returns a Limiter enforcing the table under p, reading time from now
// (nil = time.Now).
func New(p Policy, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	l := &Limiter{now: now, limits: make(map[uint32]Limit), recent: make(map[key][]time.Time)}
	if p.Off {
		return l
	}
	for _, r := range table {
		l.limits[r.ID] = p.apply(r.Limit)
	}
	return l
}

// Set replaces the limit of protoID (the simulator's -order-rate-limit);
// N <= 0 removes it. Call it before the Limiter is in use.
func (l *Limiter) Set(protoID uint32, lim Limit) {
	if lim.N <= 0 || lim.Window <= 0 {
		delete(l.limits, protoID)
		return
	}
	l.limits[protoID] = lim
}

// Limit returns the limit l enforces for protoID.
func (l *Limiter) Limit(protoID uint32) (Limit, bool) {
	lim, ok := l.limits[protoID]
	return lim, ok
}

// Admit counts one request of protoID (body is its whole Request message) and
// returns the OpenD refusal once the request would exceed its limit; refused
// requests are not counted.
func (l *Limiter) Admit(protoID uint32, body []byte) error {
	lim, ok := l.limits[protoID]
	if !ok {
		return nil
	}
	k, counted := keyOf(protoID, body, lim)
	if !counted {
		return nil
	}
	now := l.now()
	cutoff := now.Add(-lim.Window)

	l.mu.Lock()
	defer l.mu.Unlock()
	times := l.recent[k]
	n := 0 // times is in arrival order, so expired entries are a prefix
	for n < len(times) && !times[n].After(cutoff) {
		n++
	}
	times = times[n:]
	if len(times) >= lim.N {
		l.recent[k] = times
		return refusal(protoID, k.account, lim)
	}
	l.recent[k] = append(times, now)
	return nil
}

// keyOf is the window a request of protoID counts in, and false when OpenD
// does not count it (a later page, a cached read, an exempt request).
func keyOf(protoID uint32, body []byte, lim Limit) (key, bool) {
	k := key{protoID: protoID}
	if lim.PerAccount || lim.FirstPageOnly || lim.RefreshOnly || lim.Exempt.Field != "" {
		c2s := requestC2S(protoID, body)
		if lim.FirstPageOnly && hasPageKey(c2s) {
			return k, false
		}
		if lim.RefreshOnly && !refreshesCache(c2s) {
			return k, false
		}
		if lim.Exempt.Field != "" && matches(c2s, lim.Exempt) {
			return k, false
		}
		if lim.PerAccount {
			k.account = accountOf(c2s)
		}
	}
	return k, true
}

// Window is the sliding window one request counts in, and its limit under the
// Limiter's policy. Callers that keep windows elsewhere (a Pacer's Shared store)
// take it from Limiter.Window, so which window a request counts in is decided
// here only.
type Window struct {
	ProtoID uint32
	Account uint64 // the trading account of a per-account limit; 0 otherwise
	Limit   Limit
}

// Key names the window: the proto id, and ":account" for a per-account limit.
func (w Window) Key() string {
	s := strconv.FormatUint(uint64(w.ProtoID), 10)
	if w.Limit.PerAccount {
		s += ":" + strconv.FormatUint(w.Account, 10)
	}
	return s
}

// Window returns the window a request of protoID (body, its whole Request
// message) counts in, and false when it counts in none: the interface has no
// limit, or OpenD does not count this request (a later page, a cached read, an
// exempt request).
func (l *Limiter) Window(protoID uint32, body []byte) (Window, bool) {
	lim, ok := l.limits[protoID]
	if !ok {
		return Window{}, false
	}
	k, counted := keyOf(protoID, body, lim)
	if !counted {
		return Window{}, false
	}
	return Window{ProtoID: k.protoID, Account: k.account, Limit: lim}, true
}

// Reserve is Admit for a caller that paces itself: it takes the earliest slot
// of protoID's window that is at most maxWait away and returns how long to wait
// before sending (0: now) and true. When the earliest slot is further away it
// counts nothing and returns the time until that slot and false. Reserved slots
// count from the moment they start, so concurrent callers queue behind each other.
func (l *Limiter) Reserve(protoID uint32, body []byte, maxWait time.Duration) (time.Duration, bool) {
	lim, ok := l.limits[protoID]
	if !ok {
		return 0, true
	}
	k, counted := keyOf(protoID, body, lim)
	if !counted {
		return 0, true
	}
	return l.reserve(k, lim, maxWait)
}

// reserve is Reserve in the window k, whose limit is lim.
func (l *Limiter) reserve(k key, lim Limit, maxWait time.Duration) (time.Duration, bool) {
	now := l.now()
	cutoff := now.Add(-lim.Window)

	l.mu.Lock()
	defer l.mu.Unlock()
	times := l.recent[k]
	n := 0 // times is sorted (reservations are taken in order), so expired entries are a prefix
	for n < len(times) && !times[n].After(cutoff) {
		n++
	}
	times = times[n:]
	l.recent[k] = times
	at := now
	if len(times) >= lim.N {
		// The slot frees when the N-th most recent entry leaves the window.
		at = times[len(times)-lim.N].Add(lim.Window)
	}
	wait := at.Sub(now)
	if wait > maxWait {
		return wait, false
	}
	l.recent[k] = append(times, at)
	return wait, true
}

// note counts a slot at at in the window k that was reserved elsewhere (a Pacer's
// shared store), so that this Limiter, used when the store fails, knows of it.
// It keeps the window sorted and drops what left it (lim's Window).
func (l *Limiter) note(k key, window time.Duration, at time.Time) {
	cutoff := l.now().Add(-window)
	l.mu.Lock()
	defer l.mu.Unlock()
	times := l.recent[k]
	n := 0
	for n < len(times) && !times[n].After(cutoff) {
		n++
	}
	times = times[n:]
	i := len(times)
	for i > 0 && times[i-1].After(at) {
		i--
	}
	l.recent[k] = slices.Insert(times, i, at)
}

// refusal is OpenD's answer past a limit: retType -1 and a message naming the
// interface, the limit and, for trade interfaces, the account.
func refusal(protoID uint32, account uint64, lim Limit) *envelope.Error {
	name := fmt.Sprint(protoID)
	if p, ok := protoid.Lookup(protoID); ok {
		name = p.Name
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: frequency limit exceeded", name)
	if lim.PerAccount {
		fmt.Fprintf(&b, " for account %d", account)
	}
	fmt.Fprintf(&b, ": at most %d requests per %s", lim.N, lim.Window)
	return &envelope.Error{RetType: envelope.RetFailed, ErrCode: ErrCode, RetMsg: b.String()}
}

// requestC2S decodes body as protoID's Request and returns its c2s, or nil when
// the message type is not linked in or the body does not decode (the handler
// then refuses it; the request is counted against account 0).
func requestC2S(protoID uint32, body []byte) protoreflect.Message {
	p, ok := protoid.Lookup(protoID)
	if !ok || p.Request == "" {
		return nil
	}
	mt, err := protoregistry.GlobalTypes.FindMessageByName(protoid.MessageName(p.Request))
	if err != nil {
		return nil
	}
	m := mt.New()
	if err := (proto.UnmarshalOptions{AllowPartial: true, DiscardUnknown: true}).Unmarshal(body, m.Interface()); err != nil {
		return nil
	}
	return child(m, "c2s")
}

// accountOf is c2s.header.accID, 0 when absent.
func accountOf(c2s protoreflect.Message) uint64 {
	h := child(c2s, "header")
	if h == nil {
		return 0
	}
	fd := h.Descriptor().Fields().ByName("accID")
	if fd == nil || !h.Has(fd) {
		return 0
	}
	return h.Get(fd).Uint()
}

// hasPageKey reports a non-empty c2s.nextReqKey: a later page of a paged query.
func hasPageKey(c2s protoreflect.Message) bool {
	if c2s == nil {
		return false
	}
	fd := c2s.Descriptor().Fields().ByName("nextReqKey")
	return fd != nil && c2s.Has(fd) && len(c2s.Get(fd).Bytes()) > 0
}

// refreshesCache reports c2s.refreshCache set to true.
func refreshesCache(c2s protoreflect.Message) bool {
	if c2s == nil {
		return false
	}
	fd := c2s.Descriptor().Fields().ByName("refreshCache")
	return fd != nil && c2s.Has(fd) && c2s.Get(fd).Bool()
}

// matches reports c2s's integer field m.Field set to m.Equals.
func matches(c2s protoreflect.Message, m Match) bool {
	if c2s == nil {
		return false
	}
	fd := c2s.Descriptor().Fields().ByName(protoreflect.Name(m.Field))
	if fd == nil || !c2s.Has(fd) {
		return false
	}
	v := c2s.Get(fd)
	switch fd.Kind() {
	case protoreflect.EnumKind:
		return int64(v.Enum()) == m.Equals
	case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Sint32Kind, protoreflect.Sint64Kind,
		protoreflect.Sfixed32Kind, protoreflect.Sfixed64Kind:
		return v.Int() == m.Equals
	}
	return false
}

func child(m protoreflect.Message, name protoreflect.Name) protoreflect.Message {
	if m == nil {
		return nil
	}
	fd := m.Descriptor().Fields().ByName(name)
	if fd == nil || fd.Message() == nil || !m.Has(fd) {
		return nil
	}
	return m.Get(fd).Message()
}
