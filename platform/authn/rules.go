package authn

import (
	"slices"
	"strings"

	"github.com/futugw/gateway/platform/catalog"
	"github.com/futugw/gateway/platform/keypolicy"
)

// Rule says who may call one method.
type Rule struct {
	Public bool     // no key needed
	Scopes []string // the key needs any one of these; empty = any valid key
	Admin  bool     // the key needs the admin scope
}

// publicPrefixes are infrastructure services every server exposes without a key.
var publicPrefixes = [...]string{"/grpc.health.v1.", "/grpc.reflection."}

// MethodRules returns THE table of which key may call which method, keyed by full
// gRPC method name: one rule per row of the route catalog (api/catalog.json, which
// has a row for every method of the gateway's services). A method absent from it is
// refused: new RPCs fail closed until someone gives them a row (a test checks every
// RPC of the API has one).
func MethodRules() map[string]Rule {
	all := catalog.All()
	rules := make(map[string]Rule, len(all))
	for i := range all {
		if r, ok := ruleOf(&all[i]); ok {
			rules[all[i].FullMethod] = r
		}
	}
	return rules
}

// ruleOf is the rule of a catalog row; false for a row that says nobody.
func ruleOf(r *catalog.Route) (Rule, bool) {
	switch {
	case r.Public:
		return Rule{Public: true}, true
	case r.AnyKey:
		return Rule{}, true
	case slices.Equal(r.Scopes, []string{keypolicy.ScopeAdmin}):
		return Rule{Admin: true}, true
	case len(r.Scopes) > 0:
		return Rule{Scopes: slices.Clone(r.Scopes)}, true
	}
	return Rule{}, false
}

// ruleFor looks method up in rules, treating health and reflection as public.
func ruleFor(rules map[string]Rule, method string) (Rule, bool) {
	if r, ok := rules[method]; ok {
		return r, true
	}
	for _, p := range publicPrefixes {
		if strings.HasPrefix(method, p) {
			return Rule{Public: true}, true
		}
	}
	return Rule{}, false
}

// shortMethod turns "/futu.gateway.v1.QuoteService/Subscribe" into
// "QuoteService.Subscribe" for messages people read.
func shortMethod(full string) string {
	svc, m, ok := strings.Cut(strings.TrimPrefix(full, "/"), "/")
	if !ok {
		return full
	}
	if i := strings.LastIndexByte(svc, '.'); i >= 0 {
		svc = svc[i+1:]
	}
	return svc + "." + m
}
