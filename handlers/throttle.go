package handlers

import (
	"sync"
	"time"
)

// loginThrottle slows sign-in after repeated failures for one name or one address: after
// freeAttempts failures, each further attempt must wait twice as long as the one before, up to
// maxDelay. Failures are forgotten after window, so the real user is never locked out for good,
// and the answer is the same whether or not the name exists.
type loginThrottle struct {
	mu       sync.Mutex
	failures map[string]*failureRecord
	now      func() time.Time
}

type failureRecord struct {
	count int
	last  time.Time
}

const (
	freeAttempts = 5
	maxDelay     = 5 * time.Minute
	window       = 30 * time.Minute
)

func newLoginThrottle(now func() time.Time) *loginThrottle {
	return &loginThrottle{failures: map[string]*failureRecord{}, now: now}
}

// wait returns how long the caller must still wait before trying any of keys again.
func (lt *loginThrottle) wait(keys ...string) time.Duration {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	now := lt.now()
	var longest time.Duration
	for _, k := range keys {
		f := lt.failures[k]
		if f == nil {
			continue
		}
		if now.Sub(f.last) > window {
			delete(lt.failures, k)
			continue
		}
		if f.count < freeAttempts {
			continue
		}
		delay := time.Second << min(f.count-freeAttempts, 16)
		if delay > maxDelay {
			delay = maxDelay
		}
		if left := f.last.Add(delay).Sub(now); left > longest {
			longest = left
		}
	}
	return longest
}

// fail records a failed attempt under every key.
func (lt *loginThrottle) fail(keys ...string) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	now := lt.now()
	if len(lt.failures) > 100000 {
		lt.failures = map[string]*failureRecord{} // bound memory under a flood of names
	}
	for _, k := range keys {
		f := lt.failures[k]
		if f == nil || now.Sub(f.last) > window {
			f = &failureRecord{}
			lt.failures[k] = f
		}
		f.count++
		f.last = now
	}
}

// succeed forgets the failures of a name after a successful sign-in.
func (lt *loginThrottle) succeed(key string) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	delete(lt.failures, key)
}
