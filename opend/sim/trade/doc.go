// Package trade is the trading half of the OpenD simulator: simulate and real
// accounts, trade unlocking, order placement with OpenD's validation rules, a
// matching engine driven by the simulated market, funds and positions, and the
// Trd_UpdateOrder / Trd_UpdateOrderFill pushes to subscribed connections.
//
// Orders: limit and market, stop, stop limit, market/limit if touched and
// trailing (ratio or amount, with a spread for trailing stop limits) orders
// triggered by the price walk; DAY orders expire at the market close (see the
// calendar package), GTC orders stay; SellShort and BuyBack hold short
// positions on margin accounts, which may also buy on margin. Trd_ModifyOrder
// takes every ModifyOrderOp and cancel-all.
//
// Reports: earlier trading days hold deterministic synthetic orders and fills
// (from the seed, priced inside the kline package's day bars) that the history
// queries return with today's; fees follow Futu's published HK and US schedules (package fees) and
// feed Trd_GetOrderFee and Trd_FlowSummary; Trd_GetMarginRatio and
// Trd_GetMaxTrdQtys come from seeded per-security margin terms. The report
// queries keep OpenD's frequency limits (querylimit.go).
//
// New builds an Engine on a market; Register also wires its handlers into an
// opend/server.Server. All state lives in memory for the life of the Engine.
package trade
