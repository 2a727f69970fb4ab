package store

import (
	"errors"
	"fmt"
)

// Errors of the store. Redis failures wrap ErrUnavailable.
var (
	ErrNotFound    = errors.New("no such key")
	ErrRevoked     = errors.New("key revoked")
	ErrExpired     = errors.New("key expired")
	ErrIDTaken     = errors.New("key id already in use")
	ErrUnavailable = errors.New("redis unavailable")
	ErrParentGone  = errors.New("the parent key was revoked or expired")
)

func unavailable(op string, err error) error {
	return fmt.Errorf("%w: %s: %v", ErrUnavailable, op, err)
}
