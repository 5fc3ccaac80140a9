package dialogs

import (
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type moneyCase struct {
	name string
	in   string
	want int64
	err  error
}

var moneyCases = []moneyCase{
	// Plain digits and grouping.
	{"plain", "12000000", 12_000_000, nil},
	{"zero", "0", 0, nil},
	{"leading zeros", "007", 7, nil},
	{"surrounding spaces", "  12000000 \n", 12_000_000, nil},
	{"plus sign", "+500", 500, nil},
	{"space groups", "12 000 000", 12_000_000, nil},
	{"nbsp groups", "12\u00a0000\u00a0000", 12_000_000, nil},
	{"narrow nbsp groups", "12\u202f000\u202f000", 12_000_000, nil},
	{"thin space groups", "12\u2009000\u2009000", 12_000_000, nil},
	{"double space group", "12  000", 12_000, nil},
	{"comma groups", "12,000,000", 12_000_000, nil},
	{"dot groups", "12.000.000", 12_000_000, nil},
	{"apostrophe groups", "12'000'000", 12_000_000, nil},
	{"typographic apostrophe groups", "12’000’000", 12_000_000, nil},
	{"underscore groups", "12_000_000", 12_000_000, nil},
	{"comma grouping 1,234,567", "1,234,567", 1_234_567, nil},
	{"single comma three digits is grouping", "12,500", 12_500, nil},
	{"single dot three digits is grouping", "12.000", 12_000, nil},
	{"single space group", "500 000", 500_000, nil},

	// Decimals, kopecks, rounding.
	{"kopecks zero comma", "12 000 000,00", 12_000_000, nil},
	{"kopecks zero dot", "12 000 000.00", 12_000_000, nil},
	{"comma groups dot decimal", "1,234,567.89", 1_234_567, nil},
	{"dot groups comma decimal", "1.234.567,89", 1_234_567, nil},
	{"apostrophe groups dot decimal", "1'234.5", 1_234, nil},
	{"decimal comma half is dropped", "100,50", 100, nil},
	{"decimal comma kopecks dropped", "100,49", 100, nil},
	{"decimal comma 99 kopecks dropped", "100,99", 100, nil},
	{"decimal dot one digit", "12.5", 12, nil},
	{"decimal comma one digit", "12,4", 12, nil},
	{"zero comma three digits is decimal", "0,500", 0, nil},
	{"long first group three digits is decimal", "1234,567", 1_234, nil},
	{"many fraction digits", "1.4999999999999999999999", 1, nil},
	{"trailing dot", "500.", 500, nil},

	// Millions, Russian.
	{"ru 12.5 млн", "12.5 млн", 12_500_000, nil},
	{"ru 12,5 млн", "12,5 млн", 12_500_000, nil},
	{"ru 12,5 млн руб.", "12,5 млн руб.", 12_500_000, nil},
	{"ru 12,5 млн. рублей", "12,5 млн. рублей", 12_500_000, nil},
	{"ru 12 млн attached", "12млн", 12_000_000, nil},
	{"ru 12 миллионов рублей", "12 миллионов рублей", 12_000_000, nil},
	{"ru 1 миллион рубль", "1 миллион рубль", 1_000_000, nil},
	{"ru 2 миллиона рубля", "2 миллиона рубля", 2_000_000, nil},
	{"ru 0,1 млн exact", "0,1 млн", 100_000, nil},
	{"ru upper case МЛН", "12,5 МЛН РУБ", 12_500_000, nil},
	{"ru 3 ляма", "3 ляма", 3_000_000, nil},
	{"ru 12м", "12м", 12_000_000, nil},
	{"ru млн without space and dot", "12,5млн.руб.", 12_500_000, nil},
	// Millions, English.
	{"en 0.1 mln exact", "0.1 mln", 100_000, nil},
	{"en ₽12M", "₽12M", 12_000_000, nil},
	{"en 12M ₽", "12M ₽", 12_000_000, nil},
	{"en 12M₽", "12M₽", 12_000_000, nil},
	{"en 12 mln", "12 mln", 12_000_000, nil},
	{"en 12 million", "12 million", 12_000_000, nil},
	{"en 12 million rubles", "12 million rubles", 12_000_000, nil},
	{"en 12.5 million", "12.5 million", 12_500_000, nil},
	{"en 12.5M", "12.5M", 12_500_000, nil},
	{"en 3.25 mn", "3.25 mn", 3_250_000, nil},
	{"en 1,500 million is grouping", "1,500 million", 1_500_000_000, nil},
	// Billions.
	{"en 1.5 billion", "1.5 billion", 1_500_000_000, nil},
	{"en 2bn", "2bn", 2_000_000_000, nil},
	{"ru 1,5 млрд", "1,5 млрд", 1_500_000_000, nil},
	{"ru 3 миллиарда рублей", "3 миллиарда рублей", 3_000_000_000, nil},
	{"ru 0,000000001 млрд", "0,000000001 млрд", 1, nil},
	{"ru 0,0000000005 млрд is dropped", "0,0000000005 млрд", 0, nil},
	{"ru 0,0000000004 млрд rounds down", "0,0000000004 млрд", 0, nil},
	// Thousands.
	{"en 500k", "500k", 500_000, nil},
	{"en 500 K", "500 K", 500_000, nil},
	{"ru 500к cyrillic", "500к", 500_000, nil},
	{"ru 500 тыс", "500 тыс", 500_000, nil},
	{"ru 500 тыс.", "500 тыс.", 500_000, nil},
	{"ru 500 тыс. руб", "500 тыс. руб", 500_000, nil},
	{"ru 500 тысяч рублей", "500 тысяч рублей", 500_000, nil},
	{"ru 500 т.р.", "500 т.р.", 500_000, nil},
	{"ru 1,5 тыс", "1,5 тыс", 1_500, nil},
	{"en 500 thousand", "500 thousand", 500_000, nil},
	{"en 2.5k", "2.5k", 2_500, nil},
	// Currency.
	{"en RUB 500,000", "RUB 500,000", 500_000, nil},
	{"en RUB500000", "RUB500000", 500_000, nil},
	{"en 500000 rub", "500000 rub", 500_000, nil},
	{"en 500000 RUR", "500000 RUR", 500_000, nil},
	{"en 500 roubles", "500 roubles", 500, nil},
	{"ru 500 000 р.", "500 000 р.", 500_000, nil},
	{"ru 500 000 р", "500 000 р", 500_000, nil},
	{"ru latin p for р", "500p", 500, nil},
	{"ru 500 000 руб.", "500 000 руб.", 500_000, nil},
	{"ru руб. prefix", "руб. 500", 500, nil},
	{"ru 500 рублей", "500 рублей", 500, nil},
	{"₽ with space", "₽ 500 000", 500_000, nil},
	{"500 000 ₽", "500 000 ₽", 500_000, nil},
	{"nbsp before ₽", "500\u00a0000\u00a0₽", 500_000, nil},

	// Kopecks one short of a threshold stay short.
	{"ru one kopeck short of 12 млн", "11 999 999,99", 11_999_999, nil},
	{"ru one kopeck short with nbsp and ₽", "11\u00a0999\u00a0999,99\u00a0₽", 11_999_999, nil},
	{"en one cent short of 12M", "11,999,999.99", 11_999_999, nil},
	{"en one kopeck short, rub", "RUB 11,999,999.99", 11_999_999, nil},
	{"ru 11,9999999 млн floors", "11,9999999 млн", 11_999_999, nil},
	// Limits.
	{"max exactly", "1000000000000000", MaxMoney, nil},
	{"max via млрд", "1 000 000 млрд", MaxMoney, nil},
	{"kopecks never round up to max", "999999999999999,99", MaxMoney - 1, nil},
	{"max with kopecks dropped", "1000000000000000,5", MaxMoney, nil},
	{"over max by one", "1000000000000001", 0, ErrTooLarge},
	{"over max via multiplier", "1000001 млрд", 0, ErrTooLarge},
	{"uint64 overflow digits", "99999999999999999999999999999", 0, ErrTooLarge},
	{"huge with multiplier", "99999999999999999999 млрд", 0, ErrTooLarge},
	{"leading zeros do not count", "0000000000000000000000012", 12, nil},

	// Negative.
	{"negative ascii", "-5", 0, ErrNegative},
	{"negative unicode minus", "−5", 0, ErrNegative},
	{"negative en dash", "–5 млн", 0, ErrNegative},
	{"negative with space", "- 500 000 руб", 0, ErrNegative},
	{"negative after ₽", "₽-5", 0, ErrNegative},
	{"negative before ₽", "-₽5", 0, ErrNegative},
	{"negative zero", "-0", 0, ErrNegative},
	{"negative beats too large", "-99999999999999999999", 0, ErrNegative},

	// Empty.
	{"empty", "", 0, ErrEmpty},
	{"spaces", "   ", 0, ErrEmpty},
	{"nbsp only", "\u00a0\u202f", 0, ErrEmpty},
	{"zero width only", "\u200b", 0, ErrEmpty},

	// Garbage.
	{"letters", "abc", 0, ErrNotANumber},
	{"ru letters", "много", 0, ErrNotANumber},
	{"12 apples", "12 apples", 0, ErrNotANumber},
	{"1.2.3 млн", "1.2.3 млн", 0, ErrNotANumber},
	{"bad space grouping 1 2", "1 2", 0, ErrNotANumber},
	{"bad space grouping 12 0000", "12 0000", 0, ErrNotANumber},
	{"bad comma grouping", "1,23,456", 0, ErrNotANumber},
	{"grouping leading zero", "0 500", 0, ErrNotANumber},
	{"first group too long", "1234,567,890", 0, ErrNotANumber},
	{"mixed groupings", "1 000,000 000", 0, ErrNotANumber},
	{"space after decimal mark", "12, 5", 0, ErrNotANumber},
	{"two decimal marks", "1,5.5", 0, ErrNotANumber},
	{"leading dot", ".5", 0, ErrNotANumber},
	{"leading comma", ",5 млн", 0, ErrNotANumber},
	{"detached dot", "12 . млн", 0, ErrNotANumber},
	{"double dot", "12..", 0, ErrNotANumber},
	{"two multipliers", "12 млн тыс", 0, ErrNotANumber},
	{"two numbers", "12 млн 500 тыс", 0, ErrNotANumber},
	{"range", "10-15 млн", 0, ErrNotANumber},
	{"multiplier before number", "млн 12", 0, ErrNotANumber},
	{"multiplier after currency", "12 руб млн", 0, ErrNotANumber},
	{"two currencies", "₽12 руб", 0, ErrNotANumber},
	{"dollars", "$500", 0, ErrNotANumber},
	{"euros", "500 EUR", 0, ErrNotANumber},
	{"exponent", "1e6", 0, ErrNotANumber},
	{"hex", "0x10", 0, ErrNotANumber},
	{"sign only", "-", 0, ErrNotANumber},
	{"currency only", "₽", 0, ErrNotANumber},
	{"multiplier only", "млн", 0, ErrNotANumber},
	{"double sign", "--5", 0, ErrNotANumber},
	{"sign after number", "5-", 0, ErrNotANumber},
	{"negative garbage", "-abc", 0, ErrNotANumber},
	{"exclamation", "12 млн!", 0, ErrNotANumber},
	{"fullwidth digits", "１２", 0, ErrNotANumber},
	{"invalid utf8", "12\xff", 0, ErrNotANumber},
	{"too many tokens", "₽ - 5 млн руб руб руб руб руб", 0, ErrNotANumber},
}

func TestParseMoney(t *testing.T) {
	for _, tc := range moneyCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseMoney(tc.in)
			if tc.err != nil {
				require.Error(t, err, "input %q gave %d", tc.in, got)
				assert.True(t, errors.Is(err, tc.err), "input %q: got error %v, want %v", tc.in, err, tc.err)
				assert.Zero(t, got)
				return
			}
			require.NoError(t, err, "input %q", tc.in)
			assert.Equal(t, tc.want, got, "input %q", tc.in)
		})
	}
}

