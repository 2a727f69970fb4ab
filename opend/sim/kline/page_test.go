package kline

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// Pages return every bar of the whole request exactly once, in order.
func TestPaging(t *testing.T) {
	s := testSeries(t, 2, testSecurities()[0])
	end := day(s, 2026, 12, 3).Add(24*time.Hour - time.Second)
	for _, c := range []struct {
		kl    KLType
		rt    RehabType
		begin time.Time
	}{
		{KL1Min, RehabNone, day(s, 2026, 11, 30)},
		{KL5Min, RehabForward, day(s, 2026, 11, 25)},
		{KL60Min, RehabBackward, day(s, 2026, 10, 1)},
		{KLDay, RehabForward, day(s, 2023, 1, 1)},
		{KLWeek, RehabNone, day(s, 2022, 6, 1)},
		{KLMonth, RehabBackward, day(s, 2018, 1, 1)},
		{KLQuarter, RehabForward, day(s, 2018, 1, 1)},
		{KLYear, RehabNone, day(s, 2016, 1, 1)},
	} {
		all, err := s.Request(Request{KLType: c.kl, Rehab: c.rt, Begin: c.begin, End: end})
		if err != nil || all.NextKey != nil || len(all.Bars) == 0 {
			t.Fatalf("kl=%d: %d bars, key %v, %v", c.kl, len(all.Bars), all.NextKey, err)
		}
		for _, max := range []int{1, 7, 100, len(all.Bars), len(all.Bars) + 1} {
			name := fmt.Sprintf("kl=%d max=%d", c.kl, max)
			if max == 1 && len(all.Bars) > 400 {
				continue
			}
			var got []Bar
			req := Request{KLType: c.kl, Rehab: c.rt, Begin: c.begin, End: end, Max: max}
			for pages := 0; ; pages++ {
				p, err := s.Request(req)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if len(p.Bars) > max || (p.NextKey != nil && len(p.Bars) != max) {
					t.Fatalf("%s: page of %d bars", name, len(p.Bars))
				}
				got = append(got, p.Bars...)
				if p.NextKey == nil {
					break
				}
				req.NextKey = p.NextKey
			}
			if !reflect.DeepEqual(got, all.Bars) {
				t.Errorf("%s: pages give %d bars, one request %d", name, len(got), len(all.Bars))
			}
		}
		for i, b := range all.Bars {
			if b.Time.Before(c.begin) || b.Time.After(end) || (i > 0 && !b.Time.After(all.Bars[i-1].Time)) {
				t.Errorf("kl=%d: bar %d at %s out of range or order", c.kl, i, b.TimeString())
			}
		}
	}
}

func TestRequestErrors(t *testing.T) {
	s := testSeries(t, 2, testSecurities()[0])
	begin, end := day(s, 2026, 11, 2), day(s, 2026, 12, 3)
	p, _ := s.Request(Request{KLType: KLDay, Begin: begin, End: end, Max: 3})
	for _, c := range []struct {
		req  Request
		want error
	}{
		{Request{KLType: 99, Begin: begin, End: end}, ErrKLType},
		{Request{KLType: KLDay, Rehab: 3, Begin: begin, End: end}, ErrRehab},
		{Request{KLType: KLWeek, Begin: begin, End: end, NextKey: p.NextKey}, ErrNextKey},
		{Request{KLType: KLDay, Begin: begin, End: end, NextKey: []byte("junk")}, ErrNextKey},
	} {
		if _, err := s.Request(c.req); !errors.Is(err, c.want) {
			t.Errorf("%+v: %v, want %v", c.req, err, c.want)
		}
	}
}
