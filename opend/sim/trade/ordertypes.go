package trade

// Trd_Common.OrderType values beyond Normal (typeLimit) and Market.
const (
	typeStop              int32 = 10
	typeStopLimit         int32 = 11
	typeMarketIfTouched   int32 = 12
	typeLimitIfTouched    int32 = 13
	typeTrailingStop      int32 = 14
	typeTrailingStopLimit int32 = 15
)

// Trd_Common.TrailType values.
const (
	trailRatio  int32 = 1 // trailValue is a percentage of the price
	trailAmount int32 = 2 // trailValue is a price distance
)

// Trd_Common.TimeInForce values.
const (
	tifDay int32 = 0
	tifGTC int32 = 1
)

// orderKind is what an order type needs and how it behaves: the table the
// placement checks and the trigger logic read.
type orderKind struct {
	name     string
	limit    bool // carries a limit price (price)
	aux      bool // carries a trigger price (auxPrice)
	trailing bool // trigger follows the market by trailType/trailValue
	// stopLike triggers when the price moves against the order (a buy stop
	// above the market, a sell stop below); otherwise (touched orders) when
	// it moves in the order's favour.
	stopLike bool
}

// orderKinds lists the order types the simulator takes.
var orderKinds = map[int32]orderKind{
	typeLimit:             {name: "Normal", limit: true},
	typeMarket:            {name: "Market"},
	typeStop:              {name: "Stop", aux: true, stopLike: true},
	typeStopLimit:         {name: "StopLimit", limit: true, aux: true, stopLike: true},
	typeMarketIfTouched:   {name: "MarketifTouched", aux: true},
	typeLimitIfTouched:    {name: "LimitifTouched", limit: true, aux: true},
	typeTrailingStop:      {name: "TrailingStop", trailing: true, stopLike: true},
	typeTrailingStopLimit: {name: "TrailingStopLimit", limit: true, trailing: true, stopLike: true},
}

// conditional reports whether an order waits for a trigger before it works.
func (k orderKind) conditional() bool { return k.aux || k.trailing }
