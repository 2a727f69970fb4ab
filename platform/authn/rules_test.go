package authn

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	_ "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1" // the catalog's services, for apiMethods
	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/catalog"
	"github.com/futugw/gateway/platform/keypolicy"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// apiMethods lists every RPC of the gateway API's registered file descriptors (the
// packages futu.gateway.*), so a new RPC without a rule fails
// TestMethodRulesCoverEveryRPC.
func apiMethods(t *testing.T) []string {
	t.Helper()
	var out []string
	protoregistry.GlobalFiles.RangeFiles(func(f protoreflect.FileDescriptor) bool {
		if !strings.HasPrefix(string(f.Package()), "futu.gateway.") {
			return true
		}
		svcs := f.Services()
		for i := range svcs.Len() {
			s := svcs.Get(i)
			ms := s.Methods()
			for j := range ms.Len() {
				out = append(out, fmt.Sprintf("/%s/%s", s.FullName(), ms.Get(j).Name()))
			}
		}
		return true
	})
	if len(out) == 0 {
		t.Fatal("no RPCs found in the API descriptors")
	}
	return out
}

func TestMethodRulesCoverEveryRPC(t *testing.T) {
	rules := MethodRules()
	services := map[string]bool{}
	for _, m := range apiMethods(t) {
		if _, ok := rules[m]; !ok {
			t.Errorf("no auth rule for %s: give it a row in api/catalog.json and run `make catalog`", m)
		}
		svc, _, _ := strings.Cut(shortMethod(m), ".")
		services[svc] = true
	}
	for _, want := range []string{"AuthService", "QuoteService", "OrderService", "AccountService", "QuoteCatalogService", "AccountCatalogService"} {
		if !services[want] {
			t.Errorf("service %s not found in the API descriptors", want)
		}
	}
}

func TestMethodRulesHaveNoStrayEntries(t *testing.T) {
	api := apiMethods(t)
	for m := range MethodRules() {
		if !slices.Contains(api, m) && !isInfra(m) {
			t.Errorf("rule for %s, which is not an RPC of the API", m)
		}
	}
}

func isInfra(m string) bool {
	_, ok := ruleFor(nil, m)
	return ok
}

func TestMethodRulesContent(t *testing.T) {
	rules := MethodRules()
	tests := []struct {
		method string
		want   Rule
	}{
		{gatewayv1.AuthService_IssueKey_FullMethodName, Rule{Admin: true}},
		{gatewayv1.AuthService_ListAudit_FullMethodName, Rule{Admin: true}},
		{gatewayv1.AuthService_WhoAmI_FullMethodName, Rule{}},
		{gatewayv1.AuthService_Logout_FullMethodName, Rule{}},
		{gatewayv1.AuthService_Validate_FullMethodName, Rule{Public: true}},
		{gatewayv1.QuoteService_StreamPushes_FullMethodName, Rule{Scopes: []string{keypolicy.ScopeService}}},
		{gatewayv1.QuoteService_WatchQuotes_FullMethodName, Rule{Scopes: []string{keypolicy.ScopeQotRead}}},
		{gatewayv1.QuoteService_Subscribe_FullMethodName, Rule{Scopes: []string{keypolicy.ScopeQotRead}}},
		{gatewayv1.QuoteService_GetBasicQuote_FullMethodName, Rule{Scopes: []string{keypolicy.ScopeQotRead, keypolicy.ScopeService}}},
		{gatewayv1.AccountService_GetFunds_FullMethodName, Rule{Scopes: []string{keypolicy.ScopeAccRead}}},
		{gatewayv1.OrderService_StreamTradePushes_FullMethodName, Rule{Scopes: []string{keypolicy.ScopeService}}},
		{gatewayv1.OrderService_WatchTrades_FullMethodName, Rule{Scopes: []string{keypolicy.ScopeAccRead}}},
		{gatewayv1.OrderService_ListOrders_FullMethodName, Rule{Scopes: []string{keypolicy.ScopeAccRead}}},
		{gatewayv1.OrderService_PlaceOrder_FullMethodName, Rule{Scopes: []string{keypolicy.ScopeTradeSimulate, keypolicy.ScopeTradeReal}}},
	}
	for _, tt := range tests {
		got, ok := rules[tt.method]
		if !ok || got.Public != tt.want.Public || got.Admin != tt.want.Admin || !slices.Equal(got.Scopes, tt.want.Scopes) {
			t.Errorf("%s: rule = %+v (present %v), want %+v", tt.method, got, ok, tt.want)
		}
	}
	for _, m := range []string{"/grpc.health.v1.Health/Check", "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"} {
		if r, ok := ruleFor(rules, m); !ok || !r.Public {
			t.Errorf("%s should be public", m)
		}
	}
	if _, ok := ruleFor(rules, "/futu.gateway.v1.AuthService/DropAllKeys"); ok {
		t.Error("an unknown method has a rule")
	}
}

func TestShortMethod(t *testing.T) {
	for in, want := range map[string]string{
		"/futu.gateway.v1.QuoteService/Subscribe": "QuoteService.Subscribe",
		"/Svc/M":  "Svc.M",
		"garbage": "garbage",
		"":        "",
	} {
		if got := shortMethod(in); got != want {
			t.Errorf("shortMethod(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCatalogRoutesNeedTheirScope: a generic catalog route's rule is its row's
// scope, and a key without it is refused.
func TestCatalogRoutesNeedTheirScope(t *testing.T) {
	rules := MethodRules()
	for _, r := range catalog.Routes() {
		got, ok := rules[r.FullMethod]
		if !ok || got.Public || got.Admin || !slices.Equal(got.Scopes, r.Scopes) {
			t.Errorf("%s: rule %+v, want scopes %v", r.FullMethod, got, r.Scopes)
		}
	}
}

// TestEveryRuleIsARow: every rule comes from a catalog row, and a row that names no
// access at all (no scope, not public, not any key) gets no rule: refused.
func TestEveryRuleIsARow(t *testing.T) {
	rules := MethodRules()
	if len(rules) != len(catalog.All()) {
		t.Errorf("%d rules for %d catalog rows", len(rules), len(catalog.All()))
	}
	for m := range rules {
		if _, ok := catalog.ByMethod(m); !ok {
			t.Errorf("rule for %s, which has no catalog row", m)
		}
	}
	if r, ok := ruleOf(&catalog.Route{FullMethod: "/futu.gateway.v1.QuoteService/Nobody"}); ok {
		t.Errorf("a row without access has rule %+v", r)
	}
}
