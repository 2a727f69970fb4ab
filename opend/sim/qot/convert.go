package qot

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// Timestamps follow each exchange's local time. Fixed offsets keep the
// simulator free of a tz database; US daylight saving is ignored.
var (
	zoneHK = time.FixedZone("HKT", 8*3600)
	zoneUS = time.FixedZone("EST", -5*3600)
)

func zoneOf(mkt int32) *time.Location {
	if mkt == market.MarketUS {
		return zoneUS
	}
	return zoneHK
}

const (
	layoutSecond = "2006-01-02 15:04:05"
	layoutMilli  = "2006-01-02 15:04:05.000"
)

func unixSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// listTimestamp converts a "2004-06-16" listing date to unix seconds at local midnight.
func listTimestamp(inst market.Instrument) float64 {
	t, err := time.ParseInLocation(time.DateOnly, inst.ListTime, zoneOf(inst.Market))
	if err != nil {
		return 0
	}
	return float64(t.Unix())
}

// maxSecurities caps one request's security list, like OpenD's per-call limits.
const maxSecurities = 400

// resolve checks that every requested security exists and returns their keys.
func (s *Service) resolve(secs []*qotcommon.Security) ([]string, error) {
	if len(secs) == 0 {
		return nil, failf(codeInvalid, "securityList is empty")
	}
	if len(secs) > maxSecurities {
		return nil, failf(codeInvalid, "too many securities: %d > %d per request", len(secs), maxSecurities)
	}
	keys := make([]string, 0, len(secs))
	for _, sec := range secs {
		if _, ok := s.m.Instrument(sec.GetMarket(), sec.GetCode()); !ok {
			return nil, failf(codeUnknownSec, "unknown security %s (market %d, code %q)",
				market.Key(sec.GetMarket(), sec.GetCode()), sec.GetMarket(), sec.GetCode())
		}
		keys = append(keys, market.Key(sec.GetMarket(), sec.GetCode()))
	}
	return keys, nil
}

func security(inst market.Instrument) *qotcommon.Security {
	return &qotcommon.Security{Market: proto.Int32(inst.Market), Code: proto.String(inst.Code)}
}

func securityOf(key string) *qotcommon.Security {
	mkt, code, _ := market.ParseKey(key)
	return &qotcommon.Security{Market: proto.Int32(mkt), Code: proto.String(code)}
}

func amplitude(q market.Quote) float64 {
	if q.LastClose <= 0 {
		return 0
	}
	return round4((q.High - q.Low) / q.LastClose * 100)
}

func round4(v float64) float64 {
	return float64(int64(v*1e4+0.5)) / 1e4
}

// basicQot builds a BasicQot with every required field set.
func basicQot(q market.Quote) *qotcommon.BasicQot {
	updated := q.Updated.In(zoneOf(q.Market))
	return &qotcommon.BasicQot{
		Security:        security(q.Instrument),
		Name:            proto.String(q.Name),
		IsSuspended:     proto.Bool(false),
		ListTime:        proto.String(q.ListTime),
		PriceSpread:     proto.Float64(priceSpread(q)), // kinds_snapshot.go
		UpdateTime:      proto.String(updated.Format(layoutSecond)),
		HighPrice:       proto.Float64(q.High),
		OpenPrice:       proto.Float64(q.Open),
		LowPrice:        proto.Float64(q.Low),
		CurPrice:        proto.Float64(q.Cur),
		LastClosePrice:  proto.Float64(q.LastClose),
		Volume:          proto.Int64(q.Volume),
		Turnover:        proto.Float64(q.Turnover),
		TurnoverRate:    proto.Float64(0),
		Amplitude:       proto.Float64(amplitude(q)),
		ListTimestamp:   proto.Float64(listTimestamp(q.Instrument)),
		UpdateTimestamp: proto.Float64(unixSeconds(q.Updated)),
		SecStatus:       proto.Int32(1), // SecurityStatus_Normal
	}
}

