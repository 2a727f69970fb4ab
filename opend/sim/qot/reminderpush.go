package qot

import (
	"cmp"
	"slices"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatepricereminder"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// onTick is the market listener that fires price reminders: an enabled
// reminder fires when a step takes its security into the reminder's
// condition during one of its sessions; it re-arms once the condition stops
// holding (Always), at most once a day (OnceADay), or is disabled after
// firing (OnlyOnce).
//
// OpenD pushes Qot_UpdatePriceReminder (3019) to the API connections of the
// account that owns the reminder without any Qot_Sub or RegQotPush (the SDKs
// only install a handler), so every connection of the user receives it.
func (u *userState) onTick(q market.Quote) {
	if u.remindedSecs.Load() == 0 {
		return
	}
	sec := q.Key()
	u.mu.Lock()
	if u.reminded[sec] == 0 {
		u.mu.Unlock()
		return
	}
	now := u.s.cfg.Now()
	session := reminderSession(q.Market, calendar.MarketState(marketState(q.Market, now)))
	cal, _ := calendarOf(q.Market)
	today := calendar.DateOf(now.In(calendar.Location(cal)))

	type firing struct {
		uid uint64
		msg *qotupdatepricereminder.Response
	}
	var fired []firing
	for _, d := range u.users {
		for _, r := range d.remindersOf(sec) {
			if !r.enabled {
				continue
			}
			cur, met := r.holds(q, now)
			if !met {
				r.armed = true
				continue
			}
			if !r.armed || !slices.Contains(r.sessions, session) {
				continue
			}
			r.armed = false
			if r.freq == freqOnceADay && r.firedOn == today {
				continue
			}
			r.firedOn = today
			if r.freq == freqOnlyOnce {
				r.enabled = false
			}
			fired = append(fired, firing{d.id, reminderPush(r, q, session, cur)})
		}
	}
	u.recount(sec)
	u.mu.Unlock()

	slices.SortStableFunc(fired, func(a, b firing) int { return cmp.Compare(a.uid, b.uid) })
	for _, f := range fired {
		pkt := u.s.encode(protoid.QotUpdatePriceReminder, f.msg)
		for _, c := range u.connsOf(f.uid) {
			u.s.pushFrame(c, pkt)
		}
	}
}

func reminderPush(r *reminder, q market.Quote, session int32, cur float64) *qotupdatepricereminder.Response {
	return &qotupdatepricereminder.Response{RetType: succeed(), S2C: &qotupdatepricereminder.S2C{
		Security:     security(q.Instrument),
		Name:         proto.String(q.Name),
		Price:        proto.Float64(q.Cur),
		ChangeRate:   proto.Float64(roundSigned4(changeRate(q))),
		MarketStatus: proto.Int32(session),
		Content:      proto.String(r.content(cur)),
		Note:         proto.String(r.note),
		Key:          proto.Int64(r.key),
		Type:         proto.Int32(r.typ),
		SetValue:     proto.Float64(r.value),
		CurValue:     proto.Float64(roundSigned4(cur)),
	}}
}
