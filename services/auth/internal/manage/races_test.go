package manage

// Races between revocation, logout, session creation and refresh, forced with a
// hook that runs the racing call right after one Redis command of the other.

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/futugw/gateway/platform/authn"
	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/futugw/gateway/services/auth/internal/keys"
	"github.com/futugw/gateway/services/auth/internal/store"
)

// afterCommand runs after (once) when a command of the given name and first key completes.
type afterCommand struct {
	name, key string
	once      sync.Once
	after     func()
}

func (h *afterCommand) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		return next(ctx, network, addr)
	}
}

func (h *afterCommand) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		args := cmd.Args()
		if strings.EqualFold(cmd.Name(), h.name) && len(args) > 1 && args[1] == h.key {
			h.once.Do(h.after)
		}
		return err
	}
}

func (h *afterCommand) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// twoManagers is one Redis with two managers on separate clients: "hooked" (whose store's
// client carries a hook) and "plain".
type twoManagers struct {
	plainRDB  redis.UniversalClient
	plainSt   *store.Store
	plain     *Manager
	hookedRDB redis.UniversalClient
	hooked    *Manager
}

func newTwoManagers(t *testing.T, pol keys.Policy) *twoManagers {
	addr := redistest.Start(t)
	p := &twoManagers{plainRDB: redistest.Client(t, addr), hookedRDB: redistest.Client(t, addr)}
	log := slog.New(slog.DiscardHandler)
	p.plainSt = store.New(p.plainRDB, store.Options{Logger: log})
	p.plain = New(Options{Store: p.plainSt, Policy: pol, Logger: log})
	p.hooked = New(Options{Store: store.New(p.hookedRDB, store.Options{Logger: log}), Policy: pol, Logger: log})
	return p
}

// parent issues the long-lived key "trader".
func (p *twoManagers) parent(t *testing.T) keys.Record {
	t.Helper()
	_, parent, err := p.plain.Issue(context.Background(), keys.IssueSpec{ID: "trader", Scopes: []string{"qot:read"}, ExpiresIn: 8 * time.Hour}, admin)
	if err != nil {
		t.Fatal(err)
	}
	return parent
}

// parentAndSession issues "trader" and a session key under it.
func (p *twoManagers) parentAndSession(t *testing.T) (parent, sess keys.Record) {
	t.Helper()
	parent = p.parent(t)
	_, sess, err := p.plain.CreateSession(context.Background(), parent.Hash, keys.SessionSpec{}, admin)
	if err != nil {
		t.Fatal(err)
	}
	return parent, sess
}

func validates(t *testing.T, st *store.Store, tok string) bool {
	t.Helper()
	_, err := st.Validate(context.Background(), tok, authn.CallInfo{})
	return err == nil
}

// Two concurrent refreshes of one session key leave at most one live successor.
func TestConcurrentRefreshesLeaveOneLiveKey(t *testing.T) {
	p := newTwoManagers(t, keys.DefaultPolicy())
	ctx := context.Background()
	_, sess := p.parentAndSession(t)
	var wg sync.WaitGroup
	toks := make([]string, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() { toks[i], _, errs[i] = p.plain.Refresh(ctx, sess.Hash, admin) })
	}
	wg.Wait()
	live := 0
	for i := range 2 {
		if errs[i] == nil && validates(t, p.plainSt, toks[i]) {
			live++
		}
	}
	if live > 1 {
		t.Fatalf("one session key refreshed twice: %d live successor keys (errs %v)", live, errs)
	}
}

// A logout landing after Refresh read the old key and before it stored the new one
// must not leave the new key live.
func TestRefreshRacingLogoutReturnsNoLiveKey(t *testing.T) {
	p := newTwoManagers(t, keys.DefaultPolicy())
	ctx := context.Background()
	parent := p.parent(t)
	stok, sess, err := p.plain.CreateSession(ctx, parent.Hash, keys.SessionSpec{}, admin)
	if err != nil {
		t.Fatal(err)
	}
	// Right after the refresh's GET of the old record, the user logs out elsewhere.
	var logoutErr error
	p.hookedRDB.AddHook(&afterCommand{name: "get", key: "futugw:tok:" + sess.Hash, after: func() {
		logoutErr = p.plain.Logout(ctx, sess.Hash, admin)
	}})
	ntok, _, err := p.hooked.Refresh(ctx, sess.Hash, admin)
	if logoutErr != nil {
		t.Fatalf("logout: %v", logoutErr)
	}
	if validates(t, p.plainSt, stok) {
		t.Fatal("old session key still valid after logout")
	}
	if err == nil && validates(t, p.plainSt, ntok) {
		t.Fatal("refresh of a logged-out session key returned a live key")
	}
}

// A session created while the parent's revocation runs does not survive it.
func TestRevokeRacingCreateSessionLeavesNoLiveChild(t *testing.T) {
	p := newTwoManagers(t, keys.DefaultPolicy())
	ctx := context.Background()
	parent := p.parent(t)
	var ctok string
	var cerr error
	// Right after the revoke wrote the parent's tombstone: the parent's records are
	// still there, so the creation passes its checks.
	p.hookedRDB.AddHook(&afterCommand{name: "set", key: "futugw:revoked:" + parent.Hash, after: func() {
		ctok, _, cerr = p.plain.CreateSession(ctx, parent.Hash, keys.SessionSpec{}, admin)
	}})
	if err := p.hooked.Revoke(ctx, "trader", admin); err != nil {
		t.Fatal(err)
	}
	if cerr != nil || ctok == "" {
		t.Fatalf("the racing CreateSession was refused (%v) or never ran: the hook no longer hits the window", cerr)
	}
	if validates(t, p.plainSt, ctok) {
		t.Fatal("session key created during its parent's revocation is still valid after the revocation returned")
	}
}

