package reminders_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/app"
	"specbot/dialogs"
	"specbot/reminders"
	"specbot/store"
)

// yearPartners is who the year walk knows, and which reminders (window/days)
// each must get in 2027.
var (
	allSlots2027    = []string{"2027-04-01/0", "2027-04-01/30", "2027-04-01/7", "2027-10-01/0", "2027-10-01/30", "2027-10-01/7"}
	beforeSlots2027 = []string{"2027-04-01/30", "2027-04-01/7", "2027-10-01/30", "2027-10-01/7"}
)

type yearCase struct {
	name string
	p    partner
	// later is a second, newer check (the last verdict is what counts).
	later string
	want  []string
	kind  dialogs.ReminderKind // of the reminders before a window
}

func yearCases() []yearCase {
	return []yearCase{
		{name: "eligible en", p: partner{chatID: 101, lang: "en", reminders: "on", facts: eligibleFacts}, want: allSlots2027, kind: dialogs.ReminderEligible},
		{name: "eligible ru", p: partner{chatID: 102, lang: "ru", reminders: "on", facts: eligibleFacts}, want: allSlots2027, kind: dialogs.ReminderEligible},
		{name: "close en", p: partner{chatID: 103, lang: "en", reminders: "on", facts: closeFacts}, want: beforeSlots2027, kind: dialogs.ReminderClose},
		{name: "close ru", p: partner{chatID: 104, lang: "ru", reminders: "on", facts: closeFacts}, want: beforeSlots2027, kind: dialogs.ReminderClose},
		{name: "many gaps", p: partner{chatID: 105, lang: "en", reminders: "on", facts: gapsFacts}, want: beforeSlots2027, kind: dialogs.ReminderGaps},
		{name: "check unfinished", p: partner{chatID: 106, lang: "en", reminders: "on", midCheck: true}, want: beforeSlots2027, kind: dialogs.ReminderUnfinished},
		{name: "never checked", p: partner{chatID: 107, lang: "ru", reminders: "on"}, want: beforeSlots2027, kind: dialogs.ReminderNoCheck},
		{name: "eligible, rechecking now", p: partner{chatID: 108, lang: "ru", reminders: "on", facts: eligibleFacts, midCheck: true}, want: allSlots2027, kind: dialogs.ReminderUnfinished},
		{name: "eligible once, close at the last check", p: partner{chatID: 109, lang: "en", reminders: "on", facts: eligibleFacts}, later: closeFacts, want: beforeSlots2027, kind: dialogs.ReminderClose},
		{name: "close once, eligible at the last check", p: partner{chatID: 110, lang: "en", reminders: "on", facts: closeFacts}, later: eligibleFacts, want: allSlots2027, kind: dialogs.ReminderEligible},
		{name: "eligible in another specialization only", p: partner{chatID: 111, lang: "en", reminders: "on", facts: eligibleFacts, specs: []string{"devops"}}, want: beforeSlots2027, kind: dialogs.ReminderGaps},
		{name: "reminders off", p: partner{chatID: 201, lang: "en", reminders: "off", facts: eligibleFacts}},
		{name: "never asked about reminders", p: partner{chatID: 202, lang: "ru", reminders: "", facts: eligibleFacts}},
		{name: "never asked, never checked", p: partner{chatID: 203, lang: "en"}},
		{name: "unreachable", p: partner{chatID: 204, lang: "en", reminders: "on", unreachable: true, facts: eligibleFacts}},
		{name: "unreachable, never checked", p: partner{chatID: 205, lang: "ru", reminders: "on", unreachable: true}},
	}
}

func storeYearCases(t *testing.T, db *store.DB, cases []yearCase) {
	t.Helper()
	for _, c := range cases {
		addPartner(t, db, c.p)
		if c.later != "" {
			require.NoError(t, db.SaveTurn(context.Background(), &store.Turn{
				Partner: store.Partner{ChatID: c.p.chatID, UserID: c.p.chatID, Lang: c.p.lang, Company: "Acme", Reminders: c.p.reminders},
				Report:  makeReport(t, c.later, c.p.specs),
			}))
		}
	}
}

