package loadgen

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	"github.com/futugw/gateway/opend/protoid"
)

func TestPostOrder(t *testing.T) {
	var got http.Header
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		b, _ := io.ReadAll(r.Body)
		if !json.Valid(b) {
			t.Errorf("body is not JSON: %s", b)
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	if err := PostOrder(srv.Client(), srv.URL, "k1", "i1", []byte(RestingOrderJSON)); err != nil {
		t.Fatal(err)
	}
	if got.Get("Authorization") != "Bearer k1" || got.Get("Idempotency-Key") != "i1" {
		t.Fatalf("headers %v", got)
	}
	status = http.StatusTooManyRequests
	if err := PostOrder(srv.Client(), srv.URL, "k1", "", []byte(RestingOrderJSON)); err == nil {
		t.Fatal("a 429 is not an error")
	}
	if got.Get("Idempotency-Key") != "" {
		t.Fatal("an empty idempotency key was sent")
	}
}

type fakeOpenD struct{ req *trdplaceorder.Request }

func (*fakeOpenD) NextPacketID() (uint64, uint32) { return 7, 9 }

func (f *fakeOpenD) Call(_ context.Context, protoID uint32, req, _ proto.Message) error {
	if protoID == protoid.TrdPlaceOrder {
		f.req = req.(*trdplaceorder.Request)
	}
	return nil
}

func TestPlaceRestingOrderMatchesTheJSON(t *testing.T) {
	f := &fakeOpenD{}
	if err := PlaceRestingOrder(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	c := f.req.GetC2S()
	if c.GetPacketID().GetConnID() != 7 || c.GetPacketID().GetSerialNo() != 9 || c.GetHeader().GetAccID() != 1001 ||
		c.GetCode() != "00700" || c.GetQty() != 100 || c.GetPrice() != 0.01 || c.GetTrdSide() != 1 || c.GetOrderType() != 1 {
		t.Fatalf("placed %v", c)
	}
	var j struct {
		AccID string  `json:"acc_id"`
		Code  string  `json:"code"`
		Qty   float64 `json:"qty"`
		Price float64 `json:"price"`
	}
	if err := json.Unmarshal([]byte(RestingOrderJSON), &j); err != nil || j.AccID != "1001" || j.Code != c.GetCode() || j.Qty != c.GetQty() || j.Price != c.GetPrice() {
		t.Fatalf("RestingOrderJSON %+v (%v) differs from the direct order", j, err)
	}
}
