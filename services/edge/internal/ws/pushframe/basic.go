package pushframe

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
)

// Basic is the decoded form of one security's basic quote for ?format=json sockets,
// with snake_case names of Futu's BasicQot fields.
type Basic struct {
	Market          int32   `json:"market"`
	Code            string  `json:"code"`
	Name            string  `json:"name,omitempty"`
	IsSuspended     bool    `json:"is_suspended"`
	UpdateTime      string  `json:"update_time"`
	UpdateTimestamp float64 `json:"update_timestamp,omitempty"`
	CurPrice        float64 `json:"cur_price"`
	OpenPrice       float64 `json:"open_price"`
	HighPrice       float64 `json:"high_price"`
	LowPrice        float64 `json:"low_price"`
	LastClosePrice  float64 `json:"last_close_price"`
	PriceSpread     float64 `json:"price_spread"`
	Volume          int64   `json:"volume"`
	Turnover        float64 `json:"turnover"`
	TurnoverRate    float64 `json:"turnover_rate"`
	Amplitude       float64 `json:"amplitude"`
}

// DecodeBasic decodes a Qot_UpdateBasicQot.Response body holding one security.
func DecodeBasic(body []byte) (*Basic, error) {
	var r qotupdatebasicqot.Response
	if err := proto.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("pushframe: decode basic quote: %w", err)
	}
	list := r.GetS2C().GetBasicQotList()
	if len(list) == 0 {
		return nil, errors.New("pushframe: basic quote push holds no security")
	}
	q := list[0]
	return &Basic{
		Market: q.GetSecurity().GetMarket(), Code: q.GetSecurity().GetCode(), Name: q.GetName(),
		IsSuspended: q.GetIsSuspended(), UpdateTime: q.GetUpdateTime(), UpdateTimestamp: q.GetUpdateTimestamp(),
		CurPrice: q.GetCurPrice(), OpenPrice: q.GetOpenPrice(), HighPrice: q.GetHighPrice(),
		LowPrice: q.GetLowPrice(), LastClosePrice: q.GetLastClosePrice(), PriceSpread: q.GetPriceSpread(),
		Volume: q.GetVolume(), Turnover: q.GetTurnover(), TurnoverRate: q.GetTurnoverRate(),
		Amplitude: q.GetAmplitude(),
	}, nil
}
