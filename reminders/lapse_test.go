package reminders_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/app"
	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/reminders"
	"specbot/store"
)

// validityCatalog is the default catalogue in which both certificates of
// Infrastructure stay valid 24 months.
func validityCatalog(tb testing.TB) *eligibility.Catalog {
	tb.Helper()
	data, err := os.ReadFile("../eligibility/catalogs/default.yaml")
	require.NoError(tb, err)
	text := string(data)
	for _, id := range []string{"cloud_service_engineer", "infrastructure_protection"} {
		text = strings.Replace(text, "  - id: "+id+"\n", "  - id: "+id+"\n    valid_months: 24\n", 1)
	}
	c, err := eligibility.ParseCatalog([]byte(text))
	require.NoError(tb, err)
	return c
}

// lapseFacts meet Infrastructure. Anna alone holds the protection
// certificate, earned in June 2025: it lapses on 1 June 2027 and takes
// Infrastructure with it. Ivan's engineer certificate lapses then too, but
// Oleg's covers for it: no gap.
const lapseFacts = `{
	"partner_agreement": true, "business_plan": true,
	"verified_solutions": {"infrastructure": 1},
	"consumption_rub_year": {"infrastructure": 12000000},
	"architect_interview": {"infrastructure": "passed"},
	"employees": [
		{"name": "Anna", "certs": ["cloud_service_engineer", "infrastructure_protection"], "earned": {"infrastructure_protection": "2025-06"}},
		{"name": "Oleg", "certs": ["cloud_service_engineer"]},
		{"name": "Ivan", "certs": ["cloud_service_engineer"], "earned": {"cloud_service_engineer": "2025-06"}}
	]}`

// lapseCompany stores a company with that register: its owner (chat 1,
// English, reminders on), a member in Russian with reminders on (2) and
// one who said no (3).
func lapseCompany(tb testing.TB, db *store.DB, c *eligibility.Catalog) {
	tb.Helper()
	ctx := context.Background()
	facts, err := eligibility.ParseFacts(c, []byte(lapseFacts))
	require.NoError(tb, err)
	rep := eligibility.Evaluate(c, facts, time.Date(2027, 3, 1, 12, 0, 0, 0, moscow(tb)))
	infra, _ := rep.Result("infrastructure")
	require.Equal(tb, eligibility.Eligible, infra.Status)
	require.NoError(tb, db.SaveTurn(ctx, &store.Turn{
		Partner: store.Partner{ChatID: 1, Name: "Owner", Lang: "en", Company: "Acme", Reminders: store.ConsentOn},
		Report: &store.Report{Facts: facts, Verdict: rep, Statuses: map[string]eligibility.Status{"infrastructure": infra.Status},
			Gaps: map[string]int{"infrastructure": 0}},
	}))
	for _, m := range []store.Partner{
		{ChatID: 2, Name: "Mila", Lang: "ru", Reminders: store.ConsentOn},
		{ChatID: 3, Name: "Nick", Lang: "en", Reminders: store.ConsentOff},
	} {
		hash := "hash-" + m.Name
		inv, err := db.CreateInvite(ctx, 1, hash, time.Hour)
		require.NoError(tb, err)
		_, err = db.OpenInvite(ctx, hash, m.ChatID)
		require.NoError(tb, err)
		_, err = db.AcceptInvite(ctx, inv.ID, m)
		require.NoError(tb, err)
	}
}

func lapsePlanner(tb testing.TB, db *store.DB, c *eligibility.Catalog, at func() time.Time) *reminders.Planner {
	tb.Helper()
	db.Catalog = c
	e := dialogs.NewEngine(c, moscow(tb))
	e.Now = func() time.Time { return at().In(moscow(tb)) }
	return &reminders.Planner{App: &app.App{DB: db, Engine: e},
		Schedule: reminders.Schedule{Windows: c.Windows, Days: []int{30, 7}, Hour: 11, Loc: moscow(tb)}}
}

// lapsesPlanned are the lapse warnings a planner would write at now.
func lapsesPlanned(tb testing.TB, p *reminders.Planner, now time.Time) map[int64]dialogs.Message {
	tb.Helper()
	planned, err := p.Plan(context.Background(), now)
	require.NoError(tb, err)
	out := map[int64]dialogs.Message{}
	for _, pl := range planned {
		if pl.Kind != dialogs.ReminderLapse {
			continue
		}
		_, twice := out[pl.Partner.ChatID]
		require.False(tb, twice, "two lapse warnings for chat %d", pl.Partner.ChatID)
		out[pl.Partner.ChatID] = pl.Message
	}
	return out
}

