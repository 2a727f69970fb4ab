package quotefanout

import (
	"fmt"
	"testing"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/services/quote/internal/subs"
)

// BenchmarkFanout measures one upstream push reaching N edge streams (each hosting a
// session subscribed to the security), with each stream draining as it goes.
func BenchmarkFanout(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("streams=%d", n), func(b *testing.B) {
			h := New(Options{})
			var streams []*Stream
			for i := range n {
				id := fmt.Sprintf("s%d", i)
				h.SessionChanged(id, []subs.Pair{{Sec: tencent, SubType: 1}})
				s := h.Open()
				s.SetSessions([]string{id})
				drain(s)
				streams = append(streams, s)
			}
			body := basicPush(b, basicQot(tencent, 480))
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if err := h.Publish(protoid.QotUpdateBasicQot, body, int64(i)); err != nil {
					b.Fatal(err)
				}
				for _, s := range streams {
					s.q.pop()
				}
			}
			b.StopTimer()
			for _, s := range streams {
				s.Close()
			}
		})
	}
}

// BenchmarkSplitEncode measures splitting a 20-security Qot_UpdateBasicQot push into
// one encoded frame per security (all wanted by one stream).
func BenchmarkSplitEncode(b *testing.B) {
	h := New(Options{})
	var qs []*qotcommon.BasicQot
	var ps []subs.Pair
	for i := range 20 {
		sec := subs.Security{Market: 1, Code: fmt.Sprintf("%05d", i)}
		qs = append(qs, basicQot(sec, float64(100+i)))
		ps = append(ps, subs.Pair{Sec: sec, SubType: 1})
	}
	h.SessionChanged("a", ps)
	s := h.Open()
	defer s.Close()
	s.SetSessions([]string{"a"})
	drain(s)
	body := basicPush(b, qs...)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := h.Publish(protoid.QotUpdateBasicQot, body, int64(i)); err != nil {
			b.Fatal(err)
		}
		drain(s)
	}
}
