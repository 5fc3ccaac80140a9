package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Moscow even on a machine without zoneinfo

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/store"
)

// convLabels are what a partner reads on the buttons and in the texts, per
// language.
type convLabels struct {
	lang                                   string
	startCheck, done, yes, passed, verdict string
	cse, protect, another, keepAcme        string
	remindYes, forgetYes                   string
	welcomeBack, changesTitle, outdated    string
	gap12M                                 string
	consumptionQ                           string
}

var (
	convEN = convLabels{
		lang: "en", startCheck: "✅ Start the check", done: "✔️ Done", yes: "Yes", passed: "Passed",
		verdict: "✅ Show the verdict", cse: "Cloud service engineer", protect: "Cloud infrastructure protection",
		another: "➕ Add another", keepAcme: "Keep: Acme", remindYes: "🔔 Yes, remind me",
		forgetYes:    "Yes, delete everything",
		welcomeBack:  "Welcome back! Your answers are saved",
		changesTitle: "Since your previous check:",
		outdated:     "The program's conditions have been updated since your last visit",
		gap12M:       "Infrastructure consumption per year: ₽500,000 short of ₽12,000,000",
		consumptionQ: "How much do you consume per year of Infrastructure services",
	}
	convRU = convLabels{
		lang: "ru", startCheck: "✅ Начать проверку", done: "✔️ Готово", yes: "Да", passed: "Пройдено",
		verdict: "✅ Показать вердикт", cse: "Инженер облачных сервисов", protect: "Защита облачной инфраструктуры",
		another: "➕ Добавить ещё", keepAcme: "Оставить: Acme", remindYes: "🔔 Да, напоминайте",
		forgetYes:    "Да, удалить всё",
		welcomeBack:  "С возвращением! Ваши ответы сохранены",
		changesTitle: "С прошлой проверки:",
		outdated:     "Условия программы обновились с вашего прошлого визита",
		gap12M:       "Потребление сервисов Infrastructure в год: не хватает 500 000 ₽ до 12 000 000 ₽",
		consumptionQ: "Сколько в год вы потребляете сервисов Infrastructure",
	}
)

func convLangs() []convLabels { return []convLabels{convEN, convRU} }

func convNow(t testing.TB) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	return time.Date(2026, time.November, 25, 12, 0, 0, 0, loc)
}

// convChat is one partner talking to the bot through App over a real
// SQLite file, which it can close and open again as a restart would.
type convChat struct {
	t    testing.TB
	ctx  context.Context
	path string
	db   *store.DB
	app  *App
	who  Who
	last Turn
}

// newConvChat opens a chat with a partner whose Telegram language_code is
// lang. Like the terminal chat, inputs carry no LangCode of their own
// except the first /start.
func newConvChat(t testing.TB, dir, lang string) *convChat {
	t.Helper()
	c := &convChat{t: t, ctx: context.Background(), path: filepath.Join(dir, "db"),
		who: Who{ChatID: 4242, UserID: 4242, Username: "partner", Name: "Anna Petrova", LangCode: lang}}
	c.open()
	t.Cleanup(func() { c.db.Close() })
	return c
}

func (c *convChat) open() {
	c.t.Helper()
	db, err := store.Open(c.ctx, c.path)
	require.NoError(c.t, err)
	db.Catalog = eligibility.DefaultCatalog()
	now := convNow(c.t)
	c.db = db
	c.app = &App{DB: db, Engine: &dialogs.Engine{Catalog: eligibility.DefaultCatalog(), Now: func() time.Time { return now }}}
}

// restart closes the database and builds everything again from the file.
func (c *convChat) restart() {
	c.t.Helper()
	require.NoError(c.t, c.db.Close())
	c.open()
}

func (c *convChat) send(in dialogs.Input) Turn {
	c.t.Helper()
	turn, err := c.app.Handle(c.ctx, c.who, in, 0, 0)
	require.NoError(c.t, err, "input %+v", in)
	require.NotEmpty(c.t, turn.Outcome.Messages, "every input gets a reply")
	for _, m := range turn.Outcome.Messages {
		for _, row := range m.Buttons {
			for _, b := range row {
				require.LessOrEqual(c.t, len(b.Data), dialogs.MaxCallbackData)
			}
		}
	}
	c.last = turn
	return turn
}

