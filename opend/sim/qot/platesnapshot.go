package qot

import (
	"math"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// secTypePlate is Qot_Common.SecurityType_Plate.
const secTypePlate = int32(qotcommon.SecurityType_SecurityType_Plate)

// plateBase is a plate's level at the previous close: plates are
// equal-weighted indices of their members (plates.go), rebased every day.
const plateBase = 1000

// snapshotKeys resolves Qot_GetSecuritySnapshot's securities as resolve
// does, plate codes (plates.go) included.
func (s *Service) snapshotKeys(secs []*qotcommon.Security) ([]string, error) {
	if len(secs) == 0 || len(secs) > maxSecurities {
		return s.resolve(secs)
	}
	var others []*qotcommon.Security
	keys := make([]string, 0, len(secs))
	for _, sec := range secs {
		if _, ok := findPlate(securityKey(sec)); !ok {
			others = append(others, sec)
		}
		keys = append(keys, securityKey(sec))
	}
	if len(others) > 0 {
		if _, err := s.resolve(others); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// plateQuote is a plate's day as an equal-weighted index of its members'
// live quotes: each member's Open, High, Low and Cur relative to its
// LastClose, averaged, times plateBase; the volumes and turnovers add up.
// The mean of the members' highs bounds the plate's level through the day
// from above (and that of the lows from below), so they stand for its range.
// It also counts the members up, down and unchanged on their LastClose.
func (s *Service) plateQuote(p plate) (q market.Quote, up, down, flat int32) {
	q = market.Quote{Instrument: market.Instrument{Market: p.market, Code: p.code, Name: p.name,
		SecType: secTypePlate, ListTime: "2000-01-03"}}
	var open, high, low, cur float64
	var n int
	for _, in := range plateMembers(p, s.m.Instruments()) {
		m, ok := s.m.QuoteByKey(in.Key())
		if !ok || m.LastClose <= 0 {
			continue
		}
		n++
		open, high, low, cur = open+m.Open/m.LastClose, high+m.High/m.LastClose, low+m.Low/m.LastClose, cur+m.Cur/m.LastClose
		q.Volume += m.Volume
		q.Turnover += m.Turnover
		if m.Updated.After(q.Updated) {
			q.Updated = m.Updated
		}
		switch {
		case m.Cur > m.LastClose:
			up++
		case m.Cur < m.LastClose:
			down++
		default:
			flat++
		}
	}
	level := func(sum float64) float64 {
		if n == 0 {
			return plateBase
		}
		return math.Round(sum/float64(n)*plateBase*100) / 100
	}
	q.LastClose, q.Open, q.High, q.Low, q.Cur = plateBase, level(open), level(high), level(low), level(cur)
	q.Turnover = math.Round(q.Turnover*1000) / 1000
	if q.Updated.IsZero() {
		q.Updated = s.cfg.Now()
	}
	return q, up, down, flat
}

// plateSnapshot is a plate's Qot_GetSecuritySnapshot entry: the basic part
// of plateQuote and the members' breadth as PlateSnapshotExData.
func (s *Service) plateSnapshot(p plate) *qotgetsecuritysnapshot.Snapshot {
	q, up, down, flat := s.plateQuote(p)
	out := &qotgetsecuritysnapshot.Snapshot{Basic: snapshotBasic(q, nil, nil)}
	out.Basic.PriceSpread = proto.Float64(0.01)
	out.PlateExData = &qotgetsecuritysnapshot.PlateSnapshotExData{
		RaiseCount: proto.Int32(up), FallCount: proto.Int32(down), EqualCount: proto.Int32(flat)}
	return out
}
