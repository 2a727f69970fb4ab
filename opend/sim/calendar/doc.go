// Package calendar knows when the simulated markets trade: the trading days of
// HK, US and CN (A-share) stocks for FirstYear..LastYear, each day's sessions in
// the market's time zone, the Futu market state (Qot_Common.QotMarketState) at
// an instant, and a simulated Clock that can start at a chosen instant and run
// faster than the wall clock.
//
// It is pure Go and knows nothing about the wire protocol; its enums carry Futu's
// numeric values so handlers convert with a plain int32(...).
//
// Like Futu's Qot_RequestTradeDate, the calendar lists regular holidays only:
// ad-hoc closures (typhoons, national days of mourning) are not in it. Outside
// FirstYear..LastYear only weekends are closed.
package calendar
