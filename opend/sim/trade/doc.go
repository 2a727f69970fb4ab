// Package trade is the trading half of the OpenD simulator: simulate and real
// accounts, trade unlocking, order placement with OpenD's validation rules, a
// matching engine driven by the simulated market, funds and positions, and the
// Trd_UpdateOrder / Trd_UpdateOrderFill pushes to subscribed connections.
//
// New builds an Engine on a market; Register also wires its handlers into an
// opend/server.Server. All state lives in memory for the life of the Engine.
package trade
