package authn

import (
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

// Method name prefixes.
const (
	authSvc    = "/futu.gateway.v1.AuthService/"
	quoteSvc   = "/futu.gateway.v1.QuoteService/"
	orderSvc   = "/futu.gateway.v1.OrderService/"
	accountSvc = "/futu.gateway.v1.AccountService/"
)

// publicPrefixes are infrastructure services every server exposes without a key.
var publicPrefixes = [...]string{"/grpc.health.v1.", "/grpc.reflection."}

// MethodRules returns THE table of which key may call which method, keyed by full
// gRPC method name. A method absent from it is refused: new RPCs fail closed until
// someone decides their rule (a test checks every RPC of the API has one).
func MethodRules() map[string]Rule {
	anyKey := Rule{}
	admin := Rule{Admin: true}
	qot := Rule{Scopes: []string{keypolicy.ScopeQotRead}}
	acc := Rule{Scopes: []string{keypolicy.ScopeAccRead}}
	svc := Rule{Scopes: []string{keypolicy.ScopeService}}
	// The order handler decides which of the two the account needs.
	trade := Rule{Scopes: []string{keypolicy.ScopeTradeSimulate, keypolicy.ScopeTradeReal}}
	public := Rule{Public: true}

	rules := map[string]Rule{
		authSvc + "IssueKey":       admin,
		authSvc + "ListKeys":       admin,
		authSvc + "GetKey":         admin,
		authSvc + "RevokeKey":      admin,
		authSvc + "ListAudit":      admin,
		authSvc + "WhoAmI":         anyKey,
		authSvc + "CreateSession":  anyKey,
		authSvc + "RefreshSession": anyKey,
		authSvc + "Logout":         anyKey,
		// Validate carries the key to check in its body; the auth service audits it.
		authSvc + "Validate": public,

		quoteSvc + "Subscribe":         qot,
		quoteSvc + "Unsubscribe":       qot,
		quoteSvc + "ListSubscriptions": qot,
		// The order service values market orders with its own service key.
		quoteSvc + "GetBasicQuote": Rule{Scopes: []string{keypolicy.ScopeQotRead, keypolicy.ScopeService}},
		quoteSvc + "GetStaticInfo": qot,
		// The push streams carry every session's data; only an edge's service key may open them.
		quoteSvc + "StreamPushes": svc,

		accountSvc + "ListAccounts": acc,
		accountSvc + "GetFunds":     acc,
		accountSvc + "GetPositions": acc,

		orderSvc + "ListOrders":        acc,
		orderSvc + "ListOrderFills":    acc,
		orderSvc + "StreamTradePushes": svc,
		orderSvc + "PlaceOrder":        trade,
		orderSvc + "ModifyOrder":       trade,
		orderSvc + "CancelOrder":       trade,

		"/grpc.health.v1.Health/Check": public,
		"/grpc.health.v1.Health/Watch": public,
		"/grpc.health.v1.Health/List":  public,
	}
	// Every route of the catalog needs its row's scope.
	for _, r := range catalog.Routes() {
		rules[r.FullMethod] = Rule{Scopes: []string{r.Scope}}
	}
	return rules
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
