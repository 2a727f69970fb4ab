package server

import (
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/catalog"
	"github.com/futugw/gateway/platform/errinfo"
)

// TestAccountFieldsOfTheCatalogAreChecked: every hand-written order or account method
// whose catalog row names account fields refuses an account outside the key's
// allowed_acc_ids (account_not_allowed), so the row says what the handler does.
func TestAccountFieldsOfTheCatalogAreChecked(t *testing.T) {
	e := newEnv(t)
	descs := map[string]*grpc.ServiceDesc{
		gatewayv1.OrderService_ServiceDesc.ServiceName:   &gatewayv1.OrderService_ServiceDesc,
		gatewayv1.AccountService_ServiceDesc.ServiceName: &gatewayv1.AccountService_ServiceDesc,
	}
	ctx := ctxFor("k-acc", &gatewayv1.KeyLimits{AllowedAccIds: []string{"1002"}})
	checked := 0
	for _, r := range catalog.All() {
		svc, method, _ := strings.Cut(strings.TrimPrefix(r.FullMethod, "/"), "/")
		desc, ok := descs[svc]
		if r.Generic || !ok || len(r.AccountFields) == 0 {
			continue
		}
		handler := unaryHandler(t, desc, method)
		for _, field := range r.AccountFields {
			req := r.NewIn()
			setPath(t, req.ProtoReflect(), field, protoreflect.ValueOfUint64(1001))
			if fd := req.ProtoReflect().Descriptor().Fields().ByName("trd_market"); fd != nil {
				req.ProtoReflect().Set(fd, protoreflect.ValueOfEnum(protoreflect.EnumNumber(gatewayv1.TrdMarket_TRD_MARKET_HK)))
			}
			_, err := handler(e.srv, ctx, func(m any) error { proto.Merge(m.(proto.Message), req); return nil }, nil)
			if got := errinfo.ReasonCode(err); got != "account_not_allowed" {
				t.Errorf("%s with %s 1001 outside allowed_acc_ids: %v (%s), want account_not_allowed", r.FullMethod, field, err, got)
			}
			checked++
		}
	}
	if checked < 8 {
		t.Errorf("%d account fields checked; the catalog names more", checked)
	}
}

func unaryHandler(t *testing.T, desc *grpc.ServiceDesc, method string) grpc.MethodHandler {
	t.Helper()
	for _, m := range desc.Methods {
		if m.MethodName == method {
			return m.Handler
		}
	}
	t.Fatalf("%s has no unary method %s", desc.ServiceName, method)
	return nil
}

// setPath sets the field at a dotted path of m, making the messages on the way.
func setPath(t *testing.T, m protoreflect.Message, path string, v protoreflect.Value) {
	t.Helper()
	head, rest, more := strings.Cut(path, ".")
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(head))
	if fd == nil {
		t.Fatalf("%s has no field %s", m.Descriptor().FullName(), head)
	}
	if more {
		setPath(t, m.Mutable(fd).Message(), rest, v)
		return
	}
	m.Set(fd, v)
}
