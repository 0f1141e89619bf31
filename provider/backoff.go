package provider

import (
	"math/rand/v2"
	"time"
)

// fullJitter returns the delay before retry number attempt (1 for the first
// retry): a uniformly random duration in [0, min(max, base·2^(attempt-1))],
// the "full jitter" of exponential backoff, which spreads a fleet of
// clients that failed together.
func fullJitter(base, max time.Duration, attempt int) time.Duration {
	ceil := capped(base, max, attempt)
	if ceil <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceil) + 1))
}

// capped is base·2^(attempt-1), at most max.
func capped(base, max time.Duration, attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := base
	for i := 1; i < attempt; i++ {
		if d >= max/2 {
			return max
		}
		d *= 2
	}
	if d > max {
		return max
	}
	return d
}

// jittered returns d scaled by a random factor in [1-frac, 1+frac].
func jittered(d time.Duration, frac float64) time.Duration {
	return jitteredWith(d, frac, rand.Float64())
}

// jitteredWith is jittered with r, uniform in [0, 1), as the random draw.
func jitteredWith(d time.Duration, frac, r float64) time.Duration {
	if frac <= 0 || d <= 0 {
		return d
	}
	return time.Duration(float64(d) * (1 - frac + 2*frac*r))
}
