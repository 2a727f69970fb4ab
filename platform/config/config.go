// Package config declares command-line flags whose defaults come from environment
// variables, so the same setting works as -redis-addr in a shell and REDIS_ADDR in a
// container. Precedence: flag, then environment, then the built-in default.
//
// Call Parse instead of fs.Parse: it also reports environment values that do not
// parse, naming the variable, unless the flag itself was given.
package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// String defines a string flag whose default is $env when that is set and not empty.
func String(fs *flag.FlagSet, name, env, def, usage string) *string {
	p := new(string)
	StringVar(fs, p, name, env, def, usage)
	return p
}

// StringVar is String storing into p, so a flag group can fill a struct's fields.
func StringVar(fs *flag.FlagSet, p *string, name, env, def, usage string) {
	define(fs, p, name, env, def, usage, func(s string) (string, error) { return s, nil }, func(v string) string { return v })
}

// Int defines an int flag (decimal, or 0x/0o/0b prefixed) with an env fallback.
func Int(fs *flag.FlagSet, name, env string, def int, usage string) *int {
	p := new(int)
	IntVar(fs, p, name, env, def, usage)
	return p
}

// IntVar is Int storing into p.
func IntVar(fs *flag.FlagSet, p *int, name, env string, def int, usage string) {
	define(fs, p, name, env, def, usage, parseInt, strconv.Itoa)
}

// Duration defines a time.Duration flag ("250ms", "1m30s") with an env fallback.
func Duration(fs *flag.FlagSet, name, env string, def time.Duration, usage string) *time.Duration {
	p := new(time.Duration)
	DurationVar(fs, p, name, env, def, usage)
	return p
}

// DurationVar is Duration storing into p.
func DurationVar(fs *flag.FlagSet, p *time.Duration, name, env string, def time.Duration, usage string) {
	define(fs, p, name, env, def, usage, parseDuration, time.Duration.String)
}

// Bool defines a bool flag with an env fallback. On the command line it can be given
// bare (-pprof) or with a value (-pprof=false).
func Bool(fs *flag.FlagSet, name, env string, def bool, usage string) *bool {
	p := new(bool)
	BoolVar(fs, p, name, env, def, usage)
	return p
}

// BoolVar is Bool storing into p.
func BoolVar(fs *flag.FlagSet, p *bool, name, env string, def bool, usage string) {
	define(fs, p, name, env, def, usage, parseBool, strconv.FormatBool)
}

// Parse parses args into fs, then fails if an environment variable that supplied a
// default does not parse and the flag was not given to override it. Like fs.Parse
// with flag.ContinueOnError, it also prints those errors to fs.Output(), so a main can
// just exit with status 2 on any error (0 on flag.ErrHelp).
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if e, ok := f.Value.(envErrorer); ok && !given[f.Name] {
			if err := e.envError(); err != nil {
				errs = append(errs, err)
			}
		}
	})
	for _, err := range errs {
		fmt.Fprintln(fs.Output(), err)
	}
	return errors.Join(errs...)
}

type envErrorer interface{ envError() error }

// define defines on fs the flag name storing into p def, or the parsed $env when set,
// with a usage text naming env.
func define[T any](fs *flag.FlagSet, p *T, name, env string, def T, usage string,
	parse func(string) (T, error), format func(T) string) {
	v := &value[T]{p: p, parse: parse, format: format}
	*v.p = def
	if raw, ok := os.LookupEnv(env); env != "" && ok && raw != "" {
		if x, err := parse(raw); err != nil {
			v.envErr = fmt.Errorf("invalid value %q for environment variable %s (flag -%s): %v", raw, env, name, err)
		} else {
			*v.p = x
		}
	}
	if env != "" {
		usage += " (env " + env + ")"
	}
	var fv flag.Value = v
	if b, ok := any(v).(*value[bool]); ok {
		fv = boolValue{b} // given bare, as -pprof
	}
	fs.Var(fv, name, usage)
}

// value is a flag.Value for any T, remembering an unparsable env default.
type value[T any] struct {
	p      *T
	parse  func(string) (T, error)
	format func(T) string
	envErr error
}

func (v *value[T]) Set(s string) error {
	x, err := v.parse(s)
	if err != nil {
		return err
	}
	*v.p = x
	return nil
}

func (v *value[T]) String() string {
	// flag.PrintDefaults calls String on a zero value to spot zero defaults.
	if v == nil || v.p == nil || v.format == nil {
		return ""
	}
	return v.format(*v.p)
}

func (v *value[T]) Get() any { return *v.p }

func (v *value[T]) envError() error { return v.envErr }

type boolValue struct{ *value[bool] }

func (boolValue) IsBoolFlag() bool { return true }

func (b boolValue) String() string {
	if b.value == nil {
		return "false"
	}
	return b.value.String()
}

func parseInt(s string) (int, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 0, strconv.IntSize)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, errors.New("integer out of range")
		}
		return 0, errors.New("not an integer")
	}
	return int(n), nil
}

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, errors.New("not a duration (examples: 500ms, 10s, 1m30s)")
	}
	return d, nil
}

func parseBool(s string) (bool, error) {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return false, errors.New("not a boolean (true/false, 1/0)")
	}
	return b, nil
}
