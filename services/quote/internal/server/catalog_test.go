package server

import (
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/sim"
)

// TestCatalogGeneric serves catalog routes over gRPC with the quote service's
// generic handler against the simulator: answers are the mirrored S2C; the scope,
// security fields, required fields and OpenD's refusals are checked.
func TestCatalogGeneric(t *testing.T) {
	e := newEnv(t, envOpts{sim: sim.Config{PushInterval: time.Second}})
	qc := catalogv1.NewQuoteCatalogServiceClient(e.cc)
	hk := &catalogv1.Security{Market: proto.Int32(1), Code: proto.String("00700")}

	ms, err := qc.GetMarketState(as(0), &catalogv1.GetMarketStateRequest{SecurityList: []*catalogv1.Security{hk}})
	if err != nil {
		t.Fatal(err)
	}
	if l := ms.GetMarketInfoList(); len(l) != 1 || l[0].GetSecurity().GetCode() != "00700" {
		t.Errorf("market state %v", ms)
	}

	snap, err := qc.GetSecuritySnapshot(as(0), &catalogv1.GetSecuritySnapshotRequest{SecurityList: []*catalogv1.Security{hk}})
	if err != nil {
		t.Fatal(err)
	}
	if l := snap.GetSnapshotList(); len(l) != 1 || l[0].GetBasic().GetCurPrice() <= 0 {
		t.Errorf("snapshot %v", snap)
	}

	kl := &catalogv1.GetKLRequest{RehabType: catalogv1.RehabType_REHAB_TYPE_FORWARD.Enum(), KlType: catalogv1.KLType_KL_TYPE_DAY.Enum(),
		Security: hk, ReqNum: proto.Int32(5)}
	_, err = qc.GetKL(as(3), kl)
	wantCode(t, err, codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED)
	_, err = qc.GetKL(as(0), kl) // no K-line subscription on OpenD's side
	wantCode(t, err, codes.FailedPrecondition, gatewayv1.Reason_REASON_OPEND_REFUSED)
	_, err = qc.GetKL(as(0), &catalogv1.GetKLRequest{KlType: kl.KlType, Security: hk, ReqNum: kl.ReqNum})
	wantCode(t, err, codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT)
	_, err = qc.GetKL(as(0), &catalogv1.GetKLRequest{RehabType: kl.RehabType, KlType: kl.KlType, ReqNum: kl.ReqNum,
		Security: &catalogv1.Security{Market: proto.Int32(1), Code: proto.String("007 00")}})
	wantCode(t, err, codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT)
}
