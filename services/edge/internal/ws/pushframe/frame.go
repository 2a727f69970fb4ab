// Package pushframe builds the JSON text frames the edge writes to browsers. Each builder
// runs once per upstream push; the resulting bytes are shared by every socket that
// receives the push, so they must never be modified after they are built.
package pushframe

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/opend/protoid"
)

// Frame types (the "type" field).
const (
	TypeQuote  = "quote"
	TypeTrade  = "trade"
	TypeNotify = "notify"
	TypeGap    = "gap"
)

// Events the edge itself announces (the quote service adds its own: opend_disconnected,
// opend_reconnected, quota_exceeded).
const (
	EventKeyExpiring          = "key_expiring"
	EventUpstreamDisconnected = "upstream_disconnected"
	EventUpstreamReconnected  = "upstream_reconnected"
)

type quoteFrame struct {
	Type    string `json:"type"`
	ProtoID uint32 `json:"proto_id"`
	SecKey  string `json:"sec_key"`
	BodyB64 string `json:"body_b64"`
	Quote   *Basic `json:"quote,omitempty"`
}

type tradeFrame struct {
	Type    string `json:"type"`
	ProtoID uint32 `json:"proto_id"`
	AccID   string `json:"acc_id"`
	BodyB64 string `json:"body_b64"`
}

type notifyFrame struct {
	Type    string `json:"type"`
	Event   string `json:"event"`
	Message string `json:"message"`
}

// Quote is the default frame of a quote push:
// {"type":"quote","proto_id":3005,"sec_key":"HK.00700","body_b64":"..."}.
func Quote(p *gatewayv1.QuotePush) ([]byte, error) { return quote(p, false) }

// QuoteJSON is Quote plus a decoded "quote" object for the push types the edge
// knows how to decode (3005 basic quotes); other pushes get the default frame.
func QuoteJSON(p *gatewayv1.QuotePush) ([]byte, error) { return quote(p, true) }

func quote(p *gatewayv1.QuotePush, decode bool) ([]byte, error) {
	f := quoteFrame{
		Type: TypeQuote, ProtoID: p.GetProtoId(), SecKey: p.GetSecKey(),
		BodyB64: base64.StdEncoding.EncodeToString(p.GetBody()),
	}
	if decode && p.GetProtoId() == protoid.QotUpdateBasicQot {
		b, err := DecodeBasic(p.GetBody())
		if err != nil {
			return nil, err
		}
		f.Quote = b
	}
	return marshal(f)
}

// Trade is {"type":"trade","proto_id":2208,"acc_id":"1001","body_b64":"..."}.
func Trade(p *gatewayv1.TradePush) ([]byte, error) {
	return marshal(tradeFrame{
		Type: TypeTrade, ProtoID: p.GetProtoId(), AccID: strconv.FormatUint(p.GetAccId(), 10),
		BodyB64: base64.StdEncoding.EncodeToString(p.GetBody()),
	})
}

type gapFrame struct {
	Type    string `json:"type"`
	ProtoID uint32 `json:"proto_id"`
	SecKey  string `json:"sec_key"`
	Missed  uint64 `json:"missed"`
}

// Gap tells a socket that fell behind that missed frames of a push type that is
// never conflated (tickers, 3011) were dropped for secKey:
// {"type":"gap","proto_id":3011,"sec_key":"HK.00700","missed":42}. It takes the
// place of those frames, before the security's next one.
func Gap(protoID uint32, secKey string, missed uint64) []byte {
	b, _ := json.Marshal(gapFrame{Type: TypeGap, ProtoID: protoID, SecKey: secKey, Missed: missed}) // always marshals
	return b
}

// Notify is {"type":"notify","event":"...","message":"..."}.
func Notify(event, message string) []byte {
	b, _ := json.Marshal(notifyFrame{Type: TypeNotify, Event: event, Message: message}) // strings always marshal
	return b
}

func marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("pushframe: %w", err)
	}
	return b, nil
}