// TestParseMoneyExact checks that decimal multiplication is exact for every
// tenth of a million, where float64 arithmetic famously is not.
func TestParseMoneyExact(t *testing.T) {
	for i := int64(0); i <= 1000; i++ {
		in := strconv.FormatInt(i/10, 10) + "," + strconv.FormatInt(i%10, 10) + " млн"
		got, err := ParseMoney(in)
		require.NoError(t, err, in)
		require.Equal(t, i*100_000, got, in)
	}
	got, err := ParseMoney("0.29 млн")
	require.NoError(t, err)
	assert.Equal(t, int64(290_000), got) // 0.29*1e6 = 289999.99999999994 in float64
}

type countCase struct {
	name string
	in   string
	want int64
	err  error
}

var countCases = []countCase{
	{"digit", "2", 2, nil},
	{"zero", "0", 0, nil},
	{"spaces", "  3  ", 3, nil},
	{"trailing dot", "3.", 3, nil},
	{"trailing exclamation", "3!", 3, nil},
	{"emoji", "5 🚀", 5, nil},
	{"keycap emoji", "2\ufe0f\u20e3", 2, nil},
	{"grouped", "1 000", 1_000, nil},
	{"grouped comma", "1,000", 1_000, nil},
	{"zero fraction", "2,0", 2, nil},
	{"plus", "+4", 4, nil},
	{"max", "1000000", MaxCount, nil},

	{"ru ноль", "ноль", 0, nil},
	{"ru один", "один", 1, nil},
	{"ru одна", "одна", 1, nil},
	{"ru два", "два", 2, nil},
	{"ru две", "Две", 2, nil},
	{"ru три", "три", 3, nil},
	{"ru четыре", "четыре", 4, nil},
	{"ru пять", "пять", 5, nil},
	{"ru шесть", "шесть", 6, nil},
	{"ru семь", "семь", 7, nil},
	{"ru восемь", "восемь", 8, nil},
	{"ru девять", "девять", 9, nil},
	{"ru десять", "ДЕСЯТЬ", 10, nil},
	{"ru нет", "нет", 0, nil},
	{"ru нет.", "Нет.", 0, nil},
	{"ru ни одного", "ни одного", 0, nil},
	{"ru нет проектов", "нет проектов", 0, nil},
	{"ru 2 проекта", "2 проекта", 2, nil},
	{"ru три решения", "три решения", 3, nil},
	{"ru 5 шт.", "5 шт.", 5, nil},

	{"en zero", "zero", 0, nil},
	{"en one", "one", 1, nil},
	{"en two", "Two", 2, nil},
	{"en three", "three", 3, nil},
	{"en four", "four", 4, nil},
	{"en five", "five", 5, nil},
	{"en six", "six", 6, nil},
	{"en seven", "seven", 7, nil},
	{"en eight", "eight", 8, nil},
	{"en nine", "nine", 9, nil},
	{"en ten", "ten", 10, nil},
	{"en none", "none", 0, nil},
	{"en no", "No", 0, nil},
	{"en no projects", "no projects", 0, nil},
	{"en one project", "one project", 1, nil},
	{"en 2 solutions", "2 solutions", 2, nil},

	{"empty", "", 0, ErrEmpty},
	{"blank", " \u00a0 ", 0, ErrEmpty},
	{"only dots", "...", 0, ErrEmpty},
	{"negative", "-2", 0, ErrNegative},
	{"negative unicode", "−2 проекта", 0, ErrNegative},
	{"too large", "1000001", 0, ErrTooLarge},
	{"way too large", "99999999999999999999999", 0, ErrTooLarge},
	{"fraction", "1,5", 0, ErrNotANumber},
	{"fraction dot", "2.5", 0, ErrNotANumber},
	{"eleven word", "eleven", 0, ErrNotANumber},
	{"ru много", "много", 0, ErrNotANumber},
	{"garbage", "abc", 0, ErrNotANumber},
	{"unknown noun", "2 apples", 0, ErrNotANumber},
	{"two numbers", "2 3", 0, ErrNotANumber},
	{"money multiplier", "2k", 0, ErrNotANumber},
	{"signed word", "-два", 0, ErrNotANumber},
	{"noun only", "проектов", 0, ErrNotANumber},
	{"ни alone", "ни", 0, ErrNotANumber},
	{"leading dot", ".5", 0, ErrNotANumber},
	{"question", "2?", 0, ErrNotANumber},
}

