package qot

import (
	"testing"
	"time"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotrequesthistorykl"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/kline"
)

// BenchmarkKLineList1000 measures converting and encoding the 1,000 bars of
// a full Qot_RequestHistoryKL page: the server's share of the answer.
func BenchmarkKLineList1000(b *testing.B) {
	bars := make([]kline.Bar, 1000)
	t0 := time.Date(2025, 2, 28, 9, 31, 0, 0, time.UTC)
	for i := range bars {
		bars[i] = kline.Bar{Time: t0.Add(time.Duration(i) * time.Minute), Open: 400, High: 401, Low: 399,
			Close: 400.2, LastClose: 400, Volume: 12000, Turnover: 4.8e6}
	}
	b.ReportAllocs()
	for b.Loop() {
		resp := &qotrequesthistorykl.Response{RetType: succeed(), S2C: &qotrequesthistorykl.S2C{
			Security: securityOf("HK.00700"), KlList: klineList(bars, fieldsAll)}}
		if _, err := server.EncodePush(protoid.QotRequestHistoryKL, resp); err != nil {
			b.Fatal(err)
		}
	}
}

// The messages of a list do not share a field: changing one leaves the
// others alone.
func TestKLineListIndependent(t *testing.T) {
	bars := []kline.Bar{{Time: time.Unix(60, 0), Close: 1, Volume: 1}, {Time: time.Unix(120, 0), Close: 2, Volume: 2}}
	list := klineList(bars, fieldsAll)
	*list[0].ClosePrice, *list[0].Volume, *list[0].Time = 9, 9, "x"
	if list[1].GetClosePrice() != 2 || list[1].GetVolume() != 2 || list[1].GetTime() == "x" {
		t.Errorf("second message changed: %v", list[1])
	}
	none := klineList(bars, 0)
	if none[0].ClosePrice != nil || none[0].Volume != nil || none[0].Time == nil || none[0].Timestamp == nil {
		t.Errorf("flags 0: %v", none[0])
	}
}
