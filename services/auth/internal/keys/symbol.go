package keys

import (
	"errors"
	"fmt"
	"strings"

	"github.com/futugw/gateway/platform/keypolicy"
)

// Symbol is a security named "MARKET.CODE", e.g. HK.00700 or US.BRK.B.
type Symbol struct {
	Market string
	Code   string
}

func (s Symbol) String() string { return s.Market + "." + s.Code }

// maxSymbolLen bounds the input before any other work.
const maxSymbolLen = 32

// ParseSymbol parses "MARKET.CODE". The market is one of the known codes; HK codes are
// five digits, CN and HKCC six digits, US codes 1-10 of A-Z . - (BRK.B, BF-B), other
// markets 1-12 of A-Z 0-9 . -. Input is matched as given: no case folding.
func ParseSymbol(s string) (Symbol, error) {
	if len(s) > maxSymbolLen {
		return Symbol{}, fmt.Errorf("symbol longer than %d characters", maxSymbolLen)
	}
	market, code, ok := strings.Cut(s, ".")
	if !ok || market == "" || code == "" {
		return Symbol{}, fmt.Errorf("symbol %s is not MARKET.CODE (e.g. HK.00700, US.AAPL)", quote(s))
	}
	if !keypolicy.KnownMarket(market) {
		return Symbol{}, fmt.Errorf("symbol %s: unknown market %s (want one of %s)", quote(s), quote(market), strings.Join(keypolicy.Markets(), " "))
	}
	if err := checkCode(market, code); err != nil {
		return Symbol{}, fmt.Errorf("symbol %s: %w", quote(s), err)
	}
	return Symbol{Market: market, Code: code}, nil
}

func checkCode(market, code string) error {
	switch market {
	case "HK":
		if len(code) != 5 || !all(code, isDigit) {
			return errors.New("HK codes are 5 digits, e.g. 00700")
		}
	case "CN", "HKCC":
		if len(code) != 6 || !all(code, isDigit) {
			return errors.New(market + " codes are 6 digits, e.g. 600519")
		}
	case "US":
		if len(code) > 10 || !isUpper(code[0]) || !all(code, func(c byte) bool { return isUpper(c) || c == '.' || c == '-' }) {
			return errors.New("US codes are 1-10 characters A-Z . - starting with a letter, e.g. AAPL, BRK.B")
		}
	default:
		if len(code) > 12 || !all(code, func(c byte) bool { return isUpper(c) || isDigit(c) || c == '.' || c == '-' }) {
			return errors.New(market + " codes are 1-12 characters A-Z 0-9 . -")
		}
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func all(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// quote prints user input safely and bounded in messages.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return fmt.Sprintf("%q", s)
}
