package sim

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/futugw/gateway/api/gen/go/futu/opend/getdelaystatistics"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// The GetDelayStatistics enums, as the int32 the messages carry.
const (
	statsQotPush    = int32(getdelaystatistics.DelayStatisticsType_DelayStatisticsType_QotPush)
	statsReqReply   = int32(getdelaystatistics.DelayStatisticsType_DelayStatisticsType_ReqReply)
	statsPlaceOrder = int32(getdelaystatistics.DelayStatisticsType_DelayStatisticsType_PlaceOrder)

	pushTypePrice     = int32(getdelaystatistics.QotPushType_QotPushType_Price)
	pushTypeTicker    = int32(getdelaystatistics.QotPushType_QotPushType_Ticker)
	pushTypeOrderBook = int32(getdelaystatistics.QotPushType_QotPushType_OrderBook)
	pushTypeBroker    = int32(getdelaystatistics.QotPushType_QotPushType_Broker)

	defaultStage = int32(getdelaystatistics.QotPushStage_QotPushStage_SR2CS)
)

// stageMeanMs is the mean delay, in milliseconds, of each QotPushStage: server
// processing and OpenD processing are fast, the network dominates. The
// numbers are the simulator's, chosen to look like a nearby OpenD.
var stageMeanMs = map[int32]float64{
	int32(getdelaystatistics.QotPushStage_QotPushStage_SR2SS): 0.8,  // server received -> server sent
	int32(getdelaystatistics.QotPushStage_QotPushStage_SS2CR): 12,   // network
	int32(getdelaystatistics.QotPushStage_QotPushStage_CR2CS): 0.4,  // OpenD processing
	int32(getdelaystatistics.QotPushStage_QotPushStage_SS2CS): 12.4, // server sent -> OpenD sent
	defaultStage: 13.2, // server received -> OpenD sent
}

// delayStats counts what GetDelayStatistics reports: price steps the market
// made (the pushes OpenD received) and requests answered, per proto id.
type delayStats struct {
	ticks, hkTicks atomic.Int64

	mu       sync.Mutex
	requests map[uint32]int64
}

func newDelayStats(m *market.Market) *delayStats {
	d := &delayStats{requests: make(map[uint32]int64)}
	m.OnTick(func(q market.Quote) {
		d.ticks.Add(1)
		if q.Market == market.MarketHK {
			d.hkTicks.Add(1) // broker queues exist for HK securities only
		}
	})
	return d
}

// observe counts one request that reached a handler.
func (d *delayStats) observe(protoID uint32) {
	d.mu.Lock()
	d.requests[protoID]++
	d.mu.Unlock()
}

func (s *Sim) getDelayStatistics(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in getdelaystatistics.Request
	if err := proto.Unmarshal(req.Body, &in); err != nil {
		return nil, &envelope.Error{RetType: envelope.RetInvalid, RetMsg: "malformed GetDelayStatistics request: " + err.Error()}
	}
	c2s := in.GetC2S()
	stage := c2s.GetQotPushStage()
	if stage == 0 {
		stage = defaultStage
	}
	mean, ok := stageMeanMs[stage]
	if !ok {
		return nil, envelope.Errorf("unknown qotPushStage %d: want 1-5 (QotPushStage)", stage)
	}
	bounds, err := segments(c2s.GetSegmentList())
	if err != nil {
		return nil, err
	}
	s2c := &getdelaystatistics.S2C{}
	for _, typ := range c2s.GetTypeList() {
		switch typ {
		case statsQotPush:
			s2c.QotPushStatisticsList = s.stats.pushStatistics(bounds, mean)
		case statsReqReply:
			s2c.ReqReplyStatisticsList = s.stats.reqReplyStatistics()
		case statsPlaceOrder:
			// Orders never leave the simulator, so there is no exchange leg to time.
		default:
			return nil, envelope.Errorf("unknown typeList value %d: want 1-3 (DelayStatisticsType)", typ)
		}
	}
	return &getdelaystatistics.Response{RetType: proto.Int32(envelope.RetSucceed), S2C: s2c}, nil
}

// segments turns a segmentList into bucket bounds [0, b1, ..., -1]; empty
// means OpenD's default: 2 ms steps below 100 ms, then 500, 1000, 2000 and
// infinity (-1). The documented minimum steps are 1 ms up to 100 ms, 50 ms up
// to 1000 ms and 500 ms up to 5000 ms; beyond 5000 ms only infinity.
func segments(list []int32) ([]int32, error) {
	if len(list) == 0 {
		var b []int32
		for v := int32(0); v <= 100; v += 2 {
			b = append(b, v)
		}
		return append(b, 500, 1000, 2000, -1), nil
	}
	b := slices.Clone(list)
	if b[0] != 0 {
		b = append([]int32{0}, b...)
	}
	if b[len(b)-1] != -1 {
		b = append(b, -1)
	}
	for i := 1; i < len(b)-1; i++ {
		lo, hi := b[i-1], b[i]
		step := int32(1)
		switch {
		case hi > 5000:
			return nil, envelope.Errorf("invalid segmentList: %d ms is past 5000 ms, the last segment you may set", hi)
		case hi > 1000:
			step = 500
		case hi > 100:
			step = 50
		}
		if hi-lo < step {
			return nil, envelope.Errorf("invalid segmentList: %d to %d ms is below the %d ms minimum segment there, or not ascending", lo, hi, step)
		}
	}
	return b, nil
}

