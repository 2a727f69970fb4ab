package protoid

import (
	"strings"
	"testing"
)

// Lookup's binary search needs the table sorted by id, with each id once.
func TestTableSortedAndUnique(t *testing.T) {
	for i := 1; i < len(table); i++ {
		if table[i-1].ID >= table[i].ID {
			t.Fatalf("table not sorted by id: %d (%s) before %d (%s)", table[i-1].ID, table[i-1].Name, table[i].ID, table[i].Name)
		}
	}
}

func TestEveryRowIsConsistent(t *testing.T) {
	names := map[string]bool{}
	for _, p := range All() {
		if names[p.Name] {
			t.Errorf("%s: name twice", p.Name)
		}
		names[p.Name] = true
		if p.Response != p.Name+".Response" {
			t.Errorf("%d %s: response %q", p.ID, p.Name, p.Response)
		}
		if want := p.Name + ".Request"; p.Push != (p.Request == "") || (!p.Push && p.Request != want) {
			t.Errorf("%d %s: push %v, request %q", p.ID, p.Name, p.Push, p.Request)
		}
		if p.SubType != 0 && (!p.Push || !strings.HasPrefix(p.Name, "Qot_Update")) {
			t.Errorf("%d %s: sub type %d on something other than a quote push", p.ID, p.Name, p.SubType)
		}
		if got, ok := Lookup(p.ID); !ok || got != p {
			t.Errorf("Lookup(%d) = %+v, %v", p.ID, got, ok)
		}
		if got, ok := ByName(p.Name); !ok || got != p {
			t.Errorf("ByName(%s) = %+v, %v", p.Name, got, ok)
		}
	}
}

// The protocols the gateway speaks, as Futu documents them.
func TestKnownProtocols(t *testing.T) {
	for _, c := range []struct {
		id      uint32
		name    string
		push    bool
		subType int32
	}{
		{InitConnect, "InitConnect", false, 0},
		{Notify, "Notify", true, 0},
		{KeepAlive, "KeepAlive", false, 0},
		{TrdPlaceOrder, "Trd_PlaceOrder", false, 0},
		{TrdUpdateOrder, "Trd_UpdateOrder", true, 0},
		{TrdUpdateOrderFill, "Trd_UpdateOrderFill", true, 0},
		{QotSub, "Qot_Sub", false, 0},
		{QotUpdateBasicQot, "Qot_UpdateBasicQot", true, 1},
		{QotUpdateOrderBook, "Qot_UpdateOrderBook", true, 2},
		{QotUpdateTicker, "Qot_UpdateTicker", true, 4},
		{QotUpdateRT, "Qot_UpdateRT", true, 5},
		{QotUpdateBroker, "Qot_UpdateBroker", true, 14},
		{QotUpdateKL, "Qot_UpdateKL", true, 0},
	} {
		p, ok := Lookup(c.id)
		if !ok || p.Name != c.name || p.Push != c.push || p.SubType != c.subType || SubTypeOf(c.id) != c.subType {
			t.Errorf("Lookup(%d) = %+v, %v; want %s push=%v sub type %d", c.id, p, ok, c.name, c.push, c.subType)
		}
	}
	if p, ok := Lookup(0); ok {
		t.Errorf("Lookup(0) = %+v", p)
	}
	if SubTypeOf(9999) != 0 {
		t.Error("SubTypeOf(9999) != 0")
	}
}

func TestMessageName(t *testing.T) {
	for official, want := range map[string]string{
		"Qot_Sub.Response":             "futu.opend.qotsub.Response",
		"Trd_UpdateOrderFill.Response": "futu.opend.trdupdateorderfill.Response",
		"InitConnect.Request":          "futu.opend.initconnect.Request",
	} {
		if got := MessageName(official); string(got) != want {
			t.Errorf("MessageName(%q) = %q, want %q", official, got, want)
		}
	}
}
