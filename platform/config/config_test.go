package config

import (
	"bytes"
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

// all defines one flag of each kind on a fresh FlagSet.
type all struct {
	fs  *flag.FlagSet
	s   *string
	n   *int
	d   *time.Duration
	b   *bool
	out bytes.Buffer
}

func newAll() *all {
	a := &all{fs: flag.NewFlagSet("svc", flag.ContinueOnError)}
	a.fs.SetOutput(&a.out)
	a.s = String(a.fs, "addr", "T_ADDR", ":50051", "listen address")
	a.n = Int(a.fs, "workers", "T_WORKERS", 4, "worker count")
	a.d = Duration(a.fs, "timeout", "T_TIMEOUT", 5*time.Second, "timeout")
	a.b = Bool(a.fs, "pprof", "T_PPROF", false, "serve pprof")
	return a
}

func TestPrecedence(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		s       string
		n       int
		d       time.Duration
		b       bool
		wantErr string
	}{
		{name: "defaults", s: ":50051", n: 4, d: 5 * time.Second},
		{name: "env", env: map[string]string{"T_ADDR": "127.0.0.1:1", "T_WORKERS": "0x10", "T_TIMEOUT": "250ms", "T_PPROF": "true"},
			s: "127.0.0.1:1", n: 16, d: 250 * time.Millisecond, b: true},
		{name: "empty env is unset", env: map[string]string{"T_ADDR": "", "T_WORKERS": ""},
			s: ":50051", n: 4, d: 5 * time.Second},
		{name: "flags win over env", env: map[string]string{"T_ADDR": "env:1", "T_WORKERS": "9", "T_PPROF": "true"},
			args: []string{"-addr", "flag:2", "-workers=3", "-pprof=false"}, s: "flag:2", n: 3, d: 5 * time.Second},
		{name: "bare bool flag", args: []string{"-pprof"}, s: ":50051", n: 4, d: 5 * time.Second, b: true},
		{name: "bad env int", env: map[string]string{"T_WORKERS": "many"},
			wantErr: `invalid value "many" for environment variable T_WORKERS (flag -workers): not an integer`},
		{name: "bad env duration", env: map[string]string{"T_TIMEOUT": "5"},
			wantErr: `environment variable T_TIMEOUT (flag -timeout): not a duration`},
		{name: "bad env bool", env: map[string]string{"T_PPROF": "yes please"},
			wantErr: `environment variable T_PPROF (flag -pprof): not a boolean`},
		{name: "bad env overridden by flag", env: map[string]string{"T_WORKERS": "many"},
			args: []string{"-workers", "2"}, s: ":50051", n: 2, d: 5 * time.Second},
		{name: "bad flag int", args: []string{"-workers", "x"},
			wantErr: `invalid value "x" for flag -workers: not an integer`},
		{name: "int out of range", args: []string{"-workers", "99999999999999999999"},
			wantErr: `integer out of range`},
		{name: "bad flag duration", args: []string{"-timeout", "soon"},
			wantErr: `invalid value "soon" for flag -timeout: not a duration`},
		{name: "unknown flag", args: []string{"-nope"}, wantErr: "flag provided but not defined: -nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			a := newAll()
			err := Parse(a.fs, tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if *a.s != tt.s || *a.n != tt.n || *a.d != tt.d || *a.b != tt.b {
				t.Errorf("got %q %d %v %v; want %q %d %v %v", *a.s, *a.n, *a.d, *a.b, tt.s, tt.n, tt.d, tt.b)
			}
		})
	}
}

func TestUsageNamesEnvAndDefault(t *testing.T) {
	t.Setenv("T_WORKERS", "7")
	a := newAll()
	a.fs.PrintDefaults()
	out := a.out.String()
	for _, want := range []string{"(env T_ADDR)", "(default :50051)", "(default 7)", "(env T_PPROF)", "(default 5s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("usage lacks %q:\n%s", want, out)
		}
	}
}

func TestNoEnvName(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	p := String(fs, "name", "", "d", "no env")
	if err := Parse(fs, nil); err != nil || *p != "d" {
		t.Fatalf("got %q, %v", *p, err)
	}
}
