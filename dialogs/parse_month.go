package dialogs

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Month hints: what is wrong with a month earned typed in the chat or sent
// by the Mini App (locale ids).
const (
	MonthBad    = "check.hint.month_bad"
	MonthFuture = "check.hint.month_future"
)

// numericMonth is "2025-04", "2025.04", "04.2025", "4/2025" or "04-2025".
var numericMonth = regexp.MustCompile(`^(?:(\d{4})[-./](\d{1,2})|(\d{1,2})[-./](\d{4}))$`)

// monthWords are the first three letters of each month's name, English and
// Russian (any case of the Russian name: "апрель", "апреля", "в апреле").
var monthWords = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
	"янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5, "мае": 5, "июн": 6, "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}

// ParseMonth reads the month a certificate was earned, as a partner types
// it ("2025-04", "04.2025", "April 2025", "апрель 2025 г.") or the Mini
// App's month field sends it ("2025-04"). It returns the month as
// YYYY-MM, or the locale id of what is wrong: MonthBad for what is no
// month, MonthFuture for a month after now's.
func ParseMonth(txt string, now time.Time) (month, hint string) {
	s := normalizeTyped(txt)
	s = strings.TrimSuffix(strings.TrimSuffix(s, " года"), " г")
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	s = strings.TrimPrefix(s, "в ")
	s = strings.TrimPrefix(s, "in ")
	var y, m int
	if g := numericMonth.FindStringSubmatch(s); g != nil {
		ys, ms := g[1], g[2]
		if ys == "" {
			ys, ms = g[4], g[3]
		}
		y, _ = strconv.Atoi(ys)
		m, _ = strconv.Atoi(ms)
	} else {
		f := strings.Fields(strings.NewReplacer(",", " ").Replace(s))
		if len(f) != 2 || utf8.RuneCountInString(f[0]) < 3 {
			return "", MonthBad
		}
		name := string([]rune(f[0])[:3])
		var ok bool
		if m, ok = monthWords[name]; !ok {
			return "", MonthBad
		}
		var err error
		if y, err = strconv.Atoi(f[1]); err != nil || len(f[1]) != 4 {
			return "", MonthBad
		}
	}
	if m < 1 || m > 12 || y < 1990 {
		return "", MonthBad
	}
	if y > now.Year() || y == now.Year() && m > int(now.Month()) {
		return "", MonthFuture
	}
	return fmt.Sprintf("%04d-%02d", y, m), ""
}
