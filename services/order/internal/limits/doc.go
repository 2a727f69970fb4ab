// Package limits decides whether an API key may place an order: the key's scopes and
// whitelists, its hours window, the order's own validity (lot, tick, price), its value,
// and the counted limits (orders per sliding minute, value per UTC day) that a single
// Redis script checks and reserves atomically. It knows nothing about gRPC: refusals
// are *Refusal values with a stable reason that the server maps to a status.
package limits
