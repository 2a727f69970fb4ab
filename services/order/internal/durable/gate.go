package durable

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/redis/go-redis/v9"
)

// Gate is one package's check-and-write that a script of another package (the host)
// runs before its own writes, in the same script: atomic, and one round trip. The
// idempotency claim hosts the counted limits this way. Each side keeps its Lua, keys,
// arguments and reply to itself: the host's Lua calls gate() and reads its own KEYS
// and ARGV as if it ran alone; the gate's reply comes back apart, for its owner to
// read. The gate's keys must share the host's hash tag (Redis Cluster).
type Gate interface {
	// Lua is a function expression, "function(K, A) ... end", called with the gate's
	// keys as K and its arguments as A. It returns a table of integers whose first is
	// 0 when the host may go on and write.
	Lua() string
	Keys() []string
	Args() []any
}

// Hosted is a host script that may run a Gate.
type Hosted struct {
	body    string
	scripts sync.Map // gate Lua ("" = none) -> *Script
}

// NewHosted returns a host script of body: Lua run as a function of (KEYS, ARGV) that
// returns a table and may call gate(), which runs the gate (the first call only) and
// reports whether it passed; without a gate it is always true.
func NewHosted(body string) *Hosted { return &Hosted{body: body} }

// hostedFrame splits KEYS and ARGV between host and gate (the host's come first and
// ARGV[1], ARGV[2] count them) and returns {host's reply, gate's reply or {}}.
const hostedFrame = `local nk, na = tonumber(ARGV[1]), tonumber(ARGV[2])
local HK, HA, GK, GA = {}, {}, {}, {}
for i = 1, #KEYS do if i <= nk then HK[#HK + 1] = KEYS[i] else GK[#GK + 1] = KEYS[i] end end
for i = 3, #ARGV do if i - 2 <= na then HA[#HA + 1] = ARGV[i] else GA[#GA + 1] = ARGV[i] end end
local gate_fn = %s
local gate_reply = nil
local function gate()
  if gate_fn == nil then return true end
  if gate_reply == nil then gate_reply = gate_fn(GK, GA) end
  return gate_reply[1] == 0
end
local function host(KEYS, ARGV)
%s
end
return {host(HK, HA), gate_reply or {}}
`

func (h *Hosted) script(gateLua string) *Script {
	if sc, ok := h.scripts.Load(gateLua); ok {
		return sc.(*Script)
	}
	fn := gateLua
	if fn == "" {
		fn = "nil"
	}
	sc, _ := h.scripts.LoadOrStore(gateLua, NewScript(fmt.Sprintf(hostedFrame, fn, h.body)))
	return sc.(*Script)
}

// Run runs the host with its keys and args behind gate (nil: none), with w. It
// returns the host's reply and the gate's (nil when the gate did not run).
func (h *Hosted) Run(ctx context.Context, rdb redis.UniversalClient, w Wait, gate Gate, keys []string, args ...any) (host []any, gateReply []int64, err error) {
	lua, allKeys := "", keys
	allArgs := append(make([]any, 0, 2+len(args)), len(keys), len(args))
	allArgs = append(allArgs, args...)
	if gate != nil {
		lua = gate.Lua()
		allKeys = append(append(make([]string, 0, len(keys)+len(gate.Keys())), keys...), gate.Keys()...)
		allArgs = append(allArgs, gate.Args()...)
	}
	reply, err := h.script(lua).Run(ctx, rdb, w, allKeys, allArgs...).Slice()
	if err != nil {
		return nil, nil, err
	}
	if len(reply) != 2 {
		return nil, nil, errors.New("hosted script: malformed reply")
	}
	host, ok := reply[0].([]any)
	if !ok {
		return nil, nil, fmt.Errorf("hosted script: host replied %T, want a table", reply[0])
	}
	g, _ := reply[1].([]any)
	if len(g) > 0 {
		gateReply = make([]int64, len(g))
		for i, v := range g {
			if gateReply[i], err = toInt64(v); err != nil {
				return nil, nil, fmt.Errorf("hosted script: gate reply: %w", err)
			}
		}
	}
	return host, gateReply, nil
}

func toInt64(v any) (int64, error) {
	switch n := v.(type) {
	case int64:
		return n, nil
	case string:
		return strconv.ParseInt(n, 10, 64)
	}
	return 0, fmt.Errorf("%v (%T) is not an integer", v, v)
}
