package idem

import "context"

// Acquire claims idemKey with no gate, waiting for an attempt holding it as the
// order server does: the tests' shorthand for the claim loop.
func (s *Store) Acquire(ctx context.Context, keyID, idemKey, bodyHash, attemptID string) (Outcome, error) {
	var w *Waiter
	for {
		out, err := s.Claim(ctx, Attempt{KeyID: keyID, Key: idemKey, BodyHash: bodyHash, ID: attemptID})
		if err != nil || out.State != Wait {
			return out, err
		}
		if w == nil {
			w = s.Waiter()
		}
		if err := w.Await(ctx, keyID, idemKey); err != nil {
			return Outcome{}, err
		}
	}
}