func (c *convChat) typ(text string) Turn {
	c.t.Helper()
	return c.send(dialogs.Input{Text: text})
}

func (c *convChat) cmd(name string) Turn {
	c.t.Helper()
	return c.send(dialogs.Input{Command: name})
}

// button finds a button of the latest reply by label ("▫️ "/"✅ " marks of
// toggles ignored).
func (c *convChat) button(label string) dialogs.Button {
	c.t.Helper()
	msgs := c.last.Outcome.Messages
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Label == label || strings.TrimPrefix(strings.TrimPrefix(b.Label, "▫️ "), "✅ ") == label {
					return b
				}
			}
		}
	}
	c.t.Fatalf("no button %q in:\n%s", label, c.texts())
	return dialogs.Button{}
}

func (c *convChat) press(label string) Turn {
	c.t.Helper()
	return c.send(dialogs.Input{Button: c.button(label).Data})
}

func (c *convChat) texts() string {
	var b strings.Builder
	for _, m := range c.last.Outcome.Messages {
		b.WriteString(m.Text + "\n")
	}
	return b.String()
}

func (c *convChat) question() dialogs.Message {
	c.t.Helper()
	msgs := c.last.Outcome.Messages
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Question {
			return msgs[i]
		}
	}
	c.t.Fatalf("no question in:\n%s", c.texts())
	return dialogs.Message{}
}

// storedSession reads the chat's session back from the database.
func (c *convChat) storedSession() dialogs.Session {
	c.t.Helper()
	s, err := c.db.Session(c.ctx, c.who.ChatID)
	require.NoError(c.t, err)
	require.NotNil(c.t, s, "a session is stored")
	return *s
}

// toConsumption starts a check and answers up to Infrastructure's
// consumption question.
func (c *convChat) toConsumption(l convLabels) {
	c.t.Helper()
	c.send(dialogs.Input{Command: "start", LangCode: l.lang})
	c.press(l.startCheck)
	c.typ("Acme")
	c.press("Infrastructure")
	c.press(l.done)
	c.press(l.yes)
	c.press(l.yes)
	c.typ("1")
	require.Contains(c.t, c.question().Text, l.consumptionQ)
}

// finishInfra answers from the consumption question to the verdict.
func (c *convChat) finishInfra(l convLabels, consumption string) Turn {
	c.t.Helper()
	c.typ(consumption)
	c.press(l.passed)
	c.typ("Anna")
	c.press(l.cse)
	c.press(l.protect)
	c.press(l.done)
	c.press(l.another)
	c.typ("Oleg")
	c.press(l.cse)
	c.press(l.done)
	c.press(l.done)
	return c.press(l.verdict)
}

// againToConsumption starts a later check, keeping the company.
func (c *convChat) againToConsumption(l convLabels) {
	c.t.Helper()
	c.cmd("check")
	c.press(l.keepAcme)
	c.press("Infrastructure")
	c.press(l.done)
	c.press(l.yes)
	c.press(l.yes)
	c.typ("1")
	require.Contains(c.t, c.question().Text, l.consumptionQ)
}

func convVerdict(t testing.TB, turn Turn) string {
	t.Helper()
	for _, m := range turn.Outcome.Messages {
		if strings.Contains(m.Text, "🗓") {
			return m.Text
		}
	}
	t.Fatalf("no verdict in the reply")
	return ""
}