// The same for a Refresh racing the parent's revocation.
func TestRevokeRacingRefreshLeavesNoLiveChild(t *testing.T) {
	p := newTwoManagers(t, keys.DefaultPolicy())
	ctx := context.Background()
	parent, sess := p.parentAndSession(t)
	var ntok string
	var rerr error
	p.hookedRDB.AddHook(&afterCommand{name: "set", key: "futugw:revoked:" + parent.Hash, after: func() {
		ntok, _, rerr = p.plain.Refresh(ctx, sess.Hash, admin)
	}})
	if err := p.hooked.Revoke(ctx, "trader", admin); err != nil {
		t.Fatal(err)
	}
	if rerr != nil || ntok == "" {
		t.Fatalf("the racing Refresh was refused (%v) or never ran: the hook no longer hits the window", rerr)
	}
	if validates(t, p.plainSt, ntok) {
		t.Fatal("refreshed session key is still valid after its parent's revocation returned")
	}
}

// A session key already refreshed (now in its grace) cannot be refreshed again: that
// would fork the session, leaving a leaked old key a fresh successor of its own.
func TestRotatedKeyIsNotRefreshedAgain(t *testing.T) {
	p := newTwoManagers(t, keys.DefaultPolicy())
	ctx := context.Background()
	_, sess := p.parentAndSession(t)
	t1, r1, err := p.plain.Refresh(ctx, sess.Hash, admin)
	if err != nil {
		t.Fatal(err)
	}
	t2, r2, err := p.plain.Refresh(ctx, sess.Hash, admin) // the old, already rotated key
	if errors.Is(err, ErrAlreadyRefreshed) {
		return // refused: the fixed behaviour
	}
	if err != nil {
		t.Fatalf("second refresh: %v, want ErrAlreadyRefreshed", err)
	}
	if err := p.plain.Logout(ctx, r1.Hash, admin); err != nil {
		t.Fatal(err)
	}
	if validates(t, p.plainSt, t2) {
		t.Fatalf("rotated key refreshed again: second successor %s (expires %v) still live after logging out of the first (%s, token %t)",
			r2.ID, r2.ExpiresAt, r1.ID, validates(t, p.plainSt, t1))
	}
}

// TestLogoutEndsTheWholeSession: logging out with a key in its refresh grace ends
// its successor too; a session is one login, whichever of its keys ends it.
func TestLogoutEndsTheWholeSession(t *testing.T) {
	p := newTwoManagers(t, keys.DefaultPolicy())
	ctx := context.Background()
	parent, sess := p.parentAndSession(t)
	other, _, err := p.plain.CreateSession(ctx, parent.Hash, keys.SessionSpec{}, admin) // another login
	if err != nil {
		t.Fatal(err)
	}
	next, _, err := p.plain.Refresh(ctx, sess.Hash, admin)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.plain.Logout(ctx, sess.Hash, admin); err != nil { // with the old key
		t.Fatal(err)
	}
	if validates(t, p.plainSt, next) {
		t.Fatal("the successor outlived the logout of its session")
	}
	if !validates(t, p.plainSt, other) {
		t.Fatal("another session of the same parent ended too")
	}
}

// An SDK session opened while its key's revocation runs does not survive it.
func TestRevokeRacingOpenSDKSessionLeavesNoLiveChild(t *testing.T) {
	p := newTwoManagers(t, keys.DefaultPolicy())
	ctx := context.Background()
	ptok, parent, err := p.plain.Issue(ctx, keys.IssueSpec{ID: "page", Scopes: []string{"qot:read"}, ExpiresIn: time.Hour}, admin)
	if err != nil {
		t.Fatal(err)
	}
	var stok string
	var serr error
	p.hookedRDB.AddHook(&afterCommand{name: "set", key: "futugw:revoked:" + parent.Hash, after: func() {
		stok, _, serr = p.plain.OpenSDKSession(ctx, keys.MD5(ptok), admin)
	}})
	if err := p.hooked.Revoke(ctx, "page", admin); err != nil {
		t.Fatal(err)
	}
	if serr != nil || stok == "" {
		t.Fatalf("the racing OpenSDKSession was refused (%v) or never ran: the hook no longer hits the window", serr)
	}
	if validates(t, p.plainSt, stok) {
		t.Fatal("SDK session opened during its key's revocation is still valid after the revocation returned")
	}
}

// A logout of the panel's session landing after OpenSDKSession found the panel's key
// must not leave the SDK session live.
func TestLogoutRacingOpenSDKSessionLeavesNoLiveSession(t *testing.T) {
	p := newTwoManagers(t, keys.DefaultPolicy())
	ctx := context.Background()
	parent := p.parent(t)
	ptok, panel, err := p.plain.CreateSession(ctx, parent.Hash, keys.SessionSpec{}, admin)
	if err != nil {
		t.Fatal(err)
	}
	var logoutErr error
	ran := false
	p.hookedRDB.AddHook(&afterCommand{name: "get", key: "futugw:tok:" + panel.Hash, after: func() {
		ran = true
		logoutErr = p.plain.Logout(ctx, panel.Hash, admin)
	}})
	stok, _, err := p.hooked.OpenSDKSession(ctx, keys.MD5(ptok), admin)
	if !ran || logoutErr != nil {
		t.Fatalf("the racing logout ran %v: %v", ran, logoutErr)
	}
	if err == nil && validates(t, p.plainSt, stok) {
		t.Fatal("OpenSDKSession with a logged-out session key returned a live key")
	}
}
