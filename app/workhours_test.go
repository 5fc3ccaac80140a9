package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWorkingBefore: four working hours back from a moment skip nights and
// weekends.
func TestWorkingBefore(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	at := func(day, hour, minute int) time.Time {
		return time.Date(2026, time.November, day, hour, minute, 0, 0, loc)
	}
	// 2026-11-30 is a Monday.
	for _, tc := range []struct {
		name string
		now  time.Time
		d    time.Duration
		want time.Time
	}{
		{"within one day", at(30, 15, 0), 4 * time.Hour, at(30, 11, 0)},
		{"the morning reaches back to the evening before", at(31+1, 10, 0), 4 * time.Hour, at(31+0, 15, 0)},
		{"Monday morning reaches back to Friday", at(30, 11, 0), 4 * time.Hour, at(27, 16, 0)},
		{"a night or weekend moment counts from the last close", at(29, 3, 0), 4 * time.Hour, at(27, 14, 0)},
		{"after hours counts from the close", at(30, 22, 0), time.Hour, at(30, 17, 0)},
		{"more than a day", at(30, 12, 0), 12 * time.Hour, at(27, 9, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, workingBefore(tc.now, tc.d, loc))
		})
	}
}
