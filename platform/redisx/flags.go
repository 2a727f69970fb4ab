package redisx

import (
	"flag"
	"fmt"

	"github.com/futugw/gateway/platform/config"
	"github.com/futugw/gateway/platform/secret"
)

// RegisterFlags defines on fs the Redis flags every service shares, with their
// environment fallbacks: -redis-addr (REDIS_ADDR), -redis-master (REDIS_MASTER_NAME)
// and -redis-password-file (REDIS_PASSWORD_FILE). The returned Options are filled in
// when fs is parsed; New reads the password file.
func RegisterFlags(fs *flag.FlagSet) *Options {
	o := new(Options)
	config.StringVar(fs, &o.Addrs, "redis-addr", "REDIS_ADDR", "127.0.0.1:6379",
		"Redis address(es), comma-separated: one = single Redis, several = Cluster, or Sentinels with -redis-master; unix:PATH = single Redis on this host")
	config.StringVar(fs, &o.MasterName, "redis-master", "REDIS_MASTER_NAME", "",
		"Redis Sentinel master name; empty = no Sentinel")
	config.StringVar(fs, &o.PasswordFile, "redis-password-file", "REDIS_PASSWORD_FILE", "",
		"file holding the Redis password (and the Sentinels'), one line; empty = no password")
	return o
}

// Resolve reads the password file into Password, so a main refuses a missing or
// malformed file before it starts anything. New does the same for Options that did not
// come through a main.
func (o *Options) Resolve() error {
	if o.Password != "" || o.PasswordFile == "" {
		return nil
	}
	pw, err := secret.ReadFile(o.PasswordFile)
	if err != nil {
		return fmt.Errorf("-redis-password-file: %w", err)
	}
	o.Password = pw
	return nil
}
