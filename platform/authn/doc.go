// Package authn authenticates gRPC calls with API keys: it parses the bearer key,
// validates it through the auth service behind a short in-process cache that drops
// revoked keys as soon as a revocation is published, checks the scope each method
// needs against one method table, and puts the caller's Principal in the context.
package authn
