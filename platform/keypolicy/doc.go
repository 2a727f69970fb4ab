// Package keypolicy is the vocabulary of an API key's policy, shared by the service
// that issues keys (auth), the interceptors that enforce scopes (platform/authn) and
// the service that enforces limits (order): the scopes a key can hold, the bounds and
// values its limits may take, and its daily hours window. It is the one home of these
// facts; it knows nothing about gRPC, Redis or how keys are stored.
package keypolicy