// pushStatistics spreads each push type's count over the buckets along an
// exponential delay distribution of the stage's mean: deterministic, and its
// proportions add up to 100%.
func (d *delayStats) pushStatistics(bounds []int32, mean float64) []*getdelaystatistics.DelayStatistics {
	ticks, hk := d.ticks.Load(), d.hkTicks.Load()
	counts := []struct {
		typ int32
		n   int64
	}{{pushTypePrice, ticks}, {pushTypeTicker, ticks}, {pushTypeOrderBook, ticks}, {pushTypeBroker, hk}}
	out := make([]*getdelaystatistics.DelayStatistics, 0, len(counts))
	for _, c := range counts {
		out = append(out, &getdelaystatistics.DelayStatistics{
			QotPushType: proto.Int32(c.typ),
			ItemList:    buckets(bounds, mean, c.n),
			DelayAvg:    proto.Float32(float32(mean)),
			Count:       proto.Int32(int32(min(c.n, math.MaxInt32))),
		})
	}
	return out
}

func buckets(bounds []int32, mean float64, total int64) []*getdelaystatistics.DelayStatisticsItem {
	cdf := func(ms int32) float64 {
		if ms < 0 {
			return 1
		}
		return 1 - math.Exp(-float64(ms)/mean)
	}
	items := make([]*getdelaystatistics.DelayStatisticsItem, 0, len(bounds)-1)
	var assigned int64
	for i := 1; i < len(bounds); i++ {
		// Counts are rounded on the cumulative curve, so they sum to total.
		upto := int64(math.Round(float64(total) * cdf(bounds[i])))
		n := upto - assigned
		assigned = upto
		var prop, cum float32
		if total > 0 {
			prop = float32(100 * float64(n) / float64(total))
			cum = float32(100 * float64(upto) / float64(total))
		}
		items = append(items, &getdelaystatistics.DelayStatisticsItem{
			Begin:           proto.Int32(bounds[i-1]),
			End:             proto.Int32(bounds[i]),
			Count:           proto.Int32(int32(min(n, math.MaxInt32))),
			Proportion:      proto.Float32(prop),
			CumulativeRatio: proto.Float32(cum),
		})
	}
	return items
}

// localReply lists the requests OpenD answers from its own cache (subscribed
// real-time data) rather than by asking Futu's servers.
var localReply = map[uint32]bool{
	protoid.GetGlobalState: true, protoid.QotGetSubInfo: true, protoid.QotGetBasicQot: true,
	protoid.QotGetKL: true, protoid.QotGetRT: true, protoid.QotGetTicker: true,
	protoid.QotGetOrderBook: true, protoid.QotGetBroker: true,
}

// reqReplyStatistics reports every proto id answered so far, with costs that
// depend only on the id: a local reply costs well under a millisecond, a
// server round trip adds a network delay.
func (d *delayStats) reqReplyStatistics() []*getdelaystatistics.ReqReplyStatisticsItem {
	d.mu.Lock()
	ids := make([]uint32, 0, len(d.requests))
	for id := range d.requests {
		ids = append(ids, id)
	}
	counts := make(map[uint32]int64, len(ids))
	for _, id := range ids {
		counts[id] = d.requests[id]
	}
	d.mu.Unlock()
	slices.SortFunc(ids, func(a, b uint32) int { return cmp.Compare(a, b) })

	out := make([]*getdelaystatistics.ReqReplyStatisticsItem, 0, len(ids))
	for _, id := range ids {
		local := localReply[id]
		opend := 0.3 + float64(id%7)*0.05
		net := 0.0
		if !local {
			net = 18 + float64(id%11)
		}
		out = append(out, &getdelaystatistics.ReqReplyStatisticsItem{
			ProtoID:      proto.Int32(int32(id)),
			Count:        proto.Int32(int32(min(counts[id], math.MaxInt32))),
			TotalCostAvg: proto.Float32(float32(opend + net)),
			OpenDCostAvg: proto.Float32(float32(opend)),
			NetDelayAvg:  proto.Float32(float32(net)),
			IsLocalReply: proto.Bool(local),
		})
	}
	return out
}
