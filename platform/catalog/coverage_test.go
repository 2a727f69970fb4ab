package catalog

import (
	"bufio"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// gatewayMethods walks the registered descriptors of the gateway's own packages
// (futu.gateway.v1 and the catalog's futu.gateway.catalog.v1) and returns every gRPC
// method of their services by full name ("/futu.gateway.v1.QuoteService/Subscribe").
func gatewayMethods(t *testing.T) map[string]protoreflect.MethodDescriptor {
	t.Helper()
	out := map[string]protoreflect.MethodDescriptor{}
	protoregistry.GlobalFiles.RangeFiles(func(f protoreflect.FileDescriptor) bool {
		if !strings.HasPrefix(string(f.Package()), "futu.gateway.") {
			return true
		}
		for i := range f.Services().Len() {
			s := f.Services().Get(i)
			for j := range s.Methods().Len() {
				m := s.Methods().Get(j)
				out[fmt.Sprintf("/%s/%s", s.FullName(), m.Name())] = m
			}
		}
		return true
	})
	for _, svc := range []string{"AuthService", "QuoteService", "OrderService", "AccountService", "QuoteCatalogService", "AccountCatalogService"} {
		if !slices.ContainsFunc(slices.Collect(maps.Keys(out)), func(m string) bool { return strings.Contains(m, "."+svc+"/") }) {
			t.Fatalf("service %s not found in the registered descriptors", svc)
		}
	}
	return out
}

// TestEveryMethodHasARow: every gRPC method of the gateway's services has a catalog
// row, every row names a method that exists, with that method's own request and
// response types and streaming, and a generic row is a method of the catalog's
// generated services while a hand-written one is not.
func TestEveryMethodHasARow(t *testing.T) {
	methods := gatewayMethods(t)
	for full := range methods {
		if _, ok := ByMethod(full); !ok {
			t.Errorf("%s has no row in api/catalog.json: add one (\"handler\": \"service\" for a hand-written method) and run `make catalog`", full)
		}
	}
	seen := map[string]bool{}
	for _, r := range All() {
		if seen[r.FullMethod] {
			t.Errorf("%s: two rows", r.FullMethod)
		}
		seen[r.FullMethod] = true
		m, ok := methods[r.FullMethod]
		if !ok {
			t.Errorf("row %s names no gRPC method of the gateway", r.FullMethod)
			continue
		}
		if string(m.Name()) != r.Name {
			t.Errorf("%s: row name %s", r.FullMethod, r.Name)
		}
		if got := r.NewIn().ProtoReflect().Descriptor().FullName(); got != m.Input().FullName() {
			t.Errorf("%s: row request %s, method takes %s", r.FullMethod, got, m.Input().FullName())
		}
		if got := r.NewOut().ProtoReflect().Descriptor().FullName(); got != m.Output().FullName() {
			t.Errorf("%s: row response %s, method answers %s", r.FullMethod, got, m.Output().FullName())
		}
		if streaming := m.IsStreamingClient() || m.IsStreamingServer(); streaming != r.Streaming {
			t.Errorf("%s: row streaming %v, method %v", r.FullMethod, r.Streaming, streaming)
		}
		catalogSvc := m.Parent().FullName().Parent() == "futu.gateway.catalog.v1"
		if r.Generic != catalogSvc {
			t.Errorf("%s: generic %v, but a method of %s", r.FullMethod, r.Generic, m.Parent().FullName())
		}
		if r.Generic && (r.NewRequest == nil || r.NewResponse == nil) {
			t.Errorf("%s: a generic row without the official messages", r.FullMethod)
		}
		n := len(r.Scopes)
		if r.Public && (r.AnyKey || n > 0) || r.AnyKey && n > 0 || !r.Public && !r.AnyKey && n == 0 {
			t.Errorf("%s: access public %v, any key %v, scopes %v: exactly one of them", r.FullMethod, r.Public, r.AnyKey, r.Scopes)
		}
		// A request field that names an account is an account field of the row.
		if fd := m.Input().Fields().ByName("acc_id"); !r.Generic && fd != nil && !slices.Contains(r.AccountFields, "acc_id") {
			t.Errorf("%s: its request's acc_id is not among the row's account_fields", r.FullMethod)
		}
		if r.Streaming && r.HTTPMethod != "" {
			t.Errorf("%s: a stream with a REST route", r.FullMethod)
		}
	}
	if len(Routes()) == 0 || len(Routes()) == len(All()) {
		t.Errorf("%d generic routes of %d rows", len(Routes()), len(All()))
	}
}

// restRule is one binding of an http rule of api/gateway.yaml.
type restRule struct{ selector, method, path, body string }

// gatewayRules reads every REST binding of api/gateway.yaml's http rules (the
// subset of YAML that file is written in: a selector per rule, a method: path line, an
// optional body and additional_bindings list).
func gatewayRules(t *testing.T) []restRule {
	t.Helper()
	f, err := os.Open("../../api/gateway.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []restRule
	selector := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		line = strings.TrimPrefix(line, "- ")
		key, val, ok := strings.Cut(line, ": ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		val = strings.Trim(val, `"`)
		switch key {
		case "selector":
			selector = val
		case "get", "post", "put", "patch", "delete":
			if selector == "" {
				t.Fatalf("gateway.yaml: %q before any selector", line)
			}
			out = append(out, restRule{selector: selector, method: strings.ToUpper(key), path: val})
		case "body":
			if len(out) == 0 {
				t.Fatalf("gateway.yaml: body before any binding")
			}
			out[len(out)-1].body = val
		case "response_body", "type", "config_version":
		default:
			t.Fatalf("gateway.yaml: unknown key in %q", line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no http rules in api/gateway.yaml")
	}
	return out
}

// selectorOf turns "/futu.gateway.v1.AuthService/WhoAmI" into the yaml selector
// "futu.gateway.v1.AuthService.WhoAmI".
func selectorOf(fullMethod string) string {
	return strings.Replace(strings.TrimPrefix(fullMethod, "/"), "/", ".", 1)
}

// TestEveryRESTRuleHasARow: each REST binding of api/gateway.yaml is a REST form of
// the row of its method, and each row's REST forms are in gateway.yaml.
func TestEveryRESTRuleHasARow(t *testing.T) {
	inYAML := map[restRule]bool{}
	for _, rule := range gatewayRules(t) {
		if inYAML[rule] {
			t.Errorf("gateway.yaml: %+v twice", rule)
		}
		inYAML[rule] = true
	}
	fromRows := map[restRule]bool{}
	for _, r := range All() {
		for _, b := range r.REST() {
			fromRows[restRule{selector: selectorOf(r.FullMethod), method: b.Method, path: b.Path, body: b.Body}] = true
		}
	}
	for rule := range inYAML {
		if !fromRows[rule] {
			t.Errorf("gateway.yaml: %s %s (%s, body %q) has no catalog row: add it to api/catalog.json and run `make catalog`", rule.method, rule.path, rule.selector, rule.body)
		}
	}
	for rule := range fromRows {
		if !inYAML[rule] {
			t.Errorf("catalog row %s: %s %s is not in gateway.yaml: run `make catalog`", rule.selector, rule.method, rule.path)
		}
	}
}
