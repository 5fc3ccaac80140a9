package bot

import (
	"time"

	"golang.org/x/time/rate"
)

// newLimiter is the one kind of sending budget the bot keeps: at most one
// message every interval on average, with bursts of up to burst. The
// managers' group gets one (Telegram allows about 20 posts a minute in a
// group), and only the group sender waits on it.
func newLimiter(interval time.Duration, burst int) *rate.Limiter {
	return rate.NewLimiter(rate.Every(interval), max(burst, 1))
}
