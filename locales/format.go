package locales

import (
	"strconv"
	"strings"
)

// nbsp is the no-break space (U+00A0) of Russian amounts, so that
// "12 000 000 ₽" never wraps.
const nbsp = "\u00a0"

// Number writes a whole number with the language's digit grouping:
// "12,000,000" in English, "12 000 000" in Russian.
func (p *Printer) Number(n int64) string {
	sep := ","
	if p.lang == "ru" {
		sep = " " // a plain space: a figure typed back into a form reads the same
	}
	return group(n, sep)
}

// Money writes an amount of rubles: "₽12,000,000" or "12 000 000 ₽".
func (p *Printer) Money(n int64) string {
	if p.lang == "ru" {
		return group(n, nbsp) + nbsp + "₽"
	}
	return "₽" + group(n, ",")
}

// MoneyShort writes an amount compactly for progress bars: "₽11.5M",
// "11,5 млн ₽", "₽500K", "500 тыс. ₽".
func (p *Printer) MoneyShort(n int64) string {
	var num, unit string
	switch {
	case n >= 1_000_000_000:
		num, unit = decimal(n, 1_000_000_000), p.T("money.billion")
	case n >= 1_000_000:
		num, unit = decimal(n, 1_000_000), p.T("money.million")
	case n >= 1_000:
		num, unit = decimal(n, 1_000), p.T("money.thousand")
	default:
		return p.Money(n)
	}
	if p.lang == "ru" {
		return strings.Replace(num, ".", ",", 1) + nbsp + unit + nbsp + "₽"
	}
	return "₽" + num + unit
}

// decimal divides n by unit and keeps at most one decimal, dropping ".0".
func decimal(n, unit int64) string {
	tenths := n/unit*10 + (n%unit*10+unit/2)/unit // n*10 would overflow near MaxInt64
	s := strconv.FormatInt(tenths/10, 10)
	if d := tenths % 10; d != 0 {
		s += "." + strconv.FormatInt(d, 10)
	}
	return s
}

func group(n int64, sep string) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 && !(neg && b.Len() == 1) {
			b.WriteString(sep)
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
