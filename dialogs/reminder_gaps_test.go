package dialogs

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// TestReminderCarriesEveryGap: a partner whose specializations all have
// two gaps or more is reminded of each of them, the fewest gaps first.
func TestReminderCarriesEveryGap(t *testing.T) {
	c := eligibility.DefaultCatalog()
	facts, err := eligibility.ParseFacts(c, []byte(`{"partner_agreement": false, "business_plan": true,
		"verified_solutions": {"infrastructure": 0, "devops": 1},
		"consumption_rub_year": {"infrastructure": 0, "devops": 0},
		"architect_interview": {"infrastructure": "none", "devops": "none"},
		"employees": []}`))
	require.NoError(t, err)
	e := NewEngine(c, time.UTC)
	e.Now = func() time.Time { return time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC) }
	r := eligibility.Evaluate(c, facts, e.Now())
	specs := []string{"infrastructure", "devops"}
	for _, s := range specs {
		res, _ := r.Result(s)
		require.GreaterOrEqual(t, res.GapCount(), 2, s)
	}
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			m, kind, ok := e.Reminder(ReminderInput{Lang: lang, Opens: time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC), DaysBefore: 30,
				Past: &Past{Facts: facts, Report: r, Specs: specs, At: e.Now()}})
			require.True(t, ok)
			assert.Equal(t, ReminderGaps, kind)
			infra, devops := strings.Index(m.Text, "<b>Infrastructure</b>"), strings.Index(m.Text, "<b>DevOps</b>")
			require.Positive(t, infra, m.Text)
			require.Positive(t, devops, m.Text)
			assert.Less(t, devops, infra, "DevOps has fewer gaps and comes first:\n%s", m.Text)
			assert.NoError(t, checkTelegramHTML(m.Text))
		})
	}
}
