package dialogs

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// group formats v with sep between groups of three digits: 1234567 → 1 234 567.
func groupDigits(v int64, sep string) string {
	s := strconv.FormatInt(v, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

func isParseSentinel(err error) bool {
	return errors.Is(err, ErrEmpty) || errors.Is(err, ErrNotANumber) ||
		errors.Is(err, ErrNegative) || errors.Is(err, ErrTooLarge)
}

// checkRoundTrip parses the plain-digit (and grouped) form of v again and
// expects v back.
func checkRoundTrip(t *testing.T, in string, v int64, parse func(string) (int64, error)) {
	t.Helper()
	for _, s := range []string{
		strconv.FormatInt(v, 10),
		groupDigits(v, " "),
		groupDigits(v, "\u00a0"),
		groupDigits(v, "\u202f"),
		groupDigits(v, ","),
		groupDigits(v, "."),
		groupDigits(v, "'"),
	} {
		w, err := parse(s)
		if err != nil || w != v {
			t.Fatalf("%q → %d, but its re-formatting %q → %d, %v", in, v, s, w, err)
		}
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, tc := range moneyCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseMoney(s)
		if err != nil {
			if v != 0 {
				t.Fatalf("%q: error %v with non-zero value %d", s, err, v)
			}
			if !isParseSentinel(err) {
				t.Fatalf("%q: error %v is not a sentinel", s, err)
			}
			return
		}
		if v < 0 || v > MaxMoney {
			t.Fatalf("%q → %d, out of [0, MaxMoney]", s, v)
		}
		checkRoundTrip(t, s, v, ParseMoney)
		// The same amount with the currency around it.
		for _, s2 := range []string{strconv.FormatInt(v, 10) + " ₽", "RUB " + strconv.FormatInt(v, 10), groupDigits(v, " ") + " руб."} {
			if w, err := ParseMoney(s2); err != nil || w != v {
				t.Fatalf("%q → %d, but %q → %d, %v", s, v, s2, w, err)
			}
		}
	})
}

func FuzzParseCount(f *testing.F) {
	for _, tc := range countCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseCount(s)
		if err != nil {
			if v != 0 {
				t.Fatalf("%q: error %v with non-zero value %d", s, err, v)
			}
			if !isParseSentinel(err) {
				t.Fatalf("%q: error %v is not a sentinel", s, err)
			}
			return
		}
		if v < 0 || v > MaxCount {
			t.Fatalf("%q → %d, out of [0, MaxCount]", s, v)
		}
		checkRoundTrip(t, s, v, ParseCount)
	})
}

func FuzzParseYesNo(f *testing.F) {
	for _, s := range []string{"да", "Нет.", "ok 👍", "да нет", "👎", "", "не-а"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		yes, ok := ParseYesNo(s)
		if yes && !ok {
			t.Fatalf("%q: yes without ok", s)
		}
	})
}
