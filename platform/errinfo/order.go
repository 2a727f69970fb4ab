package errinfo

// Reasons of the order service (PlaceOrder, ModifyOrder, CancelOrder and the account
// reads). Each refusal check has its own, so a client can tell which rule refused it.
const (
	AccountNotAllowed   = "account_not_allowed"   // the key's allowed_acc_ids excludes the account
	MarketNotAllowed    = "market_not_allowed"    // the key's allowed_markets excludes the market
	SymbolNotAllowed    = "symbol_not_allowed"    // the key's allowed_symbols excludes the security
	SideNotAllowed      = "side_not_allowed"      // the key's allowed_trd_sides excludes the side
	OutsideHoursWindow  = "outside_hours_window"  // now is outside the key's hours_window
	InvalidOrder        = "invalid_order"         // qty, lot, price or tick is wrong
	MaxOrderValue       = "max_order_value"       // qty x price above the key's per-order cap
	NoQuote             = "no_quote"              // a market order cannot be valued
	MaxOrdersPerMinute  = "max_orders_per_minute" // the 60-second sliding window is full
	MaxDailyValue       = "max_daily_value"       // the UTC day's value cap would be exceeded
	IdempotencyConflict = "idempotency_conflict"  // same Idempotency-Key, different body
	IdempotencyPending  = "idempotency_pending"   // the first attempt with this key is still running
	TradingLocked       = "trading_locked"        // no trade password: real trading stays locked
	OpenDRateLimited    = "opend_rate_limited"    // OpenD's own order frequency limit
	OpenDRejected       = "opend_rejected"        // OpenD refused the request (its retMsg follows)
	OpenDUnavailable    = "opend_unavailable"     // no connection to OpenD, or it did not answer in time
)
