package qot

import (
	"context"

	"github.com/futugw/gateway/api/gen/go/futu/opend/common"
	"github.com/futugw/gateway/api/gen/go/futu/opend/getglobalstate"
	"github.com/futugw/gateway/api/gen/go/futu/opend/getuserinfo"
	"github.com/futugw/gateway/api/gen/go/futu/opend/notify"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"google.golang.org/protobuf/proto"
)

// Qot_Common.QotMarketState values reported by GetGlobalState: the simulated
// HK and US markets trade continuously; the others are closed.
const (
	stateAfternoon int32 = 5
	stateClosed    int32 = 6
)

// serverBuildNo is the simulator's build number in GetGlobalState.
const serverBuildNo int32 = 1

func succeed() *int32 { return proto.Int32(0) }

func (s *Service) getGlobalState(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in getglobalstate.Request
	if err := decode("GetGlobalState", req.Body, &in); err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	status := common.ProgramStatusType_ProgramStatusType_Ready
	hk, us, sh, sz, hkFuture := globalMarketStates(now)
	return &getglobalstate.Response{RetType: succeed(), S2C: &getglobalstate.S2C{
		MarketHK:       proto.Int32(hk),
		MarketUS:       proto.Int32(us),
		MarketSH:       proto.Int32(sh),
		MarketSZ:       proto.Int32(sz),
		MarketHKFuture: proto.Int32(hkFuture),
		QotLogined:     proto.Bool(true),
		TrdLogined:     proto.Bool(true),
		ServerVer:      proto.Int32(s.cfg.ServerVer),
		ServerBuildNo:  proto.Int32(serverBuildNo),
		Time:           proto.Int64(now.Unix()),
		LocalTime:      proto.Float64(unixSeconds(now)),
		ProgramStatus:  &common.ProgramStatus{Type: &status},
		ConnID:         proto.Uint64(c.ID()),
	}}, nil
}

// Qot_Common.QotRight values for GetUserInfo.
const (
	rightLevel2 int32 = 3
	rightNo     int32 = 5
)

func (s *Service) getUserInfo(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in getuserinfo.Request
	if err := decode("GetUserInfo", req.Body, &in); err != nil {
		return nil, err
	}
	return &getuserinfo.Response{RetType: succeed(), S2C: &getuserinfo.S2C{
		NickName:              proto.String("opend-sim"),
		ApiLevel:              proto.String("simulator"),
		HkQotRight:            proto.Int32(rightLevel2),
		UsQotRight:            proto.Int32(rightLevel2),
		CnQotRight:            proto.Int32(rightNo),
		IsNeedAgreeDisclaimer: proto.Bool(false),
		UserID:                proto.Int64(int64(s.cfg.UserID)),
		SubQuota:              proto.Int32(int32(s.cfg.SubQuota)),
		HistoryKLQuota:        proto.Int32(int32(s.kl.quota.limit)),
	}}, nil
}

// connStatusNotify builds a Notify push of type ConnStatus.
func connStatusNotify(qotLogined, trdLogined bool) *notify.Response {
	return &notify.Response{RetType: succeed(), S2C: &notify.S2C{
		Type: proto.Int32(int32(notify.NotifyType_NotifyType_ConnStatus)),
		ConnectStatus: &notify.ConnectStatus{
			QotLogined: proto.Bool(qotLogined),
			TrdLogined: proto.Bool(trdLogined),
		},
	}}
}

// NotifyConnStatus pushes a Notify (1003) ConnStatus event to one connection,
// as OpenD does when its own link to the broker drops or recovers.
func NotifyConnStatus(c *server.Conn, qotLogined, trdLogined bool) error {
	return c.Push(protoid.Notify, connStatusNotify(qotLogined, trdLogined))
}

// BroadcastConnStatus sends the ConnStatus notification to every connection
// that asked for notifications in InitConnect and returns how many got it.
func (s *Service) BroadcastConnStatus(qotLogined, trdLogined bool) int {
	msg := connStatusNotify(qotLogined, trdLogined)
	n := 0
	for _, c := range s.srv.Conns() {
		if !c.ClientInfo().GetRecvNotify() {
			continue
		}
		if err := c.Push(protoid.Notify, msg); err == nil {
			n++
		}
	}
	return n
}