// TestLapseWarningSixtyDaysBefore: 60 days before Anna's certificate lapses
// (2 April 2027, at the reminders' hour) each member who agreed to
// reminders is warned once, in its language, of the gap it would open;
// the member who said no is not, and Ivan's lapse, which opens no gap, is
// not mentioned. A second plan, a restart and a later day send nothing
// more.
func TestLapseWarningSixtyDaysBefore(t *testing.T) {
	ctx := context.Background()
	c := validityCatalog(t)
	db, path := newDB(t)
	lapseCompany(t, db, c)
	loc := moscow(t)
	clk := newClock(time.Date(2027, 4, 2, 10, 59, 0, 0, loc))
	p := lapsePlanner(t, db, c, clk.Now)

	assert.Empty(t, lapsesPlanned(t, p, time.Date(2027, 4, 1, 12, 0, 0, 0, loc)), "61 days before")
	assert.Empty(t, lapsesPlanned(t, p, clk.Now()), "before the hour")

	clk.Set(time.Date(2027, 4, 2, 11, 0, 0, 0, loc))
	got := lapsesPlanned(t, p, clk.Now())
	require.Len(t, got, 2, "the owner and the member with reminders on")
	en, ru := dialogs.PlainText(got[1].Text), dialogs.PlainText(got[2].Text)
	assert.Equal(t, "⏳ Anna's certificate Cloud infrastructure protection lapses on 1 June 2027. "+
		"Without it you no longer meet the conditions for Infrastructure.\n\n"+
		"Renew the certificate before then, or add another employee who holds it, and check again so that the register has the new month.", en)
	assert.Equal(t, "⏳ Сертификат «Защита облачной инфраструктуры» сотрудника Anna истекает 1 июня 2027 г.: "+
		"без него вы перестанете выполнять условия для Infrastructure.\n\n"+
		"Продлите сертификат до этой даты или добавьте другого сотрудника с этим сертификатом и проверьте ещё раз, чтобы в реестре был новый месяц.", ru)
	assert.NotContains(t, en, "Ivan")
	assert.Equal(t, []string{cbCheck, cbRemindOff}, buttons(got[1]))
	assert.Equal(t, "🔁 Check again", got[1].Buttons[0][0].Label)
	assert.Equal(t, "🔁 Проверить ещё раз", got[2].Buttons[0][0].Label)

	n, err := p.Enqueue(ctx, clk.Now())
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	snd := &recordingSender{}
	br := &reminders.Broadcaster{App: p.App, Sender: snd, Rate: 1000, Now: clk.Now}
	st, err := br.Drain(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, st.Sent)
	assert.Equal(t, map[int64]int{1: 1, 2: 1}, snd.perChat())

	n, err = p.Enqueue(ctx, clk.Now())
	require.NoError(t, err)
	assert.Zero(t, n, "planned twice")

	// A restart (and a cron run) a few days later: nothing new.
	require.NoError(t, db.Close())
	db2 := openDB(t, path)
	clk.Set(time.Date(2027, 4, 10, 11, 0, 0, 0, loc))
	p2 := lapsePlanner(t, db2, c, clk.Now)
	n, err = p2.Enqueue(ctx, clk.Now())
	require.NoError(t, err)
	assert.Zero(t, n, "after a restart")
	st, err = (&reminders.Broadcaster{App: p2.App, Sender: snd, Rate: 1000, Now: clk.Now}).Drain(ctx)
	require.NoError(t, err)
	assert.Zero(t, st.Sent)
	assert.Equal(t, map[int64]int{1: 1, 2: 1}, snd.perChat())
}

// TestLapseWarningCaughtUp: when the bot was down on the day, the warning
// goes out on the next run, once; after the lapse it is no longer sent.
func TestLapseWarningCaughtUp(t *testing.T) {
	ctx := context.Background()
	c := validityCatalog(t)
	loc := moscow(t)

	db, _ := newDB(t)
	lapseCompany(t, db, c)
	at := time.Date(2027, 5, 20, 9, 0, 0, 0, loc)
	p := lapsePlanner(t, db, c, func() time.Time { return at })
	n, err := p.Enqueue(ctx, at)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	n, err = p.Enqueue(ctx, at.Add(24*time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n)

	late, _ := newDB(t)
	lapseCompany(t, late, c)
	after := time.Date(2027, 6, 1, 12, 0, 0, 0, loc)
	assert.Empty(t, lapsesPlanned(t, lapsePlanner(t, late, c, func() time.Time { return after }), after), "lapsed already")
}

// TestNoLapseWarningWithoutValidity: under a catalogue that gives no
// validity, the months earned warn of nothing.
func TestNoLapseWarningWithoutValidity(t *testing.T) {
	c := validityCatalog(t)
	db, _ := newDB(t)
	lapseCompany(t, db, c)
	at := time.Date(2027, 4, 2, 11, 0, 0, 0, moscow(t))
	assert.Empty(t, lapsesPlanned(t, lapsePlanner(t, db, eligibility.DefaultCatalog(), func() time.Time { return at }), at))
}
