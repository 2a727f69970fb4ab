package qot

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetpricereminder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsetpricereminder"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// Qot_SetPriceReminder.SetPriceReminderOp values.
const (
	reminderAdd     = int32(qotsetpricereminder.SetPriceReminderOp_SetPriceReminderOp_Add)
	reminderDel     = int32(qotsetpricereminder.SetPriceReminderOp_SetPriceReminderOp_Del)
	reminderEnable  = int32(qotsetpricereminder.SetPriceReminderOp_SetPriceReminderOp_Enable)
	reminderDisable = int32(qotsetpricereminder.SetPriceReminderOp_SetPriceReminderOp_Disable)
	reminderModify  = int32(qotsetpricereminder.SetPriceReminderOp_SetPriceReminderOp_Modify)
	reminderDelAll  = int32(qotsetpricereminder.SetPriceReminderOp_SetPriceReminderOp_DelAll)
)

// setReminder adds, deletes, enables, disables or modifies one reminder, or
// deletes all of a security's. It answers the key operated on (0 for DelAll).
func (u *userState) setReminder(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotsetpricereminder.Request
	if err := decode("Qot_SetPriceReminder", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	if c2s.GetOp() < reminderAdd || c2s.GetOp() > reminderDelAll {
		return nil, toEnvelope(failf(codeInvalid, "op %d is not a SetPriceReminderOp (1-6)", c2s.GetOp()))
	}
	keys, err := u.s.resolve([]*qotcommon.Security{c2s.GetSecurity()})
	if err != nil {
		return nil, toEnvelope(err)
	}
	q, _ := u.s.m.QuoteByKey(keys[0])
	key, err := u.applyReminder(u.userOf(c), q, c2s)
	if err != nil {
		return nil, toEnvelope(err)
	}
	return &qotsetpricereminder.Response{RetType: succeed(), S2C: &qotsetpricereminder.S2C{Key: proto.Int64(key)}}, nil
}

func (u *userState) applyReminder(uid uint64, q market.Quote, c2s *qotsetpricereminder.C2S) (int64, error) {
	sec := q.Key()
	u.mu.Lock()
	defer u.mu.Unlock()
	d := u.user(uid)
	defer u.recount(sec)

	switch c2s.GetOp() {
	case reminderAdd:
		spec, err := checkSpec(q.Instrument, c2s.GetType(), c2s.GetFreq(), c2s.GetValue(), c2s.GetNote(), c2s.GetReminderSessionList())
		if err != nil {
			return 0, err
		}
		if n := len(d.remindersOf(sec)); n >= maxRemindersPerSecurity {
			return 0, failf(codeReminderLimit, "%s already has %d price reminders, the most allowed", sec, n)
		}
		r := &reminder{key: u.newKey(), sec: sec, enabled: true}
		r.set(spec, q, u.s.cfg.Now())
		d.reminders[r.key] = r
		return r.key, nil
	case reminderDelAll:
		for _, r := range d.remindersOf(sec) {
			delete(d.reminders, r.key)
		}
		return 0, nil
	}

	r, ok := d.reminders[c2s.GetKey()]
	if !ok || r.sec != sec {
		return 0, failf(codeReminderKey, "%s has no price reminder with key %d", sec, c2s.GetKey())
	}
	switch c2s.GetOp() {
	case reminderDel:
		delete(d.reminders, r.key)
	case reminderEnable:
		r.enabled = true
		r.recent = nil
		_, met := r.holds(q, u.s.cfg.Now())
		r.armed = !met
	case reminderDisable:
		r.enabled = false
	case reminderModify:
		// Fields left out keep their values.
		sessions := c2s.GetReminderSessionList()
		if len(sessions) == 0 {
			sessions = r.sessions
		}
		spec, err := checkSpec(q.Instrument, cmp.Or(c2s.GetType(), r.typ), cmp.Or(c2s.GetFreq(), r.freq),
			cmp.Or(c2s.GetValue(), r.value), cmpOrPtr(c2s.Note, r.note), sessions)
		if err != nil {
			return 0, err
		}
		r.set(spec, q, u.s.cfg.Now())
	}
	return r.key, nil
}

func cmpOrPtr(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

// set applies a checked spec and arms the reminder unless its condition
// already holds: it fires on the next crossing.
func (r *reminder) set(spec reminderSpec, q market.Quote, now time.Time) {
	r.typ, r.freq, r.value, r.note, r.sessions = spec.typ, spec.freq, spec.value, spec.note, spec.sessions
	r.recent = nil
	_, met := r.holds(q, now)
	r.armed = !met
}

// newKey returns a reminder key shaped like OpenD's (milliseconds since the
// epoch times a million, plus a sequence). Call with u.mu held.
func (u *userState) newKey() int64 {
	u.nextKey++
	return u.s.cfg.Now().UnixMilli()*1_000_000 + u.nextKey%1_000_000
}

// remindersOf returns a user's reminders on one security, by key.
func (d *userData) remindersOf(sec string) []*reminder {
	var out []*reminder
	for _, r := range d.reminders {
		if r.sec == sec {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *reminder) int { return cmp.Compare(a.key, b.key) })
	return out
}

// recount refreshes the number of enabled reminders on sec. Call with u.mu held.
func (u *userState) recount(sec string) {
	n := 0
	for _, d := range u.users {
		for _, r := range d.reminders {
			if r.sec == sec && r.enabled {
				n++
			}
		}
	}
	if n == 0 {
		delete(u.reminded, sec)
	} else {
		u.reminded[sec] = n
	}
	u.remindedSecs.Store(int64(len(u.reminded)))
}

// getReminders lists the reminders of one security, or of every security of
// a market (SH and SZ both mean the A-share market, as in OpenD).
func (u *userState) getReminders(_ context.Context, c *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetpricereminder.Request
	if err := decode("Qot_GetPriceReminder", req.Body, &in); err != nil {
		return nil, err
	}
	c2s := in.GetC2S()
	var match func(key string) bool
	switch {
	case c2s.GetSecurity() != nil:
		keys, err := u.s.resolve([]*qotcommon.Security{c2s.GetSecurity()})
		if err != nil {
			return nil, toEnvelope(err)
		}
		match = func(k string) bool { return k == keys[0] }
	case c2s.Market != nil:
		mkt := c2s.GetMarket()
		if _, ok := qotcommon.QotMarket_name[mkt]; !ok || mkt == 0 {
			return nil, toEnvelope(failf(codeInvalid, "market %d is not a QotMarket", mkt))
		}
		match = func(k string) bool {
			m, _, _ := market.ParseKey(k)
			return m == mkt || isCN(m) && isCN(mkt)
		}
	default:
		return nil, toEnvelope(failf(codeInvalid, "give a security or a market"))
	}

	u.mu.Lock()
	d := u.user(u.userOf(c))
	bySec := map[string][]*qotgetpricereminder.PriceReminderItem{}
	for _, r := range d.reminders {
		if match(r.sec) {
			bySec[r.sec] = append(bySec[r.sec], reminderItem(r))
		}
	}
	u.mu.Unlock()

	out := &qotgetpricereminder.S2C{}
	for _, sec := range slices.Sorted(maps.Keys(bySec)) {
		items := bySec[sec]
		slices.SortFunc(items, func(a, b *qotgetpricereminder.PriceReminderItem) int { return cmp.Compare(a.GetKey(), b.GetKey()) })
		q, _ := u.s.m.QuoteByKey(sec)
		out.PriceReminderList = append(out.PriceReminderList, &qotgetpricereminder.PriceReminder{
			Security: securityOf(sec), Name: proto.String(q.Name), ItemList: items,
		})
	}
	return &qotgetpricereminder.Response{RetType: succeed(), S2C: out}, nil
}

func reminderItem(r *reminder) *qotgetpricereminder.PriceReminderItem {
	return &qotgetpricereminder.PriceReminderItem{
		Key:                 proto.Int64(r.key),
		Type:                proto.Int32(r.typ),
		Value:               proto.Float64(r.value),
		Note:                proto.String(r.note),
		Freq:                proto.Int32(r.freq),
		IsEnable:            proto.Bool(r.enabled),
		ReminderSessionList: slices.Clone(r.sessions),
	}
}
