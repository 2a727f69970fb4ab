package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"
)

// envReader reads flag defaults from the environment and remembers the first
// malformed value, so a typo in an env var fails startup instead of being ignored.
type envReader struct {
	errs []error
}

func (e *envReader) str(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func (e *envReader) int64(name string, def int64) int64 {
	v := e.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: not an integer", name, v))
		return def
	}
	return n
}

func (e *envReader) duration(name string, def time.Duration) time.Duration {
	v := e.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: not a duration", name, v))
		return def
	}
	return d
}

func (e *envReader) err() error { return errors.Join(e.errs...) }
