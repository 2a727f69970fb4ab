package trade

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"strings"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdunlocktrade"
)

func envName(env int32) string {
	if env == EnvReal {
		return "real"
	}
	return "simulate"
}

// account resolves a TrdHeader to its account, checking that the header's
// trdEnv and trdMarket match it. Callers hold mu.
func (e *Engine) account(h *trdcommon.TrdHeader) (*account, error) {
	if h == nil {
		return nil, refuse(codeInvalidRequest, "missing TrdHeader")
	}
	a, ok := e.accounts[h.GetAccID()]
	if !ok {
		return nil, refuse(codeAccount, "unknown account id %d", h.GetAccID())
	}
	if h.GetTrdEnv() != a.cfg.Env {
		return nil, refuse(codeAccount, "account %d is a %s account but the header says trdEnv %d (%s)",
			a.cfg.ID, envName(a.cfg.Env), h.GetTrdEnv(), envName(h.GetTrdEnv()))
	}
	if !a.allows(h.GetTrdMarket()) {
		return nil, refuse(codeAccount, "account %d has no access to trdMarket %d (authorised: %v)",
			a.cfg.ID, h.GetTrdMarket(), a.cfg.Markets)
	}
	return a, nil
}

// checkUnlocked refuses order requests on a real account while trading is
// locked. Simulate accounts never need unlocking. Callers hold mu.
func (e *Engine) checkUnlocked(a *account) error {
	if a.cfg.Env == EnvReal && !e.unlocked {
		return refuse(codeLocked, "unlock trade first: real account %d needs Trd_UnlockTrade before placing or modifying orders", a.cfg.ID)
	}
	return nil
}

// unlockTrade handles Trd_UnlockTrade 2005: unlock=true with the lowercase hex
// MD5 of the trade password unlocks real trading for the whole server;
// unlock=false locks it again.
func (e *Engine) unlockTrade(c2s *trdunlocktrade.C2S) (*trdunlocktrade.S2C, error) {
	if !c2s.GetUnlock() {
		e.mu.Lock()
		e.unlocked = false
		e.mu.Unlock()
		return &trdunlocktrade.S2C{}, nil
	}
	got := strings.ToLower(strings.TrimSpace(c2s.GetPwdMD5()))
	if got == "" {
		return nil, refuse(codePassword, "unlock trade failed: pwdMD5 (MD5 of the trade password) is required")
	}
	sum := md5.Sum([]byte(e.cfg.TradePassword))
	want := hex.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return nil, refuse(codePassword, "unlock trade failed: wrong trade password")
	}
	e.mu.Lock()
	e.unlocked = true
	e.mu.Unlock()
	return &trdunlocktrade.S2C{}, nil
}
