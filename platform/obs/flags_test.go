package obs

import (
	"flag"
	"io"
	"testing"

	"github.com/futugw/gateway/platform/config"
)

func TestRegisterLogFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		env  string
		ok   bool
	}{{nil, "", true}, {nil, "debug", true}, {[]string{"-log-level", "WARN"}, "", true}, {nil, "loud", false}} {
		t.Setenv("LOG_LEVEL", tt.env)
		fs := flag.NewFlagSet("svc", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		o := RegisterLogFlags(fs)
		if err := config.Parse(fs, tt.args); err != nil {
			t.Fatal(err)
		}
		if err := o.Validate(); (err == nil) != tt.ok {
			t.Errorf("args %v env %q: Validate = %v, want ok=%v", tt.args, tt.env, err, tt.ok)
		}
	}
}