// TestPlannerAcrossYear runs the planner every hour of 2027 (Moscow) with a
// fake clock, on a server whose clock is in UTC: the right partners get the
// right reminders, written on the right day from 11:00 Moscow, once.
func TestPlannerAcrossYear(t *testing.T) {
	ctx := context.Background()
	msk := moscow(t)
	db, _ := newDB(t)
	cases := yearCases()
	storeYearCases(t, db, cases)

	clk := newClock(time.Date(2027, 1, 1, 0, 0, 0, 0, msk).UTC())
	db.Now = clk.Now
	planner := &reminders.Planner{App: &app.App{DB: db, Engine: newEngine(t, clk.Now)}, Schedule: schedule(t)}

	type written struct {
		at  time.Time // local time of the step that wrote it
		row store.Reminder
	}
	seen := map[string]written{} // chat/window/days -> first write
	total := 0
	end := time.Date(2028, 1, 1, 0, 0, 0, 0, msk)
	for now := clk.Now(); now.Before(end); now = now.Add(time.Hour) {
		clk.Set(now)
		n, err := planner.Enqueue(ctx, now)
		require.NoError(t, err, now)
		total += n
		if n == 0 {
			continue
		}
		for _, c := range cases {
			rows, err := db.Reminders(ctx, c.p.chatID)
			require.NoError(t, err)
			for _, r := range rows {
				key := fmt.Sprintf("%d/%s/%d", r.ChatID, r.WindowOpens, r.DaysBefore)
				if _, ok := seen[key]; !ok {
					seen[key] = written{at: now.In(msk), row: r}
				}
			}
		}
	}

	wantTotal := 0
	for _, c := range cases {
		wantTotal += len(c.want)
		t.Run(c.name, func(t *testing.T) {
			rows, err := db.Reminders(ctx, c.p.chatID)
			require.NoError(t, err)
			var got []string
			for _, r := range rows {
				got = append(got, fmt.Sprintf("%s/%d", r.WindowOpens, r.DaysBefore))
			}
			sort.Strings(got)
			if len(c.want) == 0 {
				assert.Empty(t, got, "nobody else gets reminders")
				return
			}
			assert.Equal(t, c.want, got, "one row per window and lead time")
			for _, r := range rows {
				w := seen[fmt.Sprintf("%d/%s/%d", r.ChatID, r.WindowOpens, r.DaysBefore)]
				opens, err := time.ParseInLocation(time.DateOnly, r.WindowOpens, msk)
				require.NoError(t, err)
				day := opens.AddDate(0, 0, -r.DaysBefore)
				assert.Equal(t, time.Date(day.Year(), day.Month(), day.Day(), 11, 0, 0, 0, msk), w.at,
					"%s/%d written at the first step from 11:00 Moscow of its day", r.WindowOpens, r.DaysBefore)
				assert.True(t, w.row.DueAt.Equal(w.at), "due at 11:00 Moscow, got %s", w.row.DueAt)
				assert.Equal(t, store.ReminderPending, r.State)

				m := r.Message // the rendered message
				assert.Contains(t, buttons(m), cbRemindOff, "every reminder can turn reminders off")
				assert.Contains(t, buttons(m), cbCheck, "every reminder offers a check")
				if r.DaysBefore == 0 {
					assert.Contains(t, buttons(m), cbContact, "the open window message points to the manager")
				}
			}
		})
	}
	assert.Equal(t, wantTotal, total, "Enqueue's counts add up to the rows")

	// The six reminder days, and nothing written on any other.
	days := map[string]bool{}
	for _, w := range seen {
		days[w.at.Format(time.DateOnly)] = true
	}
	assert.Equal(t, map[string]bool{"2027-03-02": true, "2027-03-25": true, "2027-04-01": true,
		"2027-09-01": true, "2027-09-24": true, "2027-10-01": true}, days)
}