func TestCheckSurvivesRestart(t *testing.T) {
	for _, l := range convLangs() {
		t.Run(l.lang, func(t *testing.T) {
			c := newConvChat(t, t.TempDir(), l.lang)
			c.toConsumption(l)
			asked := c.question()
			before := c.storedSession()
			oldZero := c.button(map[string]string{"en": "₽0", "ru": "0 ₽"}[l.lang])

			c.restart()

			s := c.storedSession()
			assert.Equal(t, before.Key, s.Key)
			assert.Equal(t, "f:consumption_rub_year.infrastructure", s.Key)
			assert.Equal(t, before.Answered, s.Answered)
			assert.True(t, s.Facts.Bools[eligibility.Ref{Fact: "partner_agreement"}])
			assert.True(t, s.Facts.Bools[eligibility.Ref{Fact: "business_plan"}])
			assert.Equal(t, int64(1), s.Facts.Numbers[eligibility.Ref{Fact: "verified_solutions", Key: "infrastructure"}])
			assert.Equal(t, []string{"infrastructure"}, s.Specs)
			assert.Equal(t, l.lang, s.Lang)

			// /start after the restart: welcome back, and the same question.
			c.cmd("start")
			assert.Contains(t, c.texts(), l.welcomeBack)
			assert.True(t, strings.HasSuffix(c.question().Text, "\n\n"+asked.Text), "the next question is the one asked before the restart, the welcome on top: %q", c.question().Text)
			out := c.send(dialogs.Input{Button: oldZero.Data})
			assert.NotEmpty(t, out.Outcome.Notice, "a button from before /start is stale, restart or not")

			turn := c.finishInfra(l, "12 000 000")
			require.Positive(t, turn.ReportID, "the report is stored with the turn")

			r, err := c.db.LatestReport(c.ctx, c.who.ChatID)
			require.NoError(t, err)
			assert.Equal(t, turn.ReportID, r.ID)
			assert.Equal(t, map[string]eligibility.Status{"infrastructure": "eligible"}, r.Statuses, "statuses of the chosen specializations only")
			assert.Equal(t, map[string]int{"infrastructure": 0}, r.Gaps)
			facts := r.Facts
			assert.Equal(t, int64(12_000_000), facts.Numbers[eligibility.Ref{Fact: "consumption_rub_year", Key: "infrastructure"}])
			assert.True(t, facts.Bools[eligibility.Ref{Fact: "partner_agreement"}], "answered before the restart, kept")
			assert.Len(t, facts.Employees, 2)
			res, ok := r.Verdict.Result("infrastructure")
			require.True(t, ok)
			assert.Equal(t, eligibility.Eligible, res.Status)

			p, err := c.db.Partner(c.ctx, c.who.ChatID)
			require.NoError(t, err)
			assert.Equal(t, "Acme", p.Company)
			assert.Equal(t, l.lang, p.Lang)
			assert.Equal(t, "partner", p.Username)

			// The reminders question survives another restart too.
			c.restart()
			c.last = turn
			c.press(l.remindYes)
			p, err = c.db.Partner(c.ctx, c.who.ChatID)
			require.NoError(t, err)
			assert.Equal(t, store.ConsentOn, p.Reminders)
		})
	}
}

func TestSecondCheckShowsWhatChanged(t *testing.T) {
	for _, l := range convLangs() {
		t.Run(l.lang, func(t *testing.T) {
			c := newConvChat(t, t.TempDir(), l.lang)
			c.toConsumption(l)
			c.finishInfra(l, "12 000 000")
			c.restart()

			c.againToConsumption(l)
			// The employees come back from the first check: Done keeps them.
			c.typ("11,5 млн")
			c.press(l.passed)
			c.press(l.done)
			turn := c.press(l.verdict)
			v := convVerdict(t, turn)
			assert.Contains(t, v, l.changesTitle)
			assert.Contains(t, v, "Infrastructure: ✅ → ❌")
			assert.Contains(t, v, map[string]string{"en": "₽12M → ₽11.5M", "ru": "12 млн ₽ → 11,5 млн ₽"}[l.lang])
			assert.Contains(t, v, l.gap12M)

			reports, err := c.db.Reports(c.ctx, c.who.ChatID, 0)
			require.NoError(t, err)
			require.Len(t, reports, 2, "history keeps both checks")
			assert.Equal(t, map[string]eligibility.Status{"infrastructure": "not_eligible"}, reports[0].Statuses)
			assert.Equal(t, map[string]int{"infrastructure": 1}, reports[0].Gaps)
			assert.Equal(t, map[string]eligibility.Status{"infrastructure": "eligible"}, reports[1].Statuses)
		})
	}
}

