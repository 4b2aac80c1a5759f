package citecheck

import (
	"testing"
	"time"
)

func TestFailuresWaitDoublesAfterTheFreeAttemptsUpToTheCap(t *testing.T) {
	last := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		count int
		since time.Duration
		want  time.Duration
	}{
		{0, 0, 0},
		{ThrottleFreeAttempts - 1, 0, 0},
		{ThrottleFreeAttempts, 0, time.Second},
		{ThrottleFreeAttempts, 300 * time.Millisecond, 700 * time.Millisecond},
		{ThrottleFreeAttempts, 2 * time.Second, 0},
		{ThrottleFreeAttempts + 1, 0, 2 * time.Second},
		{ThrottleFreeAttempts + 3, 0, 8 * time.Second},
		{ThrottleFreeAttempts + 40, 0, ThrottleMaxDelay},
		{ThrottleFreeAttempts + 40, ThrottleWindow + time.Second, 0},
	} {
		f := Failures{Count: tc.count, Last: last}
		if got := f.Wait(last.Add(tc.since)); got != tc.want {
			t.Errorf("%d failures, %v later: wait %v, want %v", tc.count, tc.since, got, tc.want)
		}
	}
}

func TestFailedCountsOnUntilTheWindowHasPassed(t *testing.T) {
	last := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := Failures{Count: 7, Last: last}
	if g := f.Failed(last.Add(ThrottleWindow)); g.Count != 8 || !g.Last.Equal(last.Add(ThrottleWindow)) {
		t.Errorf("within the window: %+v", g)
	}
	if g := f.Failed(last.Add(ThrottleWindow + time.Nanosecond)); g.Count != 1 {
		t.Errorf("after the window the count starts again: %+v", g)
	}
	if g := (Failures{}).Failed(last); g.Count != 1 || !g.Last.Equal(last) {
		t.Errorf("a first failure: %+v", g)
	}
}
