package dialogs

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseMonth(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ in, month, hint string }{
		{"2025-04", "2025-04", ""},
		{" 04.2025 ", "2025-04", ""},
		{"4/2025", "2025-04", ""},
		{"April 2025", "2025-04", ""},
		{"apr 2025", "2025-04", ""},
		{"in March, 2024", "2024-03", ""},
		{"апрель 2025", "2025-04", ""},
		{"апреля 2025 г.", "2025-04", ""},
		{"в мае 2024 года", "2024-05", ""},
		{"Ноябрь 2026", "2026-11", ""},
		{"2026-12", "", MonthFuture},
		{"январь 2027", "", MonthFuture},
		{"2025-13", "", MonthBad},
		{"00.2025", "", MonthBad},
		{"last spring", "", MonthBad},
		{"2025", "", MonthBad},
		{"April", "", MonthBad},
		{"abc 2025", "", MonthBad},
		{"", "", MonthBad},
		{"1890-01", "", MonthBad},
	} {
		month, hint := ParseMonth(tc.in, now)
		assert.Equal(t, tc.month, month, tc.in)
		assert.Equal(t, tc.hint, hint, tc.in)
	}
}
