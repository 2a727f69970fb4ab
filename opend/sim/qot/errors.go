package qot

import (
	"errors"
	"fmt"

	"github.com/futugw/gateway/opend/envelope"
	"google.golang.org/protobuf/proto"
)

// errCode values the simulator puts in failed responses. The real OpenD's codes
// are not documented per case; clients should read retMsg.
const (
	codeInvalid       int32 = 1  // malformed or incomplete request
	codeUnknownSec    int32 = 2  // security not in the simulated universe
	codeQuota         int32 = 3  // subscription quota exceeded
	codeHold          int32 = 4  // unsubscribe before the minimum hold
	codeNotSubscribed int32 = 5  // data requested without the needed subscription
	codeUnsupported   int32 = 6  // value that is not a Qot_Common.SubType
	codeWrongMarket   int32 = 7  // data the market does not have (broker queues, odd-lot books: HK only)
	codeGroup         int32 = 8  // watchlist group that does not exist or cannot be modified
	codeReminderKey   int32 = 9  // price reminder key that does not exist or names another security
	codeReminderLimit int32 = 10 // too many price reminders on one security
)

// codedError is a domain failure with its errCode.
type codedError struct {
	code int32
	msg  string
}

func (e *codedError) Error() string { return e.msg }

func failf(code int32, format string, args ...any) *codedError {
	return &codedError{code, fmt.Sprintf(format, args...)}
}

// toEnvelope turns any error into the *envelope.Error the server sends.
func toEnvelope(err error) error {
	var ce *codedError
	if errors.As(err, &ce) {
		return &envelope.Error{RetType: envelope.RetFailed, ErrCode: ce.code, RetMsg: ce.msg}
	}
	return err
}

// decode unmarshals a Request body, reporting malformed bodies (including a
// missing required c2s) as RetInvalid.
func decode(name string, body []byte, req proto.Message) error {
	if err := proto.Unmarshal(body, req); err != nil {
		return &envelope.Error{RetType: envelope.RetInvalid, ErrCode: codeInvalid,
			RetMsg: fmt.Sprintf("malformed %s request: %v", name, err)}
	}
	return nil
}
