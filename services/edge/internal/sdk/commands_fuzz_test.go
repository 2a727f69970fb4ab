package sdk

import (
	"context"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/futugw/gateway/opend/protoid"
	"github.com/futugw/gateway/services/edge/internal/sdk/sdkcall"
	"github.com/futugw/gateway/services/edge/internal/sdk/trade"
)

// nopSocket takes every registration and subscription.
type nopSocket struct{}

func (nopSocket) SubscribeAccounts([]uint64) error          { return nil }
func (nopSocket) RegisterQuotePush([]string, []int32, bool) {}
func (nopSocket) ResetQuotePush()                           {}

// FuzzCommands feeds any body to every command a socket serves (services that
// answer Unimplemented behind it): no handler panics, and each answers an official
// Response with its retType, never nothing.
func FuzzCommands(f *testing.F) {
	lis := bufconn.Listen(1 << 16)
	srv := grpc.NewServer() // no services: every call is refused
	go func() { _ = srv.Serve(lis) }()
	f.Cleanup(srv.Stop)
	cc, err := grpc.NewClient("passthrough:///bufconn", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = cc.Close() })
	conns := sdkcall.Conns{Auth: cc, Quote: cc, Order: cc}
	table := Table(trade.Handlers())
	var ids []uint32
	for _, p := range protoid.All() {
		if table[p.ID] != nil {
			ids = append(ids, p.ID)
		}
	}
	f.Add(uint16(0), []byte{})
	f.Add(uint16(3), []byte{0x0a, 0x02, 0x08, 0x01})          // c2s {1: 1}
	f.Add(uint16(7), []byte{0x0a, 0x04, 0x20, 0x01, 0x20, 0}) // c2s with a repeated bool field
	f.Add(uint16(11), []byte{0x0a, 0xff})                     // a truncated c2s
	f.Fuzz(func(t *testing.T, pick uint16, body []byte) {
		id := ids[int(pick)%len(ids)]
		ans := table[id](t.Context(), conns, sdkcall.Request{ProtoID: id, Serial: 1, Body: body, Socket: nopSocket{}})
		num, typ, n := protowire.ConsumeTag(ans)
		if n < 0 || num != 1 || typ != protowire.VarintType {
			t.Fatalf("proto %d answered %x: no retType first", id, ans)
		}
	})
}