func TestParseCount(t *testing.T) {
	for _, tc := range countCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCount(tc.in)
			if tc.err != nil {
				require.Error(t, err, "input %q gave %d", tc.in, got)
				assert.True(t, errors.Is(err, tc.err), "input %q: got error %v, want %v", tc.in, err, tc.err)
				assert.Zero(t, got)
				return
			}
			require.NoError(t, err, "input %q", tc.in)
			assert.Equal(t, tc.want, got, "input %q", tc.in)
		})
	}
}

func TestParseYesNo(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		yes, ok bool
	}{
		{"ru да", "да", true, true},
		{"ru Да!", "Да!", true, true},
		{"ru ДА", "ДА", true, true},
		{"ru д", "д", true, true},
		{"ru ага", "ага", true, true},
		{"ru угу", "угу", true, true},
		{"ru конечно", "Конечно!", true, true},
		{"ru есть", "есть", true, true},
		{"ru ок", "ок", true, true},
		{"ru да, конечно", "да, конечно", true, true},
		{"ru quoted", "«да»", true, true},
		{"en yes", "yes", true, true},
		{"en Yes.", "Yes.", true, true},
		{"en y", "Y", true, true},
		{"en ok", "OK", true, true},
		{"en okay", "okay", true, true},
		{"en yep", "yep", true, true},
		{"en yeah", "yeah", true, true},
		{"en sure", "sure", true, true},
		{"en true", "TRUE", true, true},
		{"ok with emoji", "ok 👍", true, true},
		{"yes with emoji and punct", "  yes!!! 😀😀 ", true, true},
		{"thumbs up", "👍", true, true},
		{"thumbs up skin tone", "👍🏽", true, true},
		{"plus", "+", true, true},

		{"ru нет", "нет", false, true},
		{"ru Нет.", "Нет.", false, true},
		{"ru н", "н", false, true},
		{"ru неа", "неа", false, true},
		{"ru не-а", "не-а", false, true},
		{"ru нету", "нету", false, true},
		{"ru нет нет", "нет, нет", false, true},
		{"en no", "No", false, true},
		{"en n", "n", false, true},
		{"en nope", "nope", false, true},
		{"en false", "False", false, true},
		{"en no with emoji", "no 🙅‍♂️", false, true},
		{"thumbs down", "👎", false, true},
		{"minus", "-", false, true},

		{"empty", "", false, false},
		{"blank", "   ", false, false},
		{"emoji only", "🙂", false, false},
		{"punct only", "?!", false, false},
		{"ru да нет", "да нет", false, false},
		{"mixed yes no", "yes no", false, false},
		{"unknown", "maybe", false, false},
		{"ru может быть", "может быть", false, false},
		{"yes and unknown", "да, но позже", false, false},
		{"digit", "1", false, false},
		{"invalid utf8", "\xff", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			yes, ok := ParseYesNo(tc.in)
			assert.Equal(t, tc.ok, ok, "ok for %q", tc.in)
			assert.Equal(t, tc.yes, yes, "yes for %q", tc.in)
		})
	}
}

func BenchmarkParseMoney(b *testing.B) {
	inputs := []string{
		"12000000",
		"12 000 000",
		"12,5 млн. рублей",
		"₽12M",
		"RUB 500,000",
		"1.234.567,89",
		"12 apples",
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, in := range inputs {
			_, _ = ParseMoney(in)
		}
	}
}
