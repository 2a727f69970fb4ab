package trade

import (
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/futugw/gateway/opend/sim/market"
)

// Engine holds the accounts, orders and subscriptions of one simulated OpenD.
// It is safe for concurrent use.
type Engine struct {
	cfg    Config
	mkt    *market.Market
	log    *slog.Logger
	cancel func() // stops the market tick subscription

	// pushMu orders pushes: it is taken before mu is released and held while
	// pushing, so events leave in the order they happened. Pushes never block.
	pushMu sync.Mutex

	mu       sync.Mutex
	accounts map[uint64]*account
	accList  []*account // configured order
	unlocked bool       // per server, like OpenD
	nextID   uint64
	rng      *rand.Rand
	prices   map[string]float64  // last price by instrument key
	open     map[string][]*order // open limit orders by instrument key
	orders   map[uint64]*order
	seen     map[packetKey]time.Time // accepted PacketIDs, for replay refusal
	seenLog  []seenEntry             // the same, oldest first, for expiry
	subs     map[uint64]*subscription

	past *pastBook // earlier days' synthetic orders and fills; own lock
	// nextExpiry is the earliest close of an open Day order (zero: none), so
	// ticks scan for expired orders only when one is due.
	nextExpiry time.Time
}

// New builds an Engine trading on m and starts matching on its ticks. Close
// stops it.
func New(m *market.Market, cfg Config) *Engine {
	cfg = cfg.withDefaults()
	e := &Engine{
		cfg:      cfg,
		mkt:      m,
		log:      cfg.Logger.With("component", "sim-trade"),
		accounts: make(map[uint64]*account, len(cfg.Accounts)),
		// Ids start from the clock so they stay unique across simulator restarts.
		nextID: uint64(cfg.Now().Unix()) * 1_000_000,
		rng:    rand.New(rand.NewPCG(cfg.Seed, 0x7472616465)),
		prices: make(map[string]float64),
		open:   make(map[string][]*order),
		orders: make(map[uint64]*order),
		seen:   make(map[packetKey]time.Time),
		subs:   make(map[uint64]*subscription),
	}
	for _, ac := range cfg.Accounts {
		if _, dup := e.accounts[ac.ID]; dup {
			continue
		}
		a := newAccount(ac)
		e.accounts[ac.ID] = a
		e.accList = append(e.accList, a)
	}
	e.past = newPastBook(m, cfg.Seed, cfg.Now())
	e.cancel = m.OnTick(e.onTick)
	return e
}

// Close stops matching on market ticks. Open orders stay as they are.
func (e *Engine) Close() { e.cancel() }

// newID returns the next order, fill or position id and its string form.
// Callers hold mu.
func (e *Engine) newID() (uint64, string) {
	e.nextID++
	return e.nextID, "SIM" + strconv.FormatUint(e.nextID, 10)
}

// lastPrice returns the engine's latest price for inst, falling back to the
// market. Callers hold mu; the market is only read here when no tick was seen
// yet, and the market never calls back into the engine under its own lock.
func (e *Engine) lastPrice(inst market.Instrument) (float64, bool) {
	key := inst.Key()
	if p, ok := e.prices[key]; ok {
		return p, true
	}
	q, ok := e.mkt.Quote(inst.Market, inst.Code)
	if !ok || !(q.Cur > 0) {
		return 0, false
	}
	e.prices[key] = q.Cur
	return q.Cur, true
}
