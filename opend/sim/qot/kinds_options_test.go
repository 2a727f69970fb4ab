package qot

import (
	"slices"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetoptionchain"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetoptionexpirationdate"
	"github.com/futugw/gateway/opend/envelope"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
	"github.com/futugw/gateway/opend/sim/rawclient"
	"google.golang.org/protobuf/proto"
)

func expirations(t *testing.T, c *rawclient.Client, owner string) ([]*qotgetoptionexpirationdate.OptionExpirationDate, envelope.Status) {
	t.Helper()
	var resp qotgetoptionexpirationdate.Response
	st := call(testCtx(t), t, c, protoid.QotGetOptionExpirationDate, &qotgetoptionexpirationdate.Request{
		C2S: &qotgetoptionexpirationdate.C2S{Owner: securityOf(owner)}}, &resp)
	return resp.GetS2C().GetDateList(), st
}

func chain(t *testing.T, c *rawclient.Client, c2s *qotgetoptionchain.C2S) ([]*qotgetoptionchain.OptionChain, envelope.Status) {
	t.Helper()
	var resp qotgetoptionchain.Response
	st := call(testCtx(t), t, c, protoid.QotGetOptionChain, &qotgetoptionchain.Request{C2S: c2s}, &resp)
	return resp.GetS2C().GetOptionChain(), st
}

func chainReq(owner, begin, end string) *qotgetoptionchain.C2S {
	return &qotgetoptionchain.C2S{Owner: securityOf(owner), BeginTime: proto.String(begin), EndTime: proto.String(end)}
}

// TestOptionChainMatchesExpirations: every expiration has a chain, every
// chain's strikes are sorted with a call and a put, and their codes resolve to
// options of that strike and expiry.
func TestOptionChainMatchesExpirations(t *testing.T) {
	e := startKinds(t)
	c := e.dial(t)
	for _, owner := range []string{"US.AAPL", "HK.00700"} {
		t.Run(owner, func(t *testing.T) {
			dates, st := expirations(t, c, owner)
			mustOK(t, st, "Qot_GetOptionExpirationDate")
			if len(dates) < 3 {
				t.Fatalf("%d expirations", len(dates))
			}
			var days []calendar.Date
			for i, d := range dates {
				day, ok := parseDay(d.GetStrikeTime())
				if !ok || d.GetOptionExpiryDateDistance() < 0 || i > 0 && !days[i-1].Before(day) {
					t.Fatalf("expiration %v after %v", d, days)
				}
				days = append(days, day)
			}
			// One request per expiry keeps within the 30-day span rule.
			for _, day := range days {
				chains, st := chain(t, c, chainReq(owner, day.String(), day.String()))
				mustOK(t, st, "Qot_GetOptionChain")
				if len(chains) != 1 || chains[0].GetStrikeTime() != day.String() || len(chains[0].GetOption()) != 11 {
					t.Fatalf("chain for %s = %d chains", day, len(chains))
				}
				var strikes []float64
				for _, item := range chains[0].GetOption() {
					call, put := item.GetCall(), item.GetPut()
					if call == nil || put == nil {
						t.Fatalf("item %v lacks a side", item)
					}
					ce, pe := call.GetOptionExData(), put.GetOptionExData()
					if ce.GetStrikePrice() != pe.GetStrikePrice() || ce.GetType() != market.OptionCall || pe.GetType() != market.OptionPut ||
						ce.GetStrikeTime() != day.String() || keyOf(ce.GetOwner()) != owner {
						t.Errorf("item call %v put %v", ce, pe)
					}
					if _, ok := e.mkt.Instrument(call.GetBasic().GetSecurity().GetMarket(), call.GetBasic().GetSecurity().GetCode()); !ok {
						t.Errorf("chain names unknown %v", call.GetBasic().GetSecurity())
					}
					strikes = append(strikes, ce.GetStrikePrice())
				}
				if !slices.IsSorted(strikes) {
					t.Errorf("strikes %v not sorted", strikes)
				}
			}
			// A 30-day window holds exactly the expirations within it.
			from := days[0]
			to := from.AddDays(maxChainSpanDays)
			chains, st := chain(t, c, chainReq(owner, from.String(), to.String()))
			mustOK(t, st, "Qot_GetOptionChain")
			want := 0
			for _, d := range days {
				if !d.After(to) {
					want++
				}
			}
			if len(chains) != want {
				t.Errorf("%d chains from %s to %s, want %d", len(chains), from, to, want)
			}
		})
	}
}

