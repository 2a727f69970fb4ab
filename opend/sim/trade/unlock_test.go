package trade

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdgetacclist"
	"github.com/futugw/gateway/api/gen/go/futu/opend/trdunlocktrade"
)

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestUnlockFlow(t *testing.T) {
	f := newFixture(t, Config{TradePassword: "s3cret"})
	real := header(EnvReal, 2001, TrdMarketHK)
	p := f.limitAt("HK.00700", 0.9)
	unlock := func(on bool, pwd string) error {
		c2s := &trdunlocktrade.C2S{Unlock: proto.Bool(on)}
		if pwd != "" {
			c2s.PwdMD5 = proto.String(pwd)
		}
		_, err := f.eng.unlockTrade(c2s)
		return err
	}

	_, err := f.place(placeReq(real, sideBuy, typeLimit, "00700", 100, p))
	wantRefusal(t, err, codeLocked, "unlock trade first")
	// Simulate accounts never need unlocking.
	f.mustPlace(placeReq(hkSim(), sideBuy, typeLimit, "00700", 100, p))

	wantRefusal(t, unlock(true, md5hex("wrong")), codePassword, "wrong trade password")
	wantRefusal(t, unlock(true, ""), codePassword, "pwdMD5")
	wantRefusal(t, unlock(true, "s3cret"), codePassword, "wrong trade password") // plaintext is not the MD5
	_, err = f.place(placeReq(real, sideBuy, typeLimit, "00700", 100, p))
	wantRefusal(t, err, codeLocked, "unlock trade first")

	if err := unlock(true, strings.ToUpper(md5hex("s3cret"))); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	id := f.mustPlace(placeReq(real, sideBuy, typeLimit, "00700", 100, p))

	if err := unlock(false, ""); err != nil {
		t.Fatalf("lock: %v", err)
	}
	_, err = f.place(placeReq(real, sideBuy, typeLimit, "00700", 100, p))
	wantRefusal(t, err, codeLocked, "unlock trade first")
	wantRefusal(t, f.modify(real, id, opCancel, 0, 0), codeLocked, "unlock trade first")
	// Reads do not need unlocking.
	if n := len(f.orders(real)); n != 1 {
		t.Fatalf("real orders = %d, want 1", n)
	}
}

func TestAccList(t *testing.T) {
	f := newFixture(t, Config{})
	s2c, err := f.eng.getAccList(&trdgetacclist.C2S{UserID: proto.Uint64(1)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := proto.Marshal(s2c); err != nil {
		t.Fatalf("marshal: %v", err)
	}
	type key struct {
		env int32
		mkt int32
	}
	seen := map[key]uint64{}
	for _, a := range s2c.GetAccList() {
		if len(a.GetTrdMarketAuthList()) == 0 || a.AccType == nil || a.SecurityFirm == nil {
			t.Errorf("account %d lacks fields: %v", a.GetAccID(), a)
		}
		if a.GetTrdEnv() == EnvSimulate && a.SimAccType == nil {
			t.Errorf("simulate account %d lacks simAccType", a.GetAccID())
		}
		seen[key{a.GetTrdEnv(), a.GetTrdMarketAuthList()[0]}] = a.GetAccID()
	}
	want := map[key]uint64{{EnvSimulate, TrdMarketHK}: 1001, {EnvSimulate, TrdMarketUS}: 1002,
		{EnvReal, TrdMarketHK}: 2001, {EnvReal, TrdMarketUS}: 2002}
	for k, id := range want {
		if seen[k] != id {
			t.Errorf("env %d market %d: account %d, want %d", k.env, k.mkt, seen[k], id)
		}
	}
	us := f.funds(header(EnvSimulate, 1002, TrdMarketUS))
	hk := f.funds(hkSim())
	if us.GetCash() != 200_000 || us.GetCurrency() != 2 || hk.GetCash() != 1_000_000 || hk.GetCurrency() != 1 {
		t.Errorf("starting cash: HK %v %d, US %v %d", hk.GetCash(), hk.GetCurrency(), us.GetCash(), us.GetCurrency())
	}
	other, _ := f.eng.getAccList(&trdgetacclist.C2S{UserID: proto.Uint64(1), TrdCategory: proto.Int32(2)})
	if len(other.GetAccList()) != 0 {
		t.Errorf("futures category listed %d accounts", len(other.GetAccList()))
	}
}
