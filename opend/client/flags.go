package client

import (
	"flag"

	"github.com/futugw/gateway/platform/config"
)

// DefaultAddr is the default of -opend-addr: OpenD's (or opend-sim's) port on this host.
const DefaultAddr = "127.0.0.1:11111"

// RegisterFlags defines -opend-addr (env OPEND_ADDR) on fs: the OpenD a service dials
// (Config.Addr). The returned address is filled in when fs is parsed.
func RegisterFlags(fs *flag.FlagSet) *string {
	return config.String(fs, "opend-addr", "OPEND_ADDR", DefaultAddr, "Futu OpenD (or opend-sim) address")
}
