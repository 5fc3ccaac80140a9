package dialogs

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// A typed amount with kopecks is never rounded up to meet a threshold, and
// the bot echoes the whole rubles it understood.
func TestTypedKopecksNeverRoundUp(t *testing.T) {
	cases := []struct {
		lang, typed, echo string
		want              int64
		status            eligibility.Status
	}{
		{"en", "11,999,999.99", "<b>₽11,999,999</b>", 11_999_999, eligibility.NotEligible},
		{"en", "₽12,000,000.00", "<b>₽12,000,000</b>", 12_000_000, eligibility.Eligible},
		{"en", "12,000,000.01", "<b>₽12,000,000</b>", 12_000_000, eligibility.Eligible},
		{"ru", "11 999 999,99", "<b>11\u00a0999\u00a0999\u00a0₽</b>", 11_999_999, eligibility.NotEligible},
		{"ru", "11\u00a0999\u00a0999,99 ₽", "<b>11\u00a0999\u00a0999\u00a0₽</b>", 11_999_999, eligibility.NotEligible},
		{"ru", "12 000 000,00", "<b>12\u00a0000\u00a0000\u00a0₽</b>", 12_000_000, eligibility.Eligible},
	}
	for _, tc := range cases {
		t.Run(tc.lang+" "+tc.typed, func(t *testing.T) {
			u := uiEN
			if tc.lang == "ru" {
				u = uiRU
			}
			d := newDriver(t, tc.lang)
			script := infraScript(u, "Acme", tc.typed, u.passed)
			// Up to the consumption answer: the echo comes with its reply.
			for i, a := range script {
				d.play(a)
				if a.typ == tc.typed {
					require.NotEmpty(t, d.out.Messages)
					first, _, _ := strings.Cut(d.out.Messages[0].Text, "\n\n")
					assert.True(t, strings.HasPrefix(first, "✔️ ") && strings.HasSuffix(first, ": "+tc.echo), d.out.Messages[0].Text)
					assert.False(t, d.out.Messages[0].Edit, "the typed answer stays; the echo tops the next question")
					d.play(script[i+1:]...)
					break
				}
			}
			d.requireAsks(u.summaryTitle)
			assert.Equal(t, tc.want, d.s.Facts.Numbers[ref(factConsume, specInfra)])
			out := d.press(u.verdict)
			require.NotNil(t, out.Report)
			res, ok := out.Report.Report.Result(specInfra)
			require.True(t, ok)
			assert.Equal(t, tc.status, res.Status)
			if tc.status == eligibility.NotEligible {
				short := map[string]string{"en": "₽1 short of ₽12,000,000", "ru": "не хватает 1\u00a0₽ до 12\u00a0000\u00a0000\u00a0₽"}[tc.lang]
				assert.Contains(t, dump(out.Messages), short)
			}
		})
	}
}
