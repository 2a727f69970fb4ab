package qot

import (
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetpricereminder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsetpricereminder"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatepricereminder"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

var (
	typePriceUp   = int32(qotcommon.PriceReminderType_PriceReminderType_PriceUp)
	typePriceDown = int32(qotcommon.PriceReminderType_PriceReminderType_PriceDown)
	typeTurnover  = int32(qotcommon.PriceReminderType_PriceReminderType_TurnoverUp)
	typeVolume    = int32(qotcommon.PriceReminderType_PriceReminderType_VolumeUp)
)

func setReminder(t *testing.T, c *rawclient.Client, c2s *qotsetpricereminder.C2S) (int64, envelope.Status) {
	t.Helper()
	var resp qotsetpricereminder.Response
	st, err := c.Call(testCtx(t), protoid.QotSetPriceReminder, &qotsetpricereminder.Request{C2S: c2s}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetS2C().GetKey(), st
}

func addReminder(t *testing.T, c *rawclient.Client, key string, typ, freq int32, value float64) int64 {
	t.Helper()
	k, st := setReminder(t, c, &qotsetpricereminder.C2S{Security: securityOf(key), Op: proto.Int32(reminderAdd),
		Type: proto.Int32(typ), Freq: proto.Int32(freq), Value: proto.Float64(value), Note: proto.String("到价提醒")})
	mustOK(t, st, "add reminder")
	if k == 0 {
		t.Fatal("add returned key 0")
	}
	return k
}

func getReminders(t *testing.T, c *rawclient.Client, c2s *qotgetpricereminder.C2S) ([]*qotgetpricereminder.PriceReminder, envelope.Status) {
	t.Helper()
	var resp qotgetpricereminder.Response
	st, err := c.Call(testCtx(t), protoid.QotGetPriceReminder, &qotgetpricereminder.Request{C2S: c2s}, &resp)
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetS2C().GetPriceReminderList(), st
}

// reminderPushes drains the reminder pushes already received. Call it after
// a request round trip: pushes queued before the response arrive before it.
func reminderPushes(t *testing.T, c *rawclient.Client) []*qotupdatepricereminder.S2C {
	t.Helper()
	var out []*qotupdatepricereminder.S2C
	for {
		select {
		case f := <-c.Pushes():
			if f.ProtoID != protoid.QotUpdatePriceReminder {
				continue
			}
			var p qotupdatepricereminder.Response
			if err := proto.Unmarshal(f.Body, &p); err != nil {
				t.Fatalf("reminder push does not decode: %v", err)
			}
			out = append(out, p.GetS2C())
		default:
			return out
		}
	}
}

func TestPriceReminderCRUD(t *testing.T) {
	e := start(t, Config{})
	a, b := e.dial(t), e.dial(t)

	k1 := addReminder(t, a, "HK.00700", typePriceUp, freqAlways, 500.12345)
	k2 := addReminder(t, a, "HK.00700", typeTurnover, freqOnceADay, 1234567)
	k3 := addReminder(t, a, "US.AAPL", typeVolume, freqOnlyOnce, 1005)
	if k1 == k2 || k2 == k3 {
		t.Fatalf("keys not unique: %d %d %d", k1, k2, k3)
	}

	list, st := getReminders(t, b, &qotgetpricereminder.C2S{Security: securityOf("HK.00700")})
	mustOK(t, st, "get by security")
	if len(list) != 1 || keyOf(list[0].GetSecurity()) != "HK.00700" || list[0].GetName() != "TENCENT" || len(list[0].GetItemList()) != 2 {
		t.Fatalf("reminders of HK.00700 = %v", list)
	}
	it := list[0].GetItemList()
	if it[0].GetKey() != k1 || it[0].GetValue() != 500.123 || !it[0].GetIsEnable() || it[0].GetNote() != "到价提醒" ||
		len(it[0].GetReminderSessionList()) != 1 || it[0].GetReminderSessionList()[0] != sessionOpen {
		t.Errorf("price reminder = %v, want value truncated to 500.123, enabled, the Open session", it[0])
	}
	if it[1].GetValue() != 1234560 || it[1].GetFreq() != freqOnceADay {
		t.Errorf("turnover reminder = %v, want value floored to 1234560", it[1])
	}

	us, st := getReminders(t, b, &qotgetpricereminder.C2S{Market: proto.Int32(11)})
	mustOK(t, st, "get by market")
	if len(us) != 1 || len(us[0].GetItemList()) != 1 || us[0].GetItemList()[0].GetValue() != 1000 ||
		len(us[0].GetItemList()[0].GetReminderSessionList()) != 3 {
		t.Errorf("US reminders = %v, want AAPL volume 1000 over the default three sessions", us)
	}

	mustOK(t, func() envelope.Status {
		_, st := setReminder(t, b, &qotsetpricereminder.C2S{Security: securityOf("HK.00700"), Op: proto.Int32(reminderDisable), Key: proto.Int64(k1)})
		return st
	}(), "disable")
	k, st := setReminder(t, b, &qotsetpricereminder.C2S{Security: securityOf("HK.00700"), Op: proto.Int32(reminderModify),
		Key: proto.Int64(k2), Value: proto.Float64(99), Type: proto.Int32(typePriceDown)})
	mustOK(t, st, "modify")
	if k != k2 {
		t.Errorf("modify returned key %d, want %d", k, k2)
	}
	list, _ = getReminders(t, a, &qotgetpricereminder.C2S{Security: securityOf("HK.00700")})
	it = list[0].GetItemList()
	if it[0].GetIsEnable() || it[1].GetType() != typePriceDown || it[1].GetValue() != 99 || it[1].GetFreq() != freqOnceADay || it[1].GetNote() != "到价提醒" {
		t.Errorf("after disable and modify: %v", it)
	}

	_, st = setReminder(t, a, &qotsetpricereminder.C2S{Security: securityOf("HK.00700"), Op: proto.Int32(reminderDel), Key: proto.Int64(k1)})
	mustOK(t, st, "delete")
	k, st = setReminder(t, a, &qotsetpricereminder.C2S{Security: securityOf("HK.00700"), Op: proto.Int32(reminderDelAll)})
	mustOK(t, st, "delete all")
	if k != 0 {
		t.Errorf("delete all returned key %d, want 0", k)
	}
	list, _ = getReminders(t, b, &qotgetpricereminder.C2S{Market: proto.Int32(1)})
	if len(list) != 0 {
		t.Errorf("HK reminders after delete all: %v", list)
	}
	list, _ = getReminders(t, b, &qotgetpricereminder.C2S{Market: proto.Int32(11)})
	if len(list) != 1 {
		t.Errorf("US reminders touched by an HK delete-all: %v", list)
	}
}

func TestSetPriceReminderRefusals(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	k := addReminder(t, c, "HK.00700", typePriceUp, freqAlways, 600)
	add := func(mod func(*qotsetpricereminder.C2S)) *qotsetpricereminder.C2S {
		c2s := &qotsetpricereminder.C2S{Security: securityOf("HK.00700"), Op: proto.Int32(reminderAdd),
			Type: proto.Int32(typePriceUp), Freq: proto.Int32(freqAlways), Value: proto.Float64(600)}
		mod(c2s)
		return c2s
	}
	tests := []struct {
		name string
		c2s  *qotsetpricereminder.C2S
		code int32
	}{
		{"unknown op", add(func(r *qotsetpricereminder.C2S) { r.Op = proto.Int32(0) }), codeInvalid},
		{"unknown security", add(func(r *qotsetpricereminder.C2S) { r.Security = securityOf("US.NOPE") }), codeUnknownSec},
		{"unknown type", add(func(r *qotsetpricereminder.C2S) { r.Type = proto.Int32(16) }), codeInvalid},
		{"missing freq", add(func(r *qotsetpricereminder.C2S) { r.Freq = nil }), codeInvalid},
		{"zero value", add(func(r *qotsetpricereminder.C2S) { r.Value = proto.Float64(0) }), codeInvalid},
		{"long note", add(func(r *qotsetpricereminder.C2S) {
			r.Note = proto.String("一二三四五六七八九十一二三四五六七八九十一")
		}), codeInvalid},
		{"bad US session", add(func(r *qotsetpricereminder.C2S) {
			r.Security = securityOf("US.AAPL")
			r.ReminderSessionList = []int32{5}
		}), codeInvalid},
		{"unknown key", add(func(r *qotsetpricereminder.C2S) {
			r.Op = proto.Int32(reminderEnable)
			r.Key = proto.Int64(k + 1)
		}), codeReminderKey},
		{"key of another security", add(func(r *qotsetpricereminder.C2S) {
			r.Op = proto.Int32(reminderDel)
			r.Key = proto.Int64(k)
			r.Security = securityOf("HK.00005")
		}), codeReminderKey},
		{"modify to a bad value", add(func(r *qotsetpricereminder.C2S) {
			r.Op = proto.Int32(reminderModify)
			r.Key = proto.Int64(k)
			r.Value = proto.Float64(-1)
		}), codeInvalid},
	}
	for _, tt := range tests {
		_, st := setReminder(t, c, tt.c2s)
		mustFail(t, st, tt.name, tt.code)
	}
	for range maxRemindersPerSecurity - 1 {
		addReminder(t, c, "HK.00700", typePriceUp, freqAlways, 600)
	}
	_, st := setReminder(t, c, add(func(*qotsetpricereminder.C2S) {}))
	mustFail(t, st, "over the cap", codeReminderLimit)

	for _, tt := range []struct {
		name string
		c2s  *qotgetpricereminder.C2S
		code int32
	}{
		{"neither security nor market", &qotgetpricereminder.C2S{}, codeInvalid},
		{"unknown market", &qotgetpricereminder.C2S{Market: proto.Int32(7)}, codeInvalid},
		{"unknown security", &qotgetpricereminder.C2S{Security: securityOf("HK.99998")}, codeUnknownSec},
	} {
		_, st := getReminders(t, c, tt.c2s)
		mustFail(t, st, tt.name, tt.code)
	}
}

// TestPriceReminderFiresOnceOnCrossing drives the walk until it crosses a
// reminder's price: every connection of the user gets one push, and steps that
// stay above the price do not fire again.
func TestPriceReminderFiresOnceOnCrossing(t *testing.T) {
	e := start(t, Config{})
	a, b := e.dial(t), e.dial(t)
	const key = "HK.00700"
	q, _ := e.mkt.QuoteByKey(key)
	target := q.Cur + 1.0 // five ticks up
	k := addReminder(t, a, key, typePriceUp, freqAlways, target)
	once := addReminder(t, a, key, typePriceUp, freqOnlyOnce, target)

	crossed := false
	for range 100000 {
		if q, _ = e.mkt.Step(key); q.Cur >= target {
			crossed = true
			break
		}
	}
	if !crossed {
		t.Fatalf("walk never reached %v", target)
	}
	// A few more steps at or above the target fire nothing more.
	for range 3 {
		if q, _ = e.mkt.Step(key); q.Cur < target {
			break
		}
	}
	getReminders(t, a, &qotgetpricereminder.C2S{Security: securityOf(key)}) // round trip
	getReminders(t, b, &qotgetpricereminder.C2S{Security: securityOf(key)})
	for name, c := range map[string]*rawclient.Client{"a": a, "b": b} {
		got := reminderPushes(t, c)
		if len(got) != 2 {
			t.Fatalf("connection %s got %d reminder pushes, want one per reminder: %v", name, len(got), got)
		}
		p := got[0]
		if keyOf(p.GetSecurity()) != key || p.GetName() != "TENCENT" || p.GetKey() != k || p.GetType() != typePriceUp ||
			p.GetSetValue() != target || p.GetPrice() < target || p.GetCurValue() != p.GetPrice() ||
			p.GetMarketStatus() != sessionOpen || p.GetContent() == "" || p.GetNote() != "到价提醒" {
			t.Errorf("connection %s push = %v", name, p)
		}
		if got[1].GetKey() != once {
			t.Errorf("second push for key %d, want %d", got[1].GetKey(), once)
		}
	}

	// OnlyOnce is now disabled; Always re-arms once the price falls back and
	// fires again on the next crossing.
	list, _ := getReminders(t, a, &qotgetpricereminder.C2S{Security: securityOf(key)})
	if items := list[0].GetItemList(); !items[0].GetIsEnable() || items[1].GetIsEnable() {
		t.Errorf("after firing: %v, want Always enabled and OnlyOnce disabled", items)
	}
	fell, again := q.Cur < target, false
	for range 200000 {
		q, _ = e.mkt.Step(key)
		if q.Cur < target {
			fell = true
		} else if fell {
			again = true
			break
		}
	}
	if !again {
		t.Fatal("walk never fell back below and rose above the target")
	}
	getReminders(t, a, &qotgetpricereminder.C2S{Security: securityOf(key)})
	if got := reminderPushes(t, a); len(got) != 1 || got[0].GetKey() != k {
		t.Errorf("second crossing pushed %v, want the Always reminder once", got)
	}
}

// TestFiveMinuteChangeRateReminder: the windowed rate compares with the price
// five minutes of sim clock ago (the price when set, for a younger reminder).
func TestFiveMinuteChangeRateReminder(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	const key = "HK.00700"
	base, _ := e.mkt.QuoteByKey(key)
	fiveUp := int32(qotcommon.PriceReminderType_PriceReminderType_5MinChangeRateUp)
	k := addReminder(t, c, key, fiveUp, freqOnlyOnce, 0.2)
	var q = base
	for range 100000 {
		if q, _ = e.mkt.Step(key); (q.Cur-base.Cur)/base.Cur*100 >= 0.2 {
			break
		}
	}
	getReminders(t, c, &qotgetpricereminder.C2S{Security: securityOf(key)})
	got := reminderPushes(t, c)
	if len(got) != 1 || got[0].GetKey() != k || got[0].GetType() != fiveUp || got[0].GetCurValue() < 0.2 ||
		got[0].GetContent() == "" {
		t.Fatalf("pushes %v, want one 5-minute change push of at least 0.2%%", got)
	}
}

// crossUp steps key until its price goes from below target to at or above it.
func crossUp(t *testing.T, m *market.Market, key string, target float64) {
	t.Helper()
	q, _ := m.QuoteByKey(key)
	below := q.Cur < target
	for range 200000 {
		q, _ = m.Step(key)
		if q.Cur < target {
			below = true
		} else if below {
			return
		}
	}
	t.Fatalf("%s never crossed %v", key, target)
}

// TestOnceADayReminder fires on the first crossing of a day only, and again
// on the next day.
func TestOnceADayReminder(t *testing.T) {
	e := start(t, Config{})
	c := e.dial(t)
	const key = "HK.00005"
	q, _ := e.mkt.QuoteByKey(key)
	target := q.Cur + 0.1
	k := addReminder(t, c, key, typePriceUp, freqOnceADay, target)
	round := func() int {
		getReminders(t, c, &qotgetpricereminder.C2S{Security: securityOf(key)})
		n := 0
		for _, p := range reminderPushes(t, c) {
			if p.GetKey() == k {
				n++
			}
		}
		return n
	}
	crossUp(t, e.mkt, key, target)
	if n := round(); n != 1 {
		t.Fatalf("first crossing of the day: %d pushes", n)
	}
	crossUp(t, e.mkt, key, target)
	if n := round(); n != 0 {
		t.Fatalf("second crossing the same day: %d pushes", n)
	}
	e.clock.Advance(24 * time.Hour)
	crossUp(t, e.mkt, key, target)
	if n := round(); n != 1 {
		t.Fatalf("first crossing of the next day: %d pushes", n)
	}
}
