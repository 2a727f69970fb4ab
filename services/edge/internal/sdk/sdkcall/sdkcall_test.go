package sdkcall

import (
	"errors"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/api/gen/go/futu/opend/getglobalstate"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsub"
	"github.com/futugw/gateway/platform/errinfo"
)

// The wire-built answers decode as the official Responses.
func TestAnswerAndRefuseDecodeAsOfficialResponses(t *testing.T) {
	var ok getglobalstate.Response
	mirror := &catalogv1.GetGlobalStateResponse{QotLogined: proto.Bool(true), ServerVer: proto.Int32(1000)}
	// AllowPartial: this mirror leaves out fields the official S2C requires.
	if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(Answer(mirror), &ok); err != nil {
		t.Fatal(err)
	}
	if ok.GetRetType() != RetSucceed || !ok.GetS2C().GetQotLogined() || ok.GetS2C().GetServerVer() != 1000 {
		t.Fatalf("answer decoded as %v", &ok)
	}

	var empty qotsub.Response
	if err := proto.Unmarshal(Answer(nil), &empty); err != nil || empty.GetRetType() != RetSucceed || empty.S2C != nil {
		t.Fatalf("answer without s2c: %v %v", &empty, err)
	}

	var refused qotsub.Response
	err := errinfo.New(codes.PermissionDenied, gatewayv1.Reason_REASON_SCOPE_DENIED, "this key lacks scope qot:read")
	if err := proto.Unmarshal(Refuse(err), &refused); err != nil {
		t.Fatal(err)
	}
	if refused.GetRetType() != RetFailed || refused.GetRetMsg() != "this key lacks scope qot:read (reason scope_denied)" ||
		refused.GetErrCode() != int32(gatewayv1.Reason_REASON_SCOPE_DENIED) {
		t.Fatalf("refusal decoded as %v", &refused)
	}
	var plain qotsub.Response
	if err := proto.Unmarshal(Refuse(errors.New("boom")), &plain); err != nil || plain.GetRetMsg() != "boom" || plain.GetErrCode() != 0 {
		t.Fatalf("refusal of a plain error: %v %v", &plain, err)
	}
}

// DecodeC2S reads an official Request's c2s into the catalog's mirror.
func TestDecodeC2S(t *testing.T) {
	req := &qotsub.Request{C2S: &qotsub.C2S{SubTypeList: []int32{1, 4}, IsSubOrUnSub: proto.Bool(true)}}
	body, err := proto.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var got qotsub.C2S
	if err := DecodeC2S(body, &got); err != nil || len(got.GetSubTypeList()) != 2 || !got.GetIsSubOrUnSub() {
		t.Fatalf("DecodeC2S = %v, %v", &got, err)
	}
	if _, err := C2S(nil); !errors.Is(err, ErrNoC2S) {
		t.Fatalf("C2S of an empty request: %v", err)
	}
	if _, err := C2S([]byte{0x0a, 0x05, 1}); err == nil {
		t.Fatal("a truncated c2s was accepted")
	}
}

// FuzzC2S: no input crashes the parser, and what it accepts re-encodes to itself.
func FuzzC2S(f *testing.F) {
	body, _ := proto.Marshal(&qotsub.Request{C2S: &qotsub.C2S{SubTypeList: []int32{1}}})
	f.Add(body)
	f.Add([]byte{0x0a, 0x00})
	f.Add([]byte{0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		c2s, err := C2S(b)
		if err != nil {
			return
		}
		if len(c2s) > len(b) {
			t.Fatalf("c2s of %d bytes from a body of %d", len(c2s), len(b))
		}
	})
}
