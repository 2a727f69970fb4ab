package authn

import (
	"flag"

	"github.com/futugw/gateway/platform/config"
)

// DefaultAuthAddr is the default of -auth-addr: the auth service's gRPC port on this host.
const DefaultAuthAddr = "127.0.0.1:50051"

// RegisterFlags defines -auth-addr (env AUTH_ADDR) on fs: the auth service every
// service validates keys through. The returned address is filled in when fs is parsed.
func RegisterFlags(fs *flag.FlagSet) *string {
	return config.String(fs, "auth-addr", "AUTH_ADDR", DefaultAuthAddr,
		"auth service gRPC address (key validation), host:port or unix:PATH")
}
