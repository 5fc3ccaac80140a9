package dialogs

// Free-text parsers for the answers partners type into the bot: amounts in
// rubles, counts of things, and yes/no. Russian and English are both
// accepted. The parsers never panic and never return a negative number; a
// failure is reported with one of the sentinel errors below, which the caller
// turns into a localized hint.

import (
	"errors"
	"strings"
	"unicode"
)

// Sentinel errors returned by ParseMoney and ParseCount. They are returned
// as is (not wrapped), so both == and errors.Is work.
var (
	// ErrEmpty: the answer is empty or consists only of spaces.
	ErrEmpty = errors.New("dialogs: empty answer")
	// ErrNotANumber: the answer is not a recognizable amount or count.
	ErrNotANumber = errors.New("dialogs: not a number")
	// ErrNegative: the answer is a well-formed but negative number.
	ErrNegative = errors.New("dialogs: negative number")
	// ErrTooLarge: the answer is above MaxMoney (ParseMoney) or MaxCount (ParseCount).
	ErrTooLarge = errors.New("dialogs: number too large")
)

const (
	// MaxMoney is the largest amount ParseMoney accepts: 10^15 rubles.
	MaxMoney int64 = 1_000_000_000_000_000
	// MaxCount is the largest count ParseCount accepts. Partners count their
	// projects and solutions; anything above a million is a typo.
	MaxCount int64 = 1_000_000
)

// ParseMoney parses an amount of whole rubles the way people type it:
//
//	12000000, 12 000 000 (also U+00A0 / U+202F / thin spaces), 12,000,000,
//	12.000.000, 12'000'000, 12 000 000,00, 1,234,567.89
//	12.5 млн, 12,5 млн руб., 12,5 млн. рублей, ₽12M, 12M ₽, 12 mln, 12 million
//	1.5 billion, 1,5 млрд, 500k, 500к, 500 тыс, 500 тыс. руб, 500 т.р.,
//	500 thousand, RUB 500,000, 500000 rub, 500 000 р.
//
// Separators. Spaces, apostrophes and underscores only group digits. A
// comma or a dot is a decimal separator, except that
//   - when both appear (or one of them follows space/apostrophe grouping),
//     the last one is the decimal separator and the others group digits;
//   - when the same one appears several times (12.000.000, 1,234,567) it
//     groups digits;
//   - a single one followed by exactly three digits, after a first group of
//     1-3 digits not starting with 0, groups digits: 12,500 = 12500 and
//     12.000 = 12000, but 12,5 = 12.5, 0,500 = 0.5 and 1234,567 = 1234.567.
//     The rule holds with a multiplier too: 1,500 млн = 1 500 000 000.
//
// Grouping must be well-formed (a first group of 1-3 digits, then groups of
// exactly 3), otherwise the answer is ErrNotANumber: "1 2", "1.2.3 млн".
//
// Arithmetic is exact decimal arithmetic on the digits, no float64.
// Fractional rubles are DROPPED, never rounded up (100,50 → 100,
// 11 999 999,99 → 11 999 999), rather than rejected: people type kopecks
// out of habit, and an amount a kopeck short of a threshold must stay
// short. The bot echoes the whole rubles it understood.
//
// A minus sign (-, −, –, —) anywhere before the number gives ErrNegative,
// including "-0". An amount above MaxMoney gives ErrTooLarge. Only rubles
// are accepted: "$500" or "500 EUR" is ErrNotANumber. Zero is accepted.
func ParseMoney(s string) (int64, error) {
	s = strings.ToLower(s)
	var toks [maxAnswerTokens]parseToken
	n, ok := tokenizeAnswer(s, &toks)
	if !ok {
		return 0, ErrNotANumber
	}
	if n == 0 {
		return 0, ErrEmpty
	}
	var (
		currency  bool // a currency was given, before or after the number
		suffixCur bool // ... after the number (a multiplier must precede it)
		signed    bool
		neg       bool
		haveMul   bool
		exp       int
		num       = -1 // index of the number token
	)
	for i := 0; i < n; i++ {
		t := toks[i]
		if num < 0 { // before the number: currency and sign, in any order
			switch {
			case t.kind == ptNum:
				num = i
			case t.kind == ptSign && !signed:
				signed, neg = true, t.neg
			case (t.kind == ptRuble || t.kind == ptWord && isCurrencyWord(t.text)) && !currency:
				currency = true
			default:
				return 0, ErrNotANumber
			}
			continue
		}
		// After the number: an optional multiplier, then an optional currency.
		switch {
		case t.kind == ptWord && !haveMul && !suffixCur && multiplierExp(t.text) > 0:
			haveMul, exp = true, multiplierExp(t.text)
		case (t.kind == ptRuble || t.kind == ptWord && isCurrencyWord(t.text)) && !currency:
			currency, suffixCur = true, true
		default:
			return 0, ErrNotANumber
		}
	}
	if num < 0 {
		return 0, ErrNotANumber
	}
	d, ok := parseDecimal(toks[num].text)
	if !ok {
		return 0, ErrNotANumber
	}
	if neg {
		return 0, ErrNegative
	}
	v, ok := d.scale(exp)
	if !ok || v > uint64(MaxMoney) {
		return 0, ErrTooLarge
	}
	return int64(v), nil
}

