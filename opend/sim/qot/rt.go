package qot

import (
	"context"
	"sync"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetrt"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatert"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/kline"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// rtDays builds each RT-subscribed security's time-share for its trading day
// with a kline.Builder fed by the live walk, so an RT point is the 1-minute
// K-line of the same minute (close = price) of the K-line model with the same
// seed. A security's day is its market's local date; a tick on a later date
// starts a new day.
type rtDays struct {
	seed int64

	mu   sync.Mutex
	cals map[int32]kline.Calendar // DefaultCalendar loads a time zone: once per market
	hist map[histDay]*kline.History
	days map[string]rtDay
}

// rtDay is one security's time-share builder and its local day.
type rtDay struct {
	b   *kline.Builder
	s   *kline.Series
	day time.Time
}

type histDay struct {
	market int32
	day    time.Time
}

func newRTDays(seed int64) *rtDays {
	return &rtDays{seed: seed, cals: make(map[int32]kline.Calendar), hist: make(map[histDay]*kline.History), days: make(map[string]rtDay)}
}

// start begins key's time-share if it has none, with q as its first trade.
// Building the day's model takes a few milliseconds: it runs once per security.
func (r *rtDays) start(q market.Quote) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.days[q.Key()]; ok {
		return
	}
	d := r.dayLocked(q)
	r.days[q.Key()] = d
	d.b.Add(kline.TickOf(q))
}

// add records a step of a security whose time-share was started.
func (r *rtDays) add(q market.Quote) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.days[q.Key()]
	if !ok || d.b.Add(kline.TickOf(q)) {
		return
	}
	// Refused: a tick of another day (or of a day without sessions). Move on
	// to the tick's own day when it is a new one.
	if next := r.dayLocked(q); next.day.After(d.day) {
		r.days[q.Key()] = next
		next.b.Add(kline.TickOf(q))
	}
}

// dayLocked returns a Builder for q's security on q's local day.
func (r *rtDays) dayLocked(q market.Quote) rtDay {
	cal := r.cals[q.Market]
	if cal == nil {
		cal = kline.DefaultCalendar(q.Market)
		r.cals[q.Market] = cal
	}
	hd := histDay{q.Market, kline.Midnight(q.Updated, cal.Location())}
	if d, ok := r.days[q.Key()]; ok && d.day.Equal(hd.day) {
		return d
	}
	h := r.hist[hd]
	if h == nil {
		h = kline.NewHistory(kline.Config{Seed: r.seed, Today: hd.day})
		r.hist[hd] = h
	}
	series := h.Series(kline.SecurityOf(q.Instrument, q.LastClose))
	return rtDay{series.NewBuilder(q.Open), series, hd.day}
}

// minutes returns key's time-share of its current day so far, nil before it
// was started or on a day without trading.
func (r *rtDays) minutes(key string) []kline.Bar {
	r.mu.Lock()
	d, ok := r.days[key]
	r.mu.Unlock()
	if !ok {
		return nil
	}
	return d.b.Minutes()
}

// latestSession is what Qot_GetRT shows: today's time-share, or on a day
// without trading (a weekend, a holiday) the whole of the last trading day,
// as OpenD keeps showing the last session while the market is closed.
func (r *rtDays) latestSession(key string) []kline.Bar {
	r.mu.Lock()
	d, ok := r.days[key]
	r.mu.Unlock()
	if !ok {
		return nil
	}
	if bars := d.b.Minutes(); len(bars) > 0 || len(d.s.Calendar().Sessions(d.day)) > 0 {
		return bars
	}
	prev, ok := kline.PrevTradingDay(d.s.Calendar(), d.day)
	if !ok {
		return nil
	}
	bars, _ := d.s.Minutes(prev)
	return bars
}

// timeShares converts minute bars to RT points; avgPrice is the day's
// volume-weighted average up to each minute.
func timeShares(bars []kline.Bar) []*qotcommon.TimeShare {
	out := make([]*qotcommon.TimeShare, 0, len(bars))
	var vol int64
	var turnover float64
	for _, b := range bars {
		vol += b.Volume
		turnover += b.Turnover
		avg := b.Close
		if vol > 0 {
			avg = round4(turnover / float64(vol))
		}
		out = append(out, &qotcommon.TimeShare{
			Time:           proto.String(b.TimeString()),
			Minute:         proto.Int32(int32(b.Time.Hour()*60 + b.Time.Minute())),
			IsBlank:        proto.Bool(false),
			Price:          proto.Float64(b.Close),
			LastClosePrice: proto.Float64(bars[0].LastClose),
			AvgPrice:       proto.Float64(avg),
			Volume:         proto.Int64(b.Volume),
			Turnover:       proto.Float64(b.Turnover),
			Timestamp:      proto.Float64(b.Timestamp()),
		})
	}
	return out
}

// rtPush is the Qot_UpdateRT push after a step: the minute being formed, nil
// before the security's time-share has any.
func (s *Service) rtPush(q market.Quote) *qotupdatert.Response {
	pts := timeShares(s.live.rt.minutes(q.Key()))
	if len(pts) == 0 {
		return nil
	}
	return &qotupdatert.Response{RetType: succeed(), S2C: &qotupdatert.S2C{
		Security: security(q.Instrument),
		Name:     proto.String(q.Name),
		RtList:   pts[len(pts)-1:],
	}}
}

// getRT returns today's time-share of a security subscribed with RT: one
// point per trading minute from the open to the current minute (the last
// trading day's on a day the market is closed).
func (s *Service) getRT(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetrt.Request
	if err := decode("Qot_GetRT", req.Body, &in); err != nil {
		return nil, err
	}
	q, err := s.oneSecurity(in.GetC2S().GetSecurity())
	if err != nil {
		return nil, toEnvelope(err)
	}
	if err := s.needSub(c, q.Key(), SubRT); err != nil {
		return nil, toEnvelope(err)
	}
	s.live.rt.start(q) // no-op unless the subscription predates the history
	return &qotgetrt.Response{RetType: succeed(), S2C: &qotgetrt.S2C{
		Security: security(q.Instrument),
		Name:     proto.String(q.Name),
		RtList:   timeShares(s.live.rt.latestSession(q.Key())),
	}}, nil
}
