// Package keys is the domain of API keys: generating and hashing them, the record
// stored for each, and the policies that decide what may be issued: known scopes,
// valid limits, the 24-hour cap on trade:real keys, and how session keys are narrowed
// from and refreshed under their parent. It knows nothing about gRPC or Redis.
package keys
