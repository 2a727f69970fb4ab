package durable_test

import (
	"context"
	"slices"
	"testing"

	"github.com/futugw/gateway/platform/testkit/redistest"
	"github.com/futugw/gateway/services/order/internal/durable"
	"github.com/redis/go-redis/v9"
)

// echoGate passes when A[1] is "pass", writing K[1] first; it replies {0} or {5, 6}.
type echoGate struct{ key, verdict string }

func (echoGate) Lua() string {
	return `function(K, A)
  if A[1] ~= 'pass' then return {5, 6} end
  redis.call('SET', K[1], 'gated')
  return {0}
end`
}
func (g echoGate) Keys() []string { return []string{g.key} }
func (g echoGate) Args() []any    { return []any{g.verdict} }

// hostBody reads its own KEYS and ARGV as if alone, writes only past the gate, and
// replies with what it saw.
const hostBody = `
if not gate() then return {'stopped', KEYS[1], ARGV[1], #KEYS, #ARGV} end
redis.call('SET', KEYS[1], ARGV[1])
return {'wrote', KEYS[1], ARGV[1], #KEYS, #ARGV}`

// A hosted script sees only its own keys and arguments, writes only when the gate
// passes, and hands the gate's reply back apart; without a gate it always writes.
func TestHostedGate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ redistest.Backend, rdb redis.UniversalClient) {
		ctx := context.Background()
		h := durable.NewHosted(hostBody)
		host, gate := "futugw:{h}:host", "futugw:{h}:gate"
		for _, tt := range []struct {
			name string
			gate durable.Gate
			want string
			g    []int64
		}{
			{"refused", echoGate{gate, "no"}, "stopped", []int64{5, 6}},
			{"passed", echoGate{gate, "pass"}, "wrote", []int64{0}},
			{"no gate", nil, "wrote", nil},
		} {
			_ = rdb.Del(ctx, host, gate).Err()
			reply, g, err := h.Run(ctx, rdb, durable.Wait{}, tt.gate, []string{host}, "v")
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if want := []any{tt.want, host, "v", int64(1), int64(1)}; !slices.Equal(reply, want) || !slices.Equal(g, tt.g) {
				t.Fatalf("%s: host %v gate %v; want %v %v", tt.name, reply, g, want, tt.g)
			}
			wrote, _ := rdb.Exists(ctx, host).Result()
			if (wrote == 1) != (tt.want == "wrote") {
				t.Fatalf("%s: host key written: %d", tt.name, wrote)
			}
		}
	})
}
