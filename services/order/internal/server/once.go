package server

import (
	"context"
	"errors"
	"strings"

	"github.com/futugw/gateway/services/order/internal/idem"
	"github.com/futugw/gateway/services/order/internal/placer"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

// forwardedKey is the Idempotency-Key the caller sent as metadata ("" for none).
func forwardedKey(ctx context.Context) (string, error) {
	key := ""
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get(IdempotencyHeader); len(v) > 0 {
			key = strings.TrimSpace(v[0])
		}
	}
	if len(key) > idem.MaxKeyLen {
		return "", invalid("idempotency key longer than %d bytes", idem.MaxKeyLen)
	}
	return key, nil
}

// once runs a modify or a cancel of one order (kind names it in the body hash, so a
// key used for one kind is a conflict for another) at most once per Idempotency-Key
// of the key's owner: a retry with the same request answers the first result
// (replayed true) without running, the same key with another request is refused
// (idempotency_conflict), and a retry while the first runs waits for it. Without a
// key, run just runs. A refusal frees the key for a retry; an unknown outcome (OpenD
// did not answer) keeps it claimed, and the retry that takes it over runs again,
// which is safe for a modify (it sets absolute terms) and a cancel (OpenD refuses a
// second one). A daily-value booking of that unknown attempt is not carried over:
// the retry books what its own modify adds.
func (s *Server) once(ctx context.Context, keyID, kind string, req proto.Message, run func() (string, error)) (answer string, replayed bool, err error) {
	key, err := forwardedKey(ctx)
	if err != nil || key == "" {
		if err != nil {
			return "", false, err
		}
		answer, err = run()
		return answer, false, err
	}
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	hash := idem.BodyHash(append([]byte(kind+"\x00"), b...))
	var wait *idem.Waiter
	for {
		id := newAttemptID()
		out, err := s.d.Idem.Claim(ctx, idem.Attempt{KeyID: keyID, Key: key, BodyHash: hash, ID: id})
		if err != nil {
			if !errors.Is(err, idem.ErrConflict) { // it may have claimed without answering
				bctx, cancel := detached(ctx)
				_ = s.d.Idem.ReleaseAttempt(bctx, keyID, key, id)
				cancel()
			}
			return "", false, idemError(err)
		}
		switch out.State {
		case idem.Replay:
			return out.OrderID, true, nil
		case idem.Resume, idem.Fresh:
			answer, err := run()
			if err == nil {
				s.markDone(ctx, out.Claim, answer)
				return answer, false, nil
			}
			if e, ok := placer.AsError(err); ok && !e.Definite() {
				s.keepUnknown(ctx, out.Claim, "", 0)
			} else {
				s.releaseClaim(ctx, out.Claim)
			}
			return "", false, err
		case idem.Wait:
			if wait == nil {
				wait = s.d.Idem.Waiter()
			}
			if err := wait.Await(ctx, keyID, key); err != nil {
				return "", false, idemError(err)
			}
		}
	}
}