// TestOptionChainFilters: option type, in/out of the money and the data filter.
func TestOptionChainFilters(t *testing.T) {
	e := startKinds(t)
	c := e.dial(t)
	dates, _ := expirations(t, c, "US.AAPL")
	day := dates[0].GetStrikeTime()
	spot, _ := e.mkt.QuoteByKey("US.AAPL")
	deltaMin := 0.5

	tests := []struct {
		name   string
		modify func(*qotgetoptionchain.C2S)
		check  func(item *qotgetoptionchain.OptionItem) bool
	}{
		{"puts only", func(r *qotgetoptionchain.C2S) { r.Type = proto.Int32(market.OptionPut) },
			func(i *qotgetoptionchain.OptionItem) bool { return i.Call == nil && i.Put != nil }},
		{"in the money", func(r *qotgetoptionchain.C2S) { r.Condition = proto.Int32(optionCondWithin) },
			func(i *qotgetoptionchain.OptionItem) bool {
				return (i.Call == nil || i.GetCall().GetOptionExData().GetStrikePrice() < spot.Cur) &&
					(i.Put == nil || i.GetPut().GetOptionExData().GetStrikePrice() > spot.Cur)
			}},
		{"out of the money calls", func(r *qotgetoptionchain.C2S) {
			r.Type = proto.Int32(market.OptionCall)
			r.Condition = proto.Int32(optionCondOutside)
		}, func(i *qotgetoptionchain.OptionItem) bool {
			return i.Put == nil && i.GetCall().GetOptionExData().GetStrikePrice() >= spot.Cur
		}},
		{"delta at least 0.5", func(r *qotgetoptionchain.C2S) {
			r.DataFilter = &qotgetoptionchain.DataFilter{DeltaMin: &deltaMin}
		}, func(i *qotgetoptionchain.OptionItem) bool {
			return i.Put == nil && i.GetCall().GetOptionExData().GetStrikePrice() < spot.Cur*1.05
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := chainReq("US.AAPL", day, day)
			tt.modify(req)
			chains, st := chain(t, c, req)
			mustOK(t, st, "Qot_GetOptionChain")
			if len(chains) != 1 || len(chains[0].GetOption()) == 0 || len(chains[0].GetOption()) > 11 {
				t.Fatalf("%d chains", len(chains))
			}
			for _, item := range chains[0].GetOption() {
				if !tt.check(item) {
					t.Errorf("item %v", item)
				}
			}
		})
	}
}

func TestOptionRefusals(t *testing.T) {
	e := startKinds(t)
	c := e.dial(t)
	opt := e.firstOfKind(t, market.SecTypeDrvt, nil)
	dates, _ := expirations(t, c, "US.AAPL")
	day, _ := parseDay(dates[0].GetStrikeTime())
	tests := []struct {
		name string
		req  *qotgetoptionchain.C2S
		code int32
	}{
		{"unknown owner", chainReq("US.NOPE", day.String(), day.String()), codeUnknownSec},
		{"an option as owner", chainReq(opt.Key(), day.String(), day.String()), codeInvalid},
		{"a warrant as owner", chainReq("HK.13125", day.String(), day.String()), codeInvalid},
		{"span over 30 days", chainReq("US.AAPL", day.String(), day.AddDays(31).String()), codeInvalid},
		{"end before begin", chainReq("US.AAPL", day.String(), day.AddDays(-1).String()), codeInvalid},
		{"not a date", chainReq("US.AAPL", "tomorrow", day.String()), codeInvalid},
		{"bad type", func() *qotgetoptionchain.C2S {
			r := chainReq("US.AAPL", day.String(), day.String())
			r.Type = proto.Int32(7)
			return r
		}(), codeInvalid},
		{"bad condition", func() *qotgetoptionchain.C2S {
			r := chainReq("US.AAPL", day.String(), day.String())
			r.Condition = proto.Int32(3)
			return r
		}(), codeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, st := chain(t, c, tt.req)
			mustFail(t, st, "Qot_GetOptionChain", tt.code)
		})
	}

	for key, code := range map[string]int32{"US.NOPE": codeUnknownSec, "HK.HSImain": codeInvalid, opt.Key(): codeInvalid} {
		_, st := expirations(t, c, key)
		mustFail(t, st, "Qot_GetOptionExpirationDate "+key, code)
	}
	// A stock without listed options answers an empty list, not an error.
	got, st := expirations(t, c, "HK.00005")
	mustOK(t, st, "Qot_GetOptionExpirationDate HK.00005")
	chains, st2 := chain(t, c, chainReq("HK.00005", day.String(), day.String()))
	mustOK(t, st2, "Qot_GetOptionChain HK.00005")
	if len(got) != 0 || len(chains) != 0 {
		t.Errorf("HK.00005: %d expirations, %d chains", len(got), len(chains))
	}
}
