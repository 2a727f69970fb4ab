package server

import (
	"errors"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/futugw/gateway/platform/errinfo"
)

// An error no case maps is a fault: the caller reads a fixed text, never its detail.
func TestToStatusHidesFaults(t *testing.T) {
	cause := errors.New("decoding push from 10.0.0.5:11111: bad frame")
	err := toStatus(cause)
	st := status.Convert(err)
	if st.Code() != codes.Internal || st.Message() != errinfo.InternalText || errinfo.ReasonCode(err) != "internal" {
		t.Fatalf("toStatus = %v %q %q", st.Code(), st.Message(), errinfo.ReasonCode(err))
	}
	if !errors.Is(err, cause) {
		t.Fatal("the cause is lost for the log")
	}
}
