package manage

import "errors"

// ErrAlreadyRefreshed refuses a second refresh of one session key: it has a successor
// already, and a second one would fork the session.
var ErrAlreadyRefreshed = errors.New("this session key was already refreshed; use the key that refresh returned")
