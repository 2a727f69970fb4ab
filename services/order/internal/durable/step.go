package durable

// Step is one Lua function run inside another package's script, so two checks that
// must happen together cost one Redis round trip and stay atomic. Func is a Lua
// function expression, "function(K, A) ... end", called with its own Keys as K and
// Args as A; every key must share the outer script's hash tag (Redis Cluster).
type Step struct {
	Func string
	Keys []string
	Args []any
}
