package authn

import (
	"strings"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
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

	rules := map[string]Rule{
		gatewayv1.AuthService_IssueKey_FullMethodName:       admin,
		gatewayv1.AuthService_ListKeys_FullMethodName:       admin,
		gatewayv1.AuthService_GetKey_FullMethodName:         admin,
		gatewayv1.AuthService_RevokeKey_FullMethodName:      admin,
		gatewayv1.AuthService_ListAudit_FullMethodName:      admin,
		gatewayv1.AuthService_WhoAmI_FullMethodName:         anyKey,
		gatewayv1.AuthService_CreateSession_FullMethodName:  anyKey,
		gatewayv1.AuthService_RefreshSession_FullMethodName: anyKey,
		gatewayv1.AuthService_Logout_FullMethodName:         anyKey,
		// Validate carries the key to check in its body; the auth service audits it.
		gatewayv1.AuthService_Validate_FullMethodName: {Public: true},

		gatewayv1.QuoteService_Subscribe_FullMethodName:         qot,
		gatewayv1.QuoteService_Unsubscribe_FullMethodName:       qot,
		gatewayv1.QuoteService_ListSubscriptions_FullMethodName: qot,
		// The order service values market orders with its own service key.
		gatewayv1.QuoteService_GetBasicQuote_FullMethodName: Rule{Scopes: []string{keypolicy.ScopeQotRead, keypolicy.ScopeService}},
		gatewayv1.QuoteService_GetStaticInfo_FullMethodName: qot,
		// The push streams carry every session's data; only an edge's service key may open them.
		gatewayv1.QuoteService_StreamPushes_FullMethodName: svc,
		// A tool's own stream carries its own session's subscriptions only.
		gatewayv1.QuoteService_WatchQuotes_FullMethodName: qot,

		gatewayv1.AccountService_ListAccounts_FullMethodName: acc,
		gatewayv1.AccountService_GetFunds_FullMethodName:     acc,
		gatewayv1.AccountService_GetPositions_FullMethodName: acc,

		gatewayv1.OrderService_ListOrders_FullMethodName:        acc,
		gatewayv1.OrderService_ListOrderFills_FullMethodName:    acc,
		gatewayv1.OrderService_StreamTradePushes_FullMethodName: svc,
		gatewayv1.OrderService_WatchTrades_FullMethodName:       acc,
		gatewayv1.OrderService_PlaceOrder_FullMethodName:        trade,
		gatewayv1.OrderService_ModifyOrder_FullMethodName:       trade,
		gatewayv1.OrderService_CancelOrder_FullMethodName:       trade,
		gatewayv1.OrderService_CancelAllOrder_FullMethodName:    trade,
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
