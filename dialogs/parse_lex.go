package dialogs

import (
	"unicode"
	"unicode/utf8"
)

// The lexer and the exact decimal arithmetic behind the answer parsers.

const maxAnswerTokens = 8

type parseTokKind uint8

const (
	ptNum   parseTokKind = iota + 1 // digits with separators, raw text in parseToken.text
	ptWord                          // a run of letters, lower-cased
	ptSign                          // + or a minus sign
	ptRuble                         // ₽
)

type parseToken struct {
	kind parseTokKind
	neg  bool
	text string
}

// isAnswerSpace reports white space, including U+00A0, U+202F and thin spaces,
// and zero-width characters that sneak in with copy-paste.
func isAnswerSpace(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsSpace(r)
}

func isMinusSign(r rune) bool {
	switch r {
	case '-', '\u2212', '\u2012', '\u2013', '\u2014', '\ufe63', '\uff0d':
		return true
	}
	return false
}

// isGroupMark reports the characters that may sit between digit groups
// (besides white space).
func isGroupMark(r rune) bool {
	switch r {
	case ',', '.', '\'', '\u2019', '`', '_':
		return true
	}
	return false
}

func isEmojiPart(r rune) bool {
	return unicode.In(r, unicode.So, unicode.Sk, unicode.Mn, unicode.Me) || r == '\u200d'
}

func isDigitByte(b byte) bool { return '0' <= b && b <= '9' }

// tokenizeAnswer splits lower-cased s into at most maxAnswerTokens tokens. A dot right
// after a word or a number is dropped (abbreviations: "руб.", "млн."). Any
// other character makes the input invalid (ok == false).
func tokenizeAnswer(s string, toks *[maxAnswerTokens]parseToken) (n int, ok bool) {
	attached := false // the previous token ends right here
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var t parseToken
		switch {
		case isAnswerSpace(r):
			i += size
			attached = false
			continue
		case r == '.' && attached:
			i += size
			attached = false
			continue
		case isDigitByte(s[i]):
			j := scanDecimal(s, i)
			t = parseToken{kind: ptNum, text: s[i:j]}
			i = j
		case unicode.IsLetter(r):
			j := i + size
			for j < len(s) {
				r, size := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(r) {
					break
				}
				j += size
			}
			t = parseToken{kind: ptWord, text: s[i:j]}
			i = j
		case r == '+':
			t = parseToken{kind: ptSign}
			i += size
		case isMinusSign(r):
			t = parseToken{kind: ptSign, neg: true}
			i += size
		case r == '₽':
			t = parseToken{kind: ptRuble}
			i += size
		default:
			return 0, false
		}
		if n == maxAnswerTokens {
			return 0, false
		}
		toks[n] = t
		n++
		attached = t.kind == ptNum || t.kind == ptWord
	}
	return n, true
}

// scanDecimal returns the end of the number starting with the digit at s[i]:
// digit runs joined by one group mark or by a run of white space.
func scanDecimal(s string, i int) int {
	j := skipDigits(s, i)
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		k := j + size
		switch {
		case isGroupMark(r):
		case isAnswerSpace(r):
			for k < len(s) {
				r, size := utf8.DecodeRuneInString(s[k:])
				if !isAnswerSpace(r) {
					break
				}
				k += size
			}
		default:
			return j
		}
		if k >= len(s) || !isDigitByte(s[k]) {
			return j
		}
		j = skipDigits(s, k)
	}
	return j
}

func skipDigits(s string, i int) int {
	for i < len(s) && isDigitByte(s[i]) {
		i++
	}
	return i
}

// ---- exact decimal numbers ----

// maxIntDigits is the number of significant integer digits beyond which a
// number is certainly above any limit (10^16 > MaxMoney) and no longer
// accumulated, so that uint64 never overflows.
const maxDecimalDigits = 16

// exactDecimal is a non-negative decimal number: the integer part as a value
// with its count of significant digits, and the fraction digits verbatim.
type exactDecimal struct {
	intVal    uint64
	intDigits int // significant digits, leading zeros not counted
	frac      string
}

func (d *exactDecimal) addDigits(g string) {
	for i := 0; i < len(g); i++ {
		if d.intDigits == 0 && g[i] == '0' {
			continue
		}
		d.intDigits++
		if d.intDigits <= maxDecimalDigits {
			d.intVal = d.intVal*10 + uint64(g[i]-'0')
		}
	}
}

var decPow10 = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// scale returns d·10^exp with the fraction dropped (floored: an amount is
// never rounded up to meet a threshold), with ok == false when the result
// is at least 10^16 (so certainly too large). exp is 0..9.
func (d *exactDecimal) scale(exp int) (v uint64, ok bool) {
	if d.intDigits+exp > maxDecimalDigits {
		return 0, false
	}
	v = d.intVal * decPow10[exp]
	var f uint64
	for i := 0; i < exp; i++ {
		f *= 10
		if i < len(d.frac) {
			f += uint64(d.frac[i] - '0')
		}
	}
	v += f
	return v, v < 1e16
}

// parseDecimal interprets a ptNum text (see ParseMoney for the rules).
func parseDecimal(s string) (d exactDecimal, ok bool) {
	// Split into digit groups and the separators between them; a run of
	// white space is one separator ' '.
	type group struct{ start, end int }
	var gbuf [8]group
	var sbuf [8]rune
	groups, seps := gbuf[:0], sbuf[:0]
	for i := 0; i < len(s); {
		j := skipDigits(s, i)
		groups = append(groups, group{i, j})
		if j == len(s) {
			break
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if isAnswerSpace(r) {
			r = ' '
			for j < len(s) && !isDigitByte(s[j]) {
				j++
			}
		} else {
			j += size
		}
		seps = append(seps, r)
		i = j
	}
	g := func(k int) string { return s[groups[k].start:groups[k].end] }
	isDecimalMark := func(r rune) bool { return r == ',' || r == '.' }
	// validGrouping checks groups 0..last as thousands grouping and adds them.
	validGrouping := func(last int) bool {
		if l := len(g(0)); l < 1 || l > 3 || g(0)[0] == '0' {
			return false
		}
		for k := 1; k <= last; k++ {
			if len(g(k)) != 3 {
				return false
			}
		}
		for k := 0; k <= last; k++ {
			d.addDigits(g(k))
		}
		return true
	}

	k := len(seps)
	if k == 0 {
		d.addDigits(s)
		return d, true
	}
	first, last := seps[0], seps[k-1]
	same := true
	for _, r := range seps[:k-1] {
		if r != first {
			same = false
		}
	}
	switch {
	case same && last == first: // one kind of separator throughout
		if isDecimalMark(first) && k == 1 {
			g0, g1 := g(0), g(1)
			d.addDigits(g0)
			if len(g1) == 3 && len(g0) <= 3 && g0[0] != '0' {
				d.addDigits(g1) // 12,500: grouping
			} else {
				d.frac = g1 // 12,5 or 0,500 or 1234,567: decimal
			}
			return d, true
		}
		return d, validGrouping(k)
	case same && isDecimalMark(last): // grouping, then a decimal mark
		if !validGrouping(k - 1) {
			return exactDecimal{}, false
		}
		d.frac = g(k)
		return d, true
	}
	return exactDecimal{}, false
}