// ParseCount parses a non-negative whole number of things (projects,
// solutions): "2", "1 000", "0", number words up to ten ("два"/"две",
// "two", "десять", "ten", "ноль", "zero"), and "нет"/"none"/"no"/
// "ни одного" meaning 0. A trailing noun from a short list is allowed
// ("2 проекта", "три решения", "нет проектов", "one project", "5 шт.").
// Trailing dots, exclamation marks and emoji are ignored.
//
// Fractions are ErrNotANumber ("1,5"), except all-zero ones ("2,0" = 2);
// the comma/dot rules are those of ParseMoney, so "1,000" = 1000. A minus
// sign before digits gives ErrNegative; above MaxCount gives ErrTooLarge.
func ParseCount(s string) (int64, error) {
	s = strings.ToLower(s)
	s = strings.TrimLeftFunc(s, func(r rune) bool { return isAnswerSpace(r) || isEmojiPart(r) })
	s = strings.TrimRightFunc(s, func(r rune) bool {
		return isAnswerSpace(r) || r == '.' || r == '!' || isEmojiPart(r)
	})
	var toks [maxAnswerTokens]parseToken
	n, ok := tokenizeAnswer(s, &toks)
	if !ok {
		return 0, ErrNotANumber
	}
	if n == 0 {
		return 0, ErrEmpty
	}
	// An optional trailing noun: "2 проекта", "нет проектов".
	if n >= 2 && toks[n-1].kind == ptWord && isCountNoun(toks[n-1].text) {
		n--
	}
	switch {
	case n == 1 && toks[0].kind == ptWord:
		if v, ok := countWord(toks[0].text); ok {
			return v, nil
		}
		return 0, ErrNotANumber
	case n == 2 && toks[0].kind == ptWord && toks[0].text == "ни" &&
		toks[1].kind == ptWord && (toks[1].text == "одного" || toks[1].text == "одной"):
		return 0, nil
	}
	neg := false
	if n == 2 && toks[0].kind == ptSign {
		neg = toks[0].neg
		toks[0] = toks[1]
		n = 1
	}
	if n != 1 || toks[0].kind != ptNum {
		return 0, ErrNotANumber
	}
	d, ok := parseDecimal(toks[0].text)
	if !ok || strings.Trim(d.frac, "0") != "" {
		return 0, ErrNotANumber
	}
	if neg {
		return 0, ErrNegative
	}
	v, ok := d.scale(0)
	if !ok || v > uint64(MaxCount) {
		return 0, ErrTooLarge
	}
	return int64(v), nil
}

// ParseYesNo recognizes a yes/no answer: да/нет/yes/no/y/n/д/н/ага/угу/
// конечно/есть/ок/ok/okay/yep/yeah/sure/nope/неа/нету/true/false, in any
// case. Punctuation, emoji and other non-letters around the answer are
// trimmed ("Да!", "ok 👍", "«нет»"). Several words are accepted when they all
// agree ("да, конечно", "no no"); mixed answers such as "да нет" (a Russian
// idiom for "no") are not recognized. A bare "+" or 👍 is yes, a bare "-"
// or 👎 is no. ok is false when the answer is not recognized.
func ParseYesNo(s string) (yes bool, ok bool) {
	s = strings.TrimFunc(s, isAnswerSpace)
	// Drop emoji modifiers: variation selectors, skin tones.
	switch strings.TrimRightFunc(s, func(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Me, unicode.Sk) }) {
	case "+", "👍", "✅", "✔":
		return true, true
	case "-", "−", "👎", "❌":
		return false, true
	}
	s = strings.ToLower(s)
	s = strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if s == "" {
		return false, false
	}
	if s == "не-а" || s == "не–а" {
		return false, true
	}
	if yes, ok := yesNoWord(s); ok {
		return yes, true
	}
	seen := false
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		y, ok := yesNoWord(w)
		if !ok || seen && y != yes {
			return false, false
		}
		yes, seen = y, true
	}
	return yes, seen
}

func yesNoWord(w string) (yes bool, ok bool) {
	switch w {
	case "да", "д", "ага", "угу", "конечно", "есть", "ок", "окей",
		"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "true":
		return true, true
	case "нет", "н", "не", "неа", "нету",
		"no", "n", "nope", "nah", "false":
		return false, true
	}
	return false, false
}

// countWord maps a number word (up to ten) or a "none" word to its value.
func countWord(w string) (int64, bool) {
	switch w {
	case "нет", "ноль", "нуль", "no", "none", "zero":
		return 0, true
	case "один", "одна", "одно", "one":
		return 1, true
	case "два", "две", "two":
		return 2, true
	case "три", "three":
		return 3, true
	case "четыре", "four":
		return 4, true
	case "пять", "five":
		return 5, true
	case "шесть", "six":
		return 6, true
	case "семь", "seven":
		return 7, true
	case "восемь", "eight":
		return 8, true
	case "девять", "nine":
		return 9, true
	case "десять", "ten":
		return 10, true
	}
	return 0, false
}

func isCountNoun(w string) bool {
	switch w {
	case "проект", "проекта", "проектов", "решение", "решения", "решений",
		"шт", "штук", "штука", "штуки",
		"project", "projects", "solution", "solutions", "pcs", "pc":
		return true
	}
	return false
}

// multiplierExp returns the power of ten a multiplier word stands for, or 0.
func multiplierExp(w string) int {
	switch w {
	case "k", "к", "т", "тыс", "тысяч", "тысяча", "тысячи", "тысячу", "thousand", "thousands":
		return 3
	case "m", "м", "mm", "mn", "mln", "mio", "mil", "million", "millions",
		"млн", "миллион", "миллиона", "миллионов", "лям", "ляма", "лямов":
		return 6
	case "b", "bn", "bln", "billion", "billions",
		"млрд", "миллиард", "миллиарда", "миллиардов":
		return 9
	}
	return 0
}

// isCurrencyWord reports whether w names the ruble. "p" is the Latin letter
// people type for "р".
func isCurrencyWord(w string) bool {
	switch w {
	case "р", "руб", "рубль", "рубля", "рублей",
		"rub", "rur", "r", "p", "ruble", "rubles", "rouble", "roubles":
		return true
	}
	return false
}

// ---- tokenizer ----
