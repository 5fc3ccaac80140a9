package dialogs

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// TestReminderGolden pins each reminder kind a partner reads, per language
// (go test ./dialogs -run TestReminderGolden -update).
func TestReminderGolden(t *testing.T) {
	c := eligibility.DefaultCatalog()
	e := NewEngine(c, time.UTC)
	e.Now = func() time.Time { return time.Date(2027, 3, 2, 10, 0, 0, 0, time.UTC) }
	past := func(facts string, specs ...string) *Past {
		f, err := eligibility.ParseFacts(c, []byte(facts))
		require.NoError(t, err)
		return &Past{Facts: f, Report: eligibility.Evaluate(c, f, e.Now()), Specs: specs, At: e.Now()}
	}
	_, design := designReport(t)
	designPast := &Past{Report: design, Specs: []string{"infrastructure", "devops", "security_compliance"}, At: e.Now()}
	close := past(`{"partner_agreement": true, "business_plan": true, "verified_solutions": {"security_compliance": 1},
		"projects_per_year": {"security_compliance": 2}, "architect_interview": {"security_compliance": "scheduled"},
		"employees": [{"name": "Sec", "certs": ["infrastructure_protection", "cloud_compliance"]}]}`, "security_compliance")
	gaps := past(`{"partner_agreement": false, "verified_solutions": {"devops": 0}, "consumption_rub_year": {"devops": 0}, "employees": []}`, "devops")
	opens := time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		in   ReminderInput
	}{
		{"eligible", ReminderInput{Opens: opens, DaysBefore: 30, Past: designPast}},
		{"close", ReminderInput{Opens: opens, DaysBefore: 30, Past: close}},
		{"gaps", ReminderInput{Opens: opens, DaysBefore: 7, Past: gaps}},
		{"unfinished", ReminderInput{Opens: opens, DaysBefore: 7, InProgress: true}},
		{"no_check", ReminderInput{Opens: opens, DaysBefore: 30}},
		{"window_open", ReminderInput{Opens: opens, DaysBefore: 0, Past: designPast}},
	}
	for _, lang := range []string{"en", "ru"} {
		var b strings.Builder
		for _, tc := range cases {
			tc.in.Lang = lang
			m, kind, ok := e.Reminder(tc.in)
			require.True(t, ok, tc.name)
			require.Equal(t, ReminderKind(tc.name), kind, tc.name)
			require.NoError(t, checkTelegramHTML(m.Text))
			b.WriteString("=== " + tc.name + "\n" + m.Text + "\n")
			for _, row := range m.Buttons {
				labels := make([]string, len(row))
				for i, btn := range row {
					labels[i] = "[" + btn.Label + "]"
				}
				b.WriteString(strings.Join(labels, " ") + "\n")
			}
			b.WriteString("\n")
		}
		t.Run(lang, func(t *testing.T) { golden(t, "reminders_"+lang+".golden", b.String()) })
	}
}

// TestLapseWarningGolden pins the warning of a certificate about to lapse,
// per language (go test ./dialogs -run TestLapseWarningGolden -update).
func TestLapseWarningGolden(t *testing.T) {
	e := testEngine(t)
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			var b strings.Builder
			m := e.LapseWarning(LapseInput{Lang: lang, Employee: "Anna <A>", Cert: "infrastructure_protection", Lapses: "2027-06",
				Specs: []string{"infrastructure", "security_compliance"}})
			require.NoError(t, checkTelegramHTML(m.Text))
			transcript(&b, "lapse warning", []Message{m})
			golden(t, "lapse_"+lang+".golden", b.String())
		})
	}
}
