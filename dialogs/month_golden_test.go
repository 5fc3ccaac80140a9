package dialogs

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// validityEngine is the test engine over the default catalogue in which the
// engineer certificate stays valid 36 months and the protection one 24.
func validityEngine(t testing.TB) *Engine {
	t.Helper()
	data, err := os.ReadFile("../eligibility/catalogs/default.yaml")
	require.NoError(t, err)
	text := string(data)
	for id, months := range map[string]string{"cloud_service_engineer": "36", "infrastructure_protection": "24"} {
		text = strings.Replace(text, "  - id: "+id+"\n", "  - id: "+id+"\n    valid_months: "+months+"\n", 1)
	}
	c, err := eligibility.ParseCatalog([]byte(text))
	require.NoError(t, err)
	e := testEngine(t)
	e.Catalog = c
	return e
}

// TestMonthEarnedGolden pins, per language, how the check asks the month
// each certificate with a validity was earned: typed in any of its forms,
// a bad or future month refused with a hint, "Don't know" one tap away; a
// month typed with the certificate is not asked again
// (go test ./dialogs -run TestMonthEarnedGolden -update).
func TestMonthEarnedGolden(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := &driver{t: t, e: validityEngine(t), env: Env{NewPartner: true}}
			d.send(Input{Command: "start", LangCode: u.lang})
			d.env.NewPartner = false
			dontKnow := map[string]string{"en": "🤷 Don't know", "ru": "🤷 Не знаю"}[u.lang]
			month := map[string]string{"en": "April 2025", "ru": "апрель 2025"}[u.lang]
			d.play(press(u.startCheck), typ("Acme"), press("Infrastructure"), press(u.done),
				press(u.yes), press(u.yes), typ("1"), typ("12 500 000"), press(u.passed))
			var b strings.Builder
			for _, a := range []act{
				typ("Anna"), press(u.cse), press(u.protect), press(u.done),
				typ("13.2025"), typ("2027-01"), typ(month), press(dontKnow),
				press(u.another), typ("Oleg: CSE 05.2024"),
				press(u.done),
			} {
				d.play(a)
				what := "press " + a.press
				if a.press == "" {
					what = "type " + a.typ
				}
				transcript(&b, what, d.out.Messages)
			}
			golden(t, "month_"+u.lang+".golden", b.String())
			require.Len(t, d.s.Facts.Employees, 2)
			assert.Equal(t, map[string]string{"cloud_service_engineer": "2025-04"}, d.s.Facts.Employees[0].Earned, "Don't know keeps no month")
			assert.Equal(t, map[string]string{"cloud_service_engineer": "2024-05"}, d.s.Facts.Employees[1].Earned)
		})
	}
}

// TestMonthEarnedTyped: "don't know" typed in either language is the
// button; Back leaves the employee off the list, as on the certificates.
func TestMonthEarnedTyped(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := &driver{t: t, e: validityEngine(t), env: Env{NewPartner: true}}
			d.send(Input{Command: "start", LangCode: u.lang})
			d.env.NewPartner = false
			d.play(press(u.startCheck), typ("Acme"), press("Infrastructure"), press(u.done),
				press(u.yes), press(u.yes), typ("1"), typ("12 500 000"), press(u.passed),
				typ("Anna"), press(u.cse), press(u.done))
			require.Equal(t, empMonth, d.s.Sub)
			d.play(typ(map[string]string{"en": "don't know", "ru": "не знаю"}[u.lang]))
			require.Equal(t, empMore, d.s.Sub, "typed, it is the Don't know button")
			require.Len(t, d.s.Facts.Employees, 1)
			assert.Empty(t, d.s.Facts.Employees[0].Earned)

			d.play(press(u.another), typ("Oleg"), press(u.cse), press(u.done))
			require.Equal(t, empMonth, d.s.Sub)
			d.play(press(u.back))
			assert.Len(t, d.s.Facts.Employees, 1, "Back drops the employee being written")
		})
	}
}
