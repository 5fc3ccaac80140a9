package bot_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// lapseCatalog is the default edition with the Cloud service engineer
// certificate valid for months months.
func lapseCatalog(t *testing.T, months string) *eligibility.Catalog {
	t.Helper()
	data, err := os.ReadFile("../eligibility/catalogs/default.yaml")
	require.NoError(t, err)
	text := strings.Replace(string(data), "  - id: cloud_service_engineer\n", "  - id: cloud_service_engineer\n    valid_months: "+months+"\n", 1)
	require.NotEqual(t, string(data), text)
	path := filepath.Join(t.TempDir(), "lapse.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	c, err := eligibility.LoadCatalog(path)
	require.NoError(t, err)
	return c
}

// TestLapsingCertificate: under an edition where the Cloud service
// engineer certificate is valid 24 months, the check asks the month each
// one was earned; Anna's, earned in January 2025, lapses at the end of
// December 2026, before the April 2027 window opens: the verdict says so
// in the partner's language and Infrastructure is not met for that window
// (Anna and Oleg both hold the two certificates it needs). Oleg's month unknown counts as
// valid, and is not named.
func TestLapsingCertificate(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			h.stop()
			h.catalog = lapseCatalog(t, "24")
			h.start()
			check := func(id int64, earned string) string {
				p := h.partner(t, id, "Alice", lang)
				l := p.labels()
				p.typ("/start")
				p.play(press(p.T("button.start_check")), typ("Acme"), press("Infrastructure"), press(p.T("button.done")),
					press(p.T("answer.yes")), press(p.T("answer.yes")), typ("1"), typ("12 000 000"), press(l.passed),
					typ("Anna"), press(l.cse), press(l.protect), press(p.T("button.done")))
				require.Contains(t, p.last().Text, p.T("check.employees.month", "Name", "Anna", "Cert", l.cse, "Months", 24), "the month earned is asked")
				p.play(typ(earned), press(p.T("button.add_employee")), typ("Oleg"), press(l.cse), press(l.protect), press(p.T("button.done")))
				require.Contains(t, p.last().Text, p.T("check.employees.month", "Name", "Oleg", "Cert", l.cse, "Months", 24))
				p.play(press(p.T("button.month_unknown")))
				for i := 0; i < 3 && !strings.Contains(p.last().Text, p.T("summary.title")); i++ {
					p.press(p.T("button.done"))
				}
				require.Contains(t, p.last().Text, p.T("summary.title"))
				v := p.verdict().Text
				lapsed, _, _ := strings.Cut(p.T("report.cert_lapsed", "Employee", "Anna", "Cert", l.cse, "Until", "@@", "Opens", "@@"), "@@")
				if earned == "2025-01" {
					assert.Contains(t, v, lapsed, "the verdict names the lapsing certificate")
					assert.Contains(t, v, "2026")
				} else {
					assert.NotContains(t, v, lapsed)
				}
				assert.NotContains(t, v, "⏳ Oleg", "a month unknown is not a lapse")
				return v
			}
			assert.Contains(t, check(43, "2026-01"), "✅ <b>Infrastructure", "valid through the window, the certificate counts")
			assert.NotContains(t, check(42, "2025-01"), "✅ <b>Infrastructure", "lapsed before the window, it does not")
		})
	}
}
