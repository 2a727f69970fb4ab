package obs

import (
	"flag"
	"io"
	"log/slog"

	"github.com/futugw/gateway/platform/config"
)

// LogOptions are the logging settings every service takes from its flags.
type LogOptions struct {
	Level string // debug, info, warn or error
}

// RegisterLogFlags defines -log-level (env LOG_LEVEL) on fs.
func RegisterLogFlags(fs *flag.FlagSet) *LogOptions {
	o := new(LogOptions)
	config.StringVar(fs, &o.Level, "log-level", "LOG_LEVEL", "info", "log level: debug, info, warn or error")
	return o
}

// Validate refuses an unknown level, so a main exits before it logs anything.
func (o *LogOptions) Validate() error {
	_, err := ParseLevel(o.Level)
	return err
}

// NewLogger is the JSON logger writing to w at the configured level.
func (o *LogOptions) NewLogger(w io.Writer) *slog.Logger { return NewLogger(w, o.Level) }