// TestPlannerHourBoundary: at 10:59 Moscow (07:59 UTC) nothing is written,
// at 11:00 it is, and planning again the same day writes nothing new.
func TestPlannerHourBoundary(t *testing.T) {
	ctx := context.Background()
	db, _ := newDB(t)
	addPartner(t, db, partner{chatID: 1, lang: "en", reminders: "on", facts: eligibleFacts})
	addPartner(t, db, partner{chatID: 2, lang: "ru", reminders: "on"})

	steps := []struct {
		name string
		now  time.Time
		want int
	}{
		{"07:59 UTC = 10:59 Moscow: not yet", time.Date(2027, 3, 2, 7, 59, 59, 0, time.UTC), 0},
		{"08:00 UTC = 11:00 Moscow: both", time.Date(2027, 3, 2, 8, 0, 0, 0, time.UTC), 2},
		{"11:30 Moscow: nothing new", time.Date(2027, 3, 2, 11, 30, 0, 0, moscow(t)), 0},
		{"again at 11:30 Moscow: nothing new", time.Date(2027, 3, 2, 11, 30, 0, 0, moscow(t)), 0},
		{"21:30 UTC, already 3 March in Moscow: nothing", time.Date(2027, 3, 2, 21, 30, 0, 0, time.UTC), 0},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			assert.Equal(t, s.want, enqueueAt(t, db, s.now))
		})
	}
	for _, id := range []int64{1, 2} {
		rows, err := db.Reminders(ctx, id)
		require.NoError(t, err)
		require.Len(t, rows, 1, "chat %d: enqueued once", id)
		assert.Equal(t, "2027-04-01", rows[0].WindowOpens)
		assert.Equal(t, 30, rows[0].DaysBefore)
	}
}

// TestPlannerEnqueueTwice: enqueuing twice, even after the first rows were
// sent or failed, never writes a second row.
func TestPlannerEnqueueTwice(t *testing.T) {
	ctx := context.Background()
	db, _ := newDB(t)
	ids := consenting(t, db, 1, 8)
	at := thirtyDaysBeforeApril(t)
	require.Equal(t, 8, enqueueAt(t, db, at))

	// Sent, failed, blocked and claimed rows are all left alone.
	claimed, err := db.ClaimReminders(ctx, at, 3)
	require.NoError(t, err)
	require.Len(t, claimed, 3)
	require.NoError(t, db.FinishReminder(ctx, claimed[0], store.ReminderSent, ""))
	require.NoError(t, db.FinishReminder(ctx, claimed[1], store.ReminderFailed, "boom"))

	for _, step := range []struct {
		name string
		now  time.Time
	}{
		{"same moment", at},
		{"an hour later", at.Add(time.Hour)},
		{"same day, late evening", at.Add(12*time.Hour + 59*time.Minute)},
	} {
		t.Run(step.name, func(t *testing.T) {
			assert.Zero(t, enqueueAt(t, db, step.now))
			for _, id := range ids {
				rows, err := db.Reminders(ctx, id)
				require.NoError(t, err)
				assert.Len(t, rows, 1, "chat %d", id)
			}
		})
	}
	counts, err := db.ReminderCounts(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[store.ReminderState]int{store.ReminderPending: 5, store.ReminderSending: 1, store.ReminderSent: 1, store.ReminderFailed: 1}, counts)
}