// staticID derives a stable security id from its key.
func staticID(key string) int64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return int64(h.Sum64() >> 24)
}

func staticInfo(inst market.Instrument) *qotcommon.SecurityStaticInfo {
	info := &qotcommon.SecurityStaticInfo{Basic: &qotcommon.SecurityStaticBasic{
		Security:      security(inst),
		Id:            proto.Int64(staticID(inst.Key())),
		LotSize:       proto.Int32(inst.LotSize),
		SecType:       proto.Int32(inst.SecType),
		Name:          proto.String(inst.Name),
		ListTime:      proto.String(inst.ListTime),
		Delisting:     proto.Bool(false),
		ListTimestamp: proto.Float64(listTimestamp(inst)),
	}}
	addStaticExData(info, inst) // kinds_static.go
	return info
}

// bookDepth is the number of order book levels on each side.
const bookDepth = 10

// level is one synthetic order book level.
type level struct {
	price  float64
	volume int64
	orders int32
}

// book derives a deterministic 10-level book around the last price: the best
// bid at the last price, the best ask one tick above, sizes from a hash of the
// security and its sequence number.
func book(q market.Quote) (asks, bids []level) {
	lot := int64(max(q.LotSize, 1))
	seed := uint64(staticID(q.Key())) ^ uint64(q.Seq)*0x9e3779b97f4a7c15
	up, down := gridSteps(q) // kinds_snapshot.go
	ask := up(q.Cur)
	bid := q.Cur
	for i := range bookDepth {
		ha, hb := mix(seed+uint64(2*i)), mix(seed+uint64(2*i+1))
		asks = append(asks, level{ask, lot * int64(1+ha%50), int32(1 + (ha>>32)%12)})
		if bid > 0 {
			bids = append(bids, level{bid, lot * int64(1+hb%50), int32(1 + (hb>>32)%12)})
		}
		ask = up(ask)
		bid = down(bid)
	}
	return asks, bids
}

// nextUp and nextDown step one tick along the grid, using the tick of the band
// being entered so band boundaries stay on the grid.
func nextUp(mkt int32, p float64) float64 {
	return market.Snap(mkt, p+market.TickSize(mkt, p+1e-9))
}

func nextDown(mkt int32, p float64) float64 {
	n := p - market.TickSize(mkt, p-1e-9)
	if n <= 0 {
		return 0
	}
	return market.Snap(mkt, n)
}

// mix is the splitmix64 finaliser: a cheap stateless hash for synthetic sizes.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func orderBookLevels(ls []level) []*qotcommon.OrderBook {
	out := make([]*qotcommon.OrderBook, len(ls))
	for i, l := range ls {
		out[i] = &qotcommon.OrderBook{Price: proto.Float64(l.price), Volume: proto.Int64(l.volume),
			OrederCount: proto.Int32(l.orders)}
	}
	return out
}

// Ticker directions (Qot_Common.TickerDirection) and the automatch type.
const (
	dirBid          int32 = 1
	dirAsk          int32 = 2
	dirNeutral      int32 = 3
	tickerAutomatch int32 = 1
)

func ticker(q market.Quote, dir int32) *qotcommon.Ticker {
	at := q.Updated.In(zoneOf(q.Market))
	return &qotcommon.Ticker{
		Time:      proto.String(at.Format(layoutMilli)),
		Sequence:  proto.Int64(q.Seq),
		Dir:       proto.Int32(dir),
		Price:     proto.Float64(q.Cur),
		Volume:    proto.Int64(q.LastVolume),
		Turnover:  proto.Float64(float64(q.LastVolume) * q.Cur),
		Type:      proto.Int32(tickerAutomatch),
		Timestamp: proto.Float64(unixSeconds(q.Updated)),
	}
}

func describe(key string, subType int32) string {
	return fmt.Sprintf("%s %s", key, subTypeName(subType))
}
