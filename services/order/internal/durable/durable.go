// Package durable runs the order service's Lua scripts and, when the service is
// configured for replication, makes each script's writes wait for replicas: the
// script and WAIT go in one pipeline (WAIT counts the replicas that acknowledged
// the writes of its own connection), and fewer acknowledgements than asked is an
// error, so callers fail closed instead of relying on a write a failover may lose.
// It also joins two packages' scripts into one without either knowing the other's
// Lua (Gate, Hosted), for checks and writes that must be atomic together.
package durable

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultTimeout is how long WAIT blocks when Wait.Timeout is not set. It must stay
// below the client's read timeout (3 s by default).
const DefaultTimeout = 500 * time.Millisecond

// ErrNotReplicated: fewer replicas than required acknowledged the script's writes
// in time. The writes may or may not survive a failover.
var ErrNotReplicated = errors.New("write not acknowledged by enough replicas")

// Wait says how many replicas must acknowledge each script's writes; Replicas 0
// (the default) runs scripts without waiting.
type Wait struct {
	Replicas int
	Timeout  time.Duration // 0 = DefaultTimeout
}

// Script is a Lua script run with an optional Wait.
type Script struct {
	src string
	sc  *redis.Script
}

// NewScript returns a Script of src.
func NewScript(src string) *Script { return &Script{src: src, sc: redis.NewScript(src)} }

// Run runs the script on rdb. With w.Replicas > 0 it sends EVALSHA (EVAL if the
// script is not cached) and WAIT in one pipeline, on the master owning keys[0] for a
// Cluster, and returns a command failing with ErrNotReplicated when fewer than
// w.Replicas replicas acknowledged within w.Timeout.
func (s *Script) Run(ctx context.Context, rdb redis.UniversalClient, w Wait, keys []string, args ...any) *redis.Cmd {
	if w.Replicas <= 0 {
		return s.sc.Run(ctx, rdb, keys, args...)
	}
	if w.Timeout <= 0 {
		w.Timeout = DefaultTimeout
	}
	var c redis.Cmdable = rdb
	if cc, ok := rdb.(*redis.ClusterClient); ok && len(keys) > 0 {
		// A cluster pipeline would send the keyless WAIT to any node.
		node, err := cc.MasterForKey(ctx, keys[0])
		if err != nil {
			return errCmd(ctx, err)
		}
		c = node
	}
	cmd, acks := s.pipe(ctx, c, w, true, keys, args)
	if redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
		cmd, acks = s.pipe(ctx, c, w, false, keys, args)
	}
	if cmd.Err() != nil {
		return cmd
	}
	n, err := acks.Result()
	if err != nil {
		return errCmd(ctx, fmt.Errorf("waiting for replicas: %w", err))
	}
	if n < int64(w.Replicas) {
		return errCmd(ctx, fmt.Errorf("%w: %d of %d within %s", ErrNotReplicated, n, w.Replicas, w.Timeout))
	}
	return cmd
}

func (s *Script) pipe(ctx context.Context, c redis.Cmdable, w Wait, sha bool, keys []string, args []any) (*redis.Cmd, *redis.IntCmd) {
	p := c.Pipeline()
	var cmd *redis.Cmd
	if sha {
		cmd = p.EvalSha(ctx, s.sc.Hash(), keys, args...)
	} else {
		cmd = p.Eval(ctx, s.src, keys, args...)
	}
	// Pipeliner has no Wait method; WAIT numreplicas timeout-ms.
	acks := redis.NewIntCmd(ctx, "wait", w.Replicas, w.Timeout.Milliseconds())
	_ = p.Process(ctx, acks)
	_, _ = p.Exec(ctx) // errors are on the commands
	return cmd, acks
}

func errCmd(ctx context.Context, err error) *redis.Cmd {
	cmd := redis.NewCmd(ctx)
	cmd.SetErr(err)
	return cmd
}
