package citecheck

import "time"

// The sign-in throttle's rule. Repeated failures for one key (a name, an address, an account's
// password change) slow further attempts: after ThrottleFreeAttempts failures each attempt must
// wait twice as long as the one before, up to ThrottleMaxDelay. Failures are forgotten
// ThrottleWindow after the last one, so the real user is never locked out for good; a success
// forgets them at once. The failures are kept in the database (store/throttle.go), so every app
// server on one database counts the same attempts.
const (
	ThrottleFreeAttempts = 5
	ThrottleMaxDelay     = 5 * time.Minute
	ThrottleWindow       = 30 * time.Minute
)

// Failures is what the throttle knows of one key: how many attempts failed in a row, and when
// the last one did.
type Failures struct {
	Count int
	Last  time.Time
}

// Expired reports whether the failures are old enough at now to be forgotten.
func (f Failures) Expired(now time.Time) bool {
	return now.Sub(f.Last) > ThrottleWindow
}

// Failed answers the failures after one more at now: the count starts again once the earlier
// ones have expired.
func (f Failures) Failed(now time.Time) Failures {
	if f.Expired(now) {
		return Failures{Count: 1, Last: now}
	}
	return Failures{Count: f.Count + 1, Last: now}
}

// Wait answers how long after now the next attempt must still wait: 0 until the free attempts
// are spent, then one second doubled for each further failure, at most ThrottleMaxDelay,
// counted from the last failure.
func (f Failures) Wait(now time.Time) time.Duration {
	if f.Count < ThrottleFreeAttempts || f.Expired(now) {
		return 0
	}
	delay := min(time.Second<<min(f.Count-ThrottleFreeAttempts, 16), ThrottleMaxDelay)
	return max(f.Last.Add(delay).Sub(now), 0)
}