// TestReminderContent: the personal message in both languages.
func TestReminderContent(t *testing.T) {
	msk := moscow(t)
	thirty := time.Date(2027, 3, 2, 11, 0, 0, 0, msk)
	seven := time.Date(2027, 9, 24, 11, 0, 0, 0, msk)
	opening := time.Date(2027, 4, 1, 11, 0, 0, 0, msk)

	tests := []struct {
		name     string
		p        partner
		at       time.Time
		kind     dialogs.ReminderKind
		contains []string
		absent   []string
		buttons  []string // must be there
		without  []string // must not be there
	}{
		{
			name: "eligible en", p: partner{lang: "en", facts: eligibleFacts}, at: thirty, kind: dialogs.ReminderEligible,
			contains: []string{"April qualification window opens on 1 April 2027, in 30 days", "You meet the conditions for Infrastructure"},
			buttons:  []string{cbContact, cbCheck, cbRemindOff}, without: []string{cbContinue},
		},
		{
			name: "eligible ru", p: partner{lang: "ru", facts: eligibleFacts}, at: thirty, kind: dialogs.ReminderEligible,
			contains: []string{"откроется 1 апреля 2027", "через 30 дней", "Вы выполняете условия для Infrastructure"},
			buttons:  []string{cbContact, cbCheck, cbRemindOff}, without: []string{cbContinue},
		},
		{
			name: "close en: the gap", p: partner{lang: "en", facts: closeFacts}, at: thirty, kind: dialogs.ReminderClose,
			contains: []string{"Close: one condition left", "Infrastructure consumption per year: ₽500,000 short of ₽12,000,000"},
			absent:   []string{"You meet the conditions"},
			buttons:  []string{cbCheck, cbRemindOff}, without: []string{cbContinue},
		},
		{
			name: "close ru: the gap", p: partner{lang: "ru", facts: closeFacts}, at: seven, kind: dialogs.ReminderClose,
			contains: []string{"Окно квалификации (октябрь) откроется 1 октября 2027", "через 7 дней", "не хватает 500 000 ₽ до 12 000 000 ₽"},
			buttons:  []string{cbCheck, cbRemindOff}, without: []string{cbContinue},
		},
		{
			name: "many gaps en", p: partner{lang: "en", facts: gapsFacts}, at: seven, kind: dialogs.ReminderGaps,
			contains: []string{"October qualification window opens on 1 October 2027, in 7 days", "Check again"},
			buttons:  []string{cbCheck, cbRemindOff}, without: []string{cbContact, cbContinue},
		},
		{
			name: "unfinished en", p: partner{lang: "en", midCheck: true}, at: thirty, kind: dialogs.ReminderUnfinished,
			contains: []string{"You started a check but did not finish it"},
			buttons:  []string{cbContinue, cbCheck, cbRemindOff}, without: []string{cbContact},
		},
		{
			name: "unfinished ru", p: partner{lang: "ru", midCheck: true}, at: seven, kind: dialogs.ReminderUnfinished,
			contains: []string{"Вы начали проверку, но не закончили"},
			buttons:  []string{cbContinue, cbCheck, cbRemindOff}, without: []string{cbContact},
		},
		{
			name: "no check en: invitation", p: partner{lang: "en"}, at: thirty, kind: dialogs.ReminderNoCheck,
			contains: []string{"Find out in two minutes"},
			buttons:  []string{cbCheck, cbRemindOff}, without: []string{cbContact, cbContinue},
		},
		{
			name: "no check ru: invitation", p: partner{lang: "ru"}, at: seven, kind: dialogs.ReminderNoCheck,
			contains: []string{"Узнайте за две минуты"},
			buttons:  []string{cbCheck, cbRemindOff}, without: []string{cbContact, cbContinue},
		},
		{
			name: "window opens en", p: partner{lang: "en", facts: eligibleFacts}, at: opening, kind: dialogs.ReminderOpen,
			contains: []string{"The April qualification window is open", "Infrastructure"},
			buttons:  []string{cbContact, cbCheck, cbRemindOff},
		},
		{
			name: "window opens ru", p: partner{lang: "ru", facts: eligibleFacts}, at: opening, kind: dialogs.ReminderOpen,
			contains: []string{"открыто", "Infrastructure"},
			buttons:  []string{cbContact, cbCheck, cbRemindOff},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := newDB(t)
			tt.p.chatID, tt.p.reminders = 7, "on"
			addPartner(t, db, tt.p)
			planner := &reminders.Planner{App: &app.App{DB: db, Engine: newEngine(t, func() time.Time { return tt.at })}, Schedule: schedule(t)}
			planned, err := planner.Plan(context.Background(), tt.at)
			require.NoError(t, err)
			require.Len(t, planned, 1)
			pl := planned[0]
			assert.Equal(t, tt.kind, pl.Kind)
			assert.Equal(t, int64(7), pl.Reminder.ChatID)
			assert.Equal(t, tt.p.lang, pl.Partner.Lang)
			text := pl.Message.Text
			for _, s := range tt.contains {
				assert.Contains(t, text, s)
			}
			for _, s := range tt.absent {
				assert.NotContains(t, text, s)
			}
			got := buttons(pl.Message)
			for _, b := range tt.buttons {
				assert.Contains(t, got, b)
			}
			for _, b := range tt.without {
				assert.NotContains(t, got, b)
			}
			assert.NotContains(t, text, "\n\n\n", "no double blank lines")
			for _, row := range pl.Message.Buttons {
				for _, b := range row {
					assert.LessOrEqual(t, len(b.Data), dialogs.MaxCallbackData)
					assert.NotEmpty(t, b.Label)
				}
			}
			if tt.p.lang == "ru" {
				assert.NotContains(t, text, "window", "a Russian partner reads Russian")
			} else {
				assert.False(t, strings.ContainsAny(text, "абвгдеёжзийклмнопрстуфхцчшщьыъэюя"), "an English partner reads English: %s", text)
			}
			assert.Equal(t, pl.Message, pl.Reminder.Message, "the outbox keeps the message as rendered")
		})
	}
}

