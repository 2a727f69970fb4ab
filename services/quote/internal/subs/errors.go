package subs

import (
	"errors"
	"fmt"
)

// QuotaError is a subscribe refused because it would exceed the quota; nothing changed.
type QuotaError struct {
	Quota, Used, Want int // Want: new upstream slots the call needed
}

func (e *QuotaError) Error() string {
	return fmt.Sprintf("subscription quota exceeded: %d of %d slots in use, this call needs %d more", e.Used, e.Quota, e.Want)
}

// UpstreamError is OpenD refusing or failing a subscription; the session's set did not
// change.
type UpstreamError struct {
	Op  string // "subscribe" or "unsubscribe"
	Err error
}

func (e *UpstreamError) Error() string { return fmt.Sprintf("opend %s: %v", e.Op, e.Err) }
func (e *UpstreamError) Unwrap() error { return e.Err }

// ErrRefused marks an Upstream error that is OpenD's answer refusing the request (an
// unknown security, no quote right), as opposed to a failed connection.
var ErrRefused = errors.New("opend refused")

// ErrClosed is returned after Close.
var ErrClosed = errors.New("subs: registry closed")
