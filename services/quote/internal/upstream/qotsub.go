package upstream

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/futugw/gateway/opend/client"
	"github.com/futugw/gateway/opend/envelope"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsubinfo"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotsub"
	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/services/quote/internal/subs"
	"google.golang.org/protobuf/proto"
)

// maxPerSub bounds the securities of one Qot_Sub request.
const maxPerSub = 100

// Subscribe subscribes ps with push registration and a first push, one Qot_Sub per
// sub type and batch. On error, done lists the pairs of the batches OpenD accepted or
// may have: a batch whose answer never came (the caller's deadline, a connection lost
// after the request went out) counts as subscribed, so that the caller releases it
// later rather than leaving OpenD holding a subscription nobody accounts for. OpenD's
// refusal of a batch is an error wrapping subs.ErrRefused.
func (c *Client) Subscribe(ctx context.Context, ps []subs.Pair) (done []subs.Pair, err error) {
	for _, batch := range batches(ps) {
		if err := c.sub(ctx, batch, true); err != nil {
			var refused *envelope.Error
			if errors.As(err, &refused) {
				return done, fmt.Errorf("%w: %w", subs.ErrRefused, err)
			}
			if !errors.Is(err, ErrUnavailable) && !errors.Is(err, client.ErrNotConnected) {
				done = append(done, batch...) // the request may have reached OpenD
			}
			return done, err
		}
		done = append(done, batch...)
	}
	return done, nil
}

// Unsubscribe releases ps.
func (c *Client) Unsubscribe(ctx context.Context, ps []subs.Pair) error {
	for _, batch := range batches(ps) {
		if err := c.sub(ctx, batch, false); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) sub(ctx context.Context, batch []subs.Pair, on bool) error {
	c2s := &qotsub.C2S{
		SubTypeList:      []int32{batch[0].SubType},
		IsSubOrUnSub:     proto.Bool(on),
		IsRegOrUnRegPush: proto.Bool(on),
	}
	if on {
		c2s.IsFirstPush = proto.Bool(true)
	}
	for _, p := range batch {
		c2s.SecurityList = append(c2s.SecurityList, Security(p.Sec))
	}
	return c.Call(ctx, protoid.QotSub, &qotsub.Request{C2S: c2s}, &qotsub.Response{})
}

// batches groups pairs by sub type (Qot_Sub subscribes a product) in bounded batches.
func batches(ps []subs.Pair) [][]subs.Pair {
	byType := map[int32][]subs.Pair{}
	for _, p := range ps {
		byType[p.SubType] = append(byType[p.SubType], p)
	}
	types := make([]int32, 0, len(byType))
	for t := range byType {
		types = append(types, t)
	}
	slices.Sort(types)
	var out [][]subs.Pair
	for _, t := range types {
		for chunk := range slices.Chunk(byType[t], maxPerSub) {
			out = append(out, chunk)
		}
	}
	return out
}

// SubInfo asks OpenD for its quota figures (Qot_GetSubInfo): used and remaining
// slots of the login, shared by all its connections.
func (c *Client) SubInfo(ctx context.Context) (used, remain int, err error) {
	var resp qotgetsubinfo.Response
	if err := c.Call(ctx, protoid.QotGetSubInfo, &qotgetsubinfo.Request{C2S: &qotgetsubinfo.C2S{}}, &resp); err != nil {
		return 0, 0, err
	}
	return int(resp.GetS2C().GetTotalUsedQuota()), int(resp.GetS2C().GetRemainQuota()), nil
}

// Security converts to OpenD's message.
func Security(s subs.Security) *qotcommon.Security {
	return &qotcommon.Security{Market: proto.Int32(s.Market), Code: proto.String(s.Code)}
}