// TestPlannerNobodyElse: partners who did not consent or cannot be reached
// get nothing, whatever their verdict, on every reminder day.
func TestPlannerNobodyElse(t *testing.T) {
	msk := moscow(t)
	days := []time.Time{
		time.Date(2027, 3, 2, 11, 0, 0, 0, msk), time.Date(2027, 3, 25, 11, 0, 0, 0, msk), time.Date(2027, 4, 1, 11, 0, 0, 0, msk),
		time.Date(2027, 9, 1, 11, 0, 0, 0, msk), time.Date(2027, 9, 24, 11, 0, 0, 0, msk), time.Date(2027, 10, 1, 11, 0, 0, 0, msk),
	}
	tests := []struct {
		name string
		p    partner
	}{
		{"reminders off, eligible", partner{lang: "en", reminders: "off", facts: eligibleFacts}},
		{"reminders off, never checked", partner{lang: "ru", reminders: "off"}},
		{"never asked, eligible", partner{lang: "en", reminders: "", facts: eligibleFacts}},
		{"never asked, mid-check", partner{lang: "ru", reminders: "", midCheck: true}},
		{"unreachable, eligible", partner{lang: "en", reminders: "on", unreachable: true, facts: eligibleFacts}},
		{"unreachable, close", partner{lang: "ru", reminders: "on", unreachable: true, facts: closeFacts}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := newDB(t)
			tt.p.chatID = 9
			addPartner(t, db, tt.p)
			for _, at := range days {
				planner := &reminders.Planner{App: &app.App{DB: db, Engine: newEngine(t, func() time.Time { return at })}, Schedule: schedule(t)}
				planned, err := planner.Plan(context.Background(), at)
				require.NoError(t, err)
				assert.Empty(t, planned, "%s", at)
				assert.Zero(t, enqueueAt(t, db, at))
			}
		})
	}
}

// TestPlannerConsentChanges: turning reminders off between two reminder
// days stops the next one; turning them on again resumes.
func TestPlannerConsentChanges(t *testing.T) {
	ctx := context.Background()
	msk := moscow(t)
	db, _ := newDB(t)
	addPartner(t, db, partner{chatID: 5, lang: "en", reminders: "on", facts: closeFacts})

	steps := []struct {
		name      string
		reminders store.Consent
		at        time.Time
		want      int
	}{
		{"on: 30 days before April", "on", time.Date(2027, 3, 2, 11, 0, 0, 0, msk), 1},
		{"off: 7 days before April", "off", time.Date(2027, 3, 25, 11, 0, 0, 0, msk), 0},
		{"on again: 30 days before October", "on", time.Date(2027, 9, 1, 11, 0, 0, 0, msk), 1},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			require.NoError(t, db.SetReminders(ctx, 5, s.reminders))
			assert.Equal(t, s.want, enqueueAt(t, db, s.at))
		})
	}
}
