package app

import (
	"fmt"

	"github.com/futugw/gateway/api/gen/go/futu/opend/notify"
	"google.golang.org/protobuf/proto"
)

// describeNotify turns an OpenD Notify (1003) push into a line for the panel.
func describeNotify(body []byte) (string, bool) {
	var r notify.Response
	if err := proto.Unmarshal(body, &r); err != nil || r.GetRetType() != 0 {
		return "", false
	}
	s := r.GetS2C()
	switch {
	case s.GetEvent() != nil:
		return fmt.Sprintf("OpenD event %d: %s", s.GetEvent().GetEventType(), s.GetEvent().GetDesc()), true
	case s.GetConnectStatus() != nil:
		return fmt.Sprintf("OpenD broker connection: quotes logged in %v, trading logged in %v",
			s.GetConnectStatus().GetQotLogined(), s.GetConnectStatus().GetTrdLogined()), true
	case s.GetProgramStatus() != nil:
		return fmt.Sprintf("OpenD program status %d", s.GetProgramStatus().GetProgramStatus().GetType()), true
	}
	return fmt.Sprintf("OpenD notify type %d", s.GetType()), true
}
