package handlers

import (
	"testing"
	"time"
)

func TestLoginThrottleSlowsRepeatedFailuresAndForgets(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	lt := newLoginThrottle(func() time.Time { return now })
	for i := 0; i < freeAttempts; i++ {
		if w := lt.wait("name:ann", "ip:1.2.3.4"); w != 0 {
			t.Fatalf("attempt %d must not wait, got %v", i, w)
		}
		lt.fail("name:ann", "ip:1.2.3.4")
	}
	if w := lt.wait("name:ann"); w != time.Second {
		t.Fatalf("after %d failures wait %v, want 1s", freeAttempts, w)
	}
	if w := lt.wait("ip:1.2.3.4", "name:bob"); w != time.Second {
		t.Fatalf("the address is slowed for other names too: %v", w)
	}
	lt.fail("name:ann")
	if w := lt.wait("name:ann"); w != 2*time.Second {
		t.Fatalf("wait doubles: %v", w)
	}
	for i := 0; i < 40; i++ {
		lt.fail("name:ann")
	}
	if w := lt.wait("name:ann"); w != maxDelay {
		t.Fatalf("wait is capped: %v", w)
	}
	now = now.Add(window + time.Second)
	if w := lt.wait("name:ann", "ip:1.2.3.4"); w != 0 {
		t.Fatalf("failures are forgotten after the window: %v", w)
	}
	lt.fail("name:cy")
	lt.succeed("name:cy")
	if w := lt.wait("name:cy"); w != 0 {
		t.Fatalf("success forgets: %v", w)
	}
}