func TestReportShowsTheLastVerdict(t *testing.T) {
	for _, l := range convLangs() {
		t.Run(l.lang, func(t *testing.T) {
			c := newConvChat(t, t.TempDir(), l.lang)
			c.toConsumption(l)
			c.finishInfra(l, "11 500 000")
			c.restart()

			turn := c.cmd("report")
			assert.True(t, turn.Outcome.ShowReport)
			v := convVerdict(t, turn)
			assert.Contains(t, v, "❌ <b>Infrastructure</b>")
			assert.Contains(t, v, l.gap12M)
			assert.Zero(t, turn.ReportID, "showing a report stores none")
			reports, err := c.db.Reports(c.ctx, c.who.ChatID, 0)
			require.NoError(t, err)
			assert.Len(t, reports, 1)
		})
	}
}

func TestForgetDeletesThePartner(t *testing.T) {
	for _, l := range convLangs() {
		t.Run(l.lang, func(t *testing.T) {
			c := newConvChat(t, t.TempDir(), l.lang)
			c.toConsumption(l)
			c.finishInfra(l, "12 000 000")
			c.againToConsumption(l) // a check in progress too

			turn := c.cmd("forget")
			assert.False(t, turn.Forgotten)
			_, err := c.db.Partner(c.ctx, c.who.ChatID)
			require.NoError(t, err, "nothing is deleted before the confirmation")

			turn = c.press(l.forgetYes)
			assert.True(t, turn.Forgotten)
			_, err = c.db.Partner(c.ctx, c.who.ChatID)
			assert.ErrorIs(t, err, store.ErrNotFound)
			_, err = c.db.LatestReport(c.ctx, c.who.ChatID)
			assert.ErrorIs(t, err, store.ErrNotFound)
			data, err := c.db.Session(c.ctx, c.who.ChatID)
			require.NoError(t, err)
			assert.Nil(t, data, "no session is kept")

			// After a restart the partner is a stranger again, still
			// spoken to in the language of its Telegram (Who.LangCode).
			c.restart()
			c.cmd("report")
			assert.Contains(t, c.texts(), map[string]string{"en": "You have no verdict yet.", "ru": "Вердикта пока нет."}[l.lang],
				"the partner's language_code (Who.LangCode) decides the language of a stranger")
		})
	}
}

func TestOutdatedSessionStartsAgain(t *testing.T) {
	for _, l := range convLangs() {
		t.Run(l.lang, func(t *testing.T) {
			c := newConvChat(t, t.TempDir(), l.lang)
			old := dialogs.Session{Version: 99, Lang: l.lang, Company: "Acme", State: dialogs.Checking, Key: "f:business_plan", Seq: 7}
			require.NoError(t, c.db.SaveTurn(c.ctx, &store.Turn{
				Partner: store.Partner{ChatID: c.who.ChatID, Lang: l.lang},
				Session: &old,
			}))
			c.typ("yes")
			assert.True(t, strings.HasPrefix(c.last.Outcome.Messages[0].Text, l.outdated), c.texts())
			s := c.storedSession()
			assert.Equal(t, dialogs.SessionVersion, s.Version, "the session is stored again in the current shape")
			assert.Equal(t, "Acme", s.Company)
			assert.Equal(t, l.lang, s.Lang)
		})
	}
}

// BenchmarkStepWithStore measures one App.Handle in the middle of
// a check: load the partner, the session and the latest report from a
// SQLite file, run the engine, save the turn. Steps alternate between
// typing the consumption and going Back to it.
func BenchmarkStepWithStore(b *testing.B) {
	l := convEN
	c := newConvChat(b, b.TempDir(), l.lang)
	c.toConsumption(l)
	c.finishInfra(l, "12 000 000") // a previous report, as most partners have
	c.againToConsumption(l)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		var in dialogs.Input
		if i%2 == 0 {
			in = dialogs.Input{Text: "12 000 000"}
		} else {
			in = dialogs.Input{Button: c.button("◀️ Back").Data}
		}
		turn, err := c.app.Handle(c.ctx, c.who, in, 0, 0)
		if err != nil {
			b.Fatal(err)
		}
		// Sent, as the bot marks each batch: a chat's pending replies
		// are the few of its last turn, not every batch of the run.
		if turn.OutboxID != 0 {
			if err := c.app.DB.MarkSent(c.ctx, turn.OutboxID); err != nil {
				b.Fatal(err)
			}
		}
		c.last = turn
	}
}
