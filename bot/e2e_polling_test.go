package bot_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
	"specbot/locales"
)

// devopsInfraScript checks Infrastructure and DevOps: the partner types the
// agreement and every amount, presses the rest; both roles are filled by
// two employees holding all four certificates, so only DevOps consumption
// can fall short.
func devopsInfraScript(p *partner, agreement, infraMoney, devopsMoney string) []act {
	l := p.labels()
	employee := func(name string) []act {
		return []act{typ(name), press(l.cse), press(l.protect), press(l.gitops), press(l.devsecop), press(p.T("button.done"))}
	}
	script := []act{
		press(p.T("button.start_check")), typ("Acme & Co"),
		press("Infrastructure"), press("DevOps"), press(p.T("button.done")),
		typ(agreement), press(p.T("answer.yes")),
		typ("1"), typ(infraMoney), press(l.passed),
		press("1"), typ(devopsMoney), press(l.passed),
	}
	script = append(script, employee("Anna")...)
	script = append(script, press(p.T("button.add_employee")))
	script = append(script, employee("Oleg")...)
	return append(script, press(p.T("button.done")))
}

// TestPollingCheckInBothLanguages: a partner completes a check by pressing
// buttons and typing amounts; everything is asserted on what the fake Bot
// API server received.
func TestPollingCheckInBothLanguages(t *testing.T) {
	cases := []struct {
		lang                    string
		agreement, infra, devop string
		want                    []string // in the verdict
		summary                 []string // in the summary of answers
	}{
		{
			lang: "en", agreement: "yes", infra: "12.5 mln", devop: "1.5 mln",
			want: []string{
				"✅ <b>Infrastructure</b> — eligible",
				"❌ <b>DevOps</b> — not yet: 1 condition not met",
				"DevOps consumption per year: ₽500,000 short of ₽2,000,000",
				"Next qualification window: April, opens 1 April 2027, in 127 days.",
			},
			summary: []string{"Acme &amp; Co", "<b>₽12,500,000</b>", "<b>₽1,500,000</b>"},
		},
		{
			lang: "ru", agreement: "да", infra: "12,5 млн", devop: "1,5 млн",
			want: []string{
				"✅ <b>Infrastructure</b> — условия выполнены",
				"❌ <b>DevOps</b> — пока нет: не выполнено 1 условие",
				"Потребление сервисов DevOps в год: не хватает 500 000 ₽ до 2 000 000 ₽",
				"Следующее окно квалификации — апрель: откроется 1 апреля 2027 г., через 127 дней.",
			},
			summary: []string{"Acme &amp; Co", "<b>" + locales.For("ru").Money(12_500_000) + "</b>", "<b>" + locales.For("ru").Money(1_500_000) + "</b>"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.lang, func(t *testing.T) {
			h := newHarness(t, withManagers("ru"))
			p := h.partner(t, 42, "Alice", tc.lang)

			welcome := p.typ("/start")
			assert.Contains(t, welcome.Text, p.T("start.welcome", "Specializations", "")[:20], "greeted in the language of language_code")
			p.play(devopsInfraScript(p, tc.agreement, tc.infra, tc.devop)...)
			summary := p.last()
			require.Contains(t, summary.Text, p.T("summary.title"))
			for _, w := range tc.summary {
				assert.Contains(t, summary.Text, w, "the summary keeps every typed answer")
			}
			verdict := p.verdict()
			for _, w := range tc.want {
				assert.Contains(t, verdict.Text, w)
			}
			_, _, ok := findButton([]telegramtest.Message{verdict}, p.T("button.contact"))
			assert.True(t, ok, "the verdict offers the account manager")
			h.settle()

			// Each question is asked once; one answered by a button becomes
			// the next question in place, the answer given on top.
			agreementQ := questionOf(t, p, "partner_agreement")
			planQ := questionOf(t, p, "business_plan")
			for _, q := range []string{agreementQ, planQ, p.T("check.question.specs")} {
				assert.Equal(t, 1, p.asked(q), "question %q asked once", q)
			}
			plan := p.find(": <b>" + p.T("answer.yes") + "</b>\n\n")
			require.NotEmpty(t, plan, "the chosen answer is shown")
			assert.Positive(t, plan[0].Edits, "edited in place")
			// The specializations were ticked in the same message, which
			// then became the next question.
			specs := p.find("✔️ " + p.T("summary.specs") + ": <b>Infrastructure, DevOps</b>")
			require.Len(t, specs, 1)
			assert.GreaterOrEqual(t, specs[0].Edits, 3, "two toggles and the answer edit one message")
			assert.Nil(t, specs[0].Keyboard)
			// No dead buttons: no earlier question keeps its keyboard.
			assert.Empty(t, p.deadButtons())
			// Nothing was re-asked because it could not be read.
			assert.Empty(t, p.find("⚠️"), "every typed answer was understood")

			// Every callback query was answered, exactly once.
			answered := h.answered()
			assert.Len(t, answered, p.presses, "answerCallbackQuery per press")
			ids := map[string]bool{}
			for _, c := range answered {
				assert.False(t, ids[c.Params["callback_query_id"]], "callback %s answered twice", c.Params["callback_query_id"])
				ids[c.Params["callback_query_id"]] = true
			}
			assert.Empty(t, h.refused())
		})
	}
}

// questionOf returns the text of a fact's question in the partner's language.
func questionOf(t testing.TB, p *partner, fact string) string {
	t.Helper()
	f, ok := p.h.engine().Catalog.Fact(fact)
	require.True(t, ok, fact)
	return f.Question.Get(p.p.Lang())
}

// TestCommandMenus: setMyCommands for the default scope and for
// language_code ru, each in its language, and the manager commands only in
// the managers' chat.
func TestCommandMenus(t *testing.T) {
	h := newHarness(t, withManagers("ru"))
	h.settle()
	partnerCmds := []string{"start", "check", "report", "invite", "members", "manager", "reminders", "language", "forget", "help", "cancel"}
	var byDefault, byRussian, byManagers int
	for _, c := range h.srv.Calls("setMyCommands") {
		require.Zero(t, c.Code)
		cmds := commandsOf(t, c)
		scope := scopeOf(t, c)
		switch {
		case scope["type"] == "default" && c.Params["language_code"] == "":
			byDefault++
			for _, name := range partnerCmds {
				assert.Equal(t, locales.For("en").T("command."+name), cmds[name], "/%s in English", name)
			}
			assert.Len(t, cmds, len(partnerCmds))
		case scope["type"] == "default" && c.Params["language_code"] == "ru":
			byRussian++
			for _, name := range partnerCmds {
				assert.Equal(t, locales.For("ru").T("command."+name), cmds[name], "/%s in Russian", name)
			}
			assert.Equal(t, "Проверить специализации", cmds["check"])
			assert.Len(t, cmds, len(partnerCmds))
		case scope["type"] == "chat":
			byManagers++
			assert.EqualValues(t, managersChat, scope["chat_id"])
			for _, name := range []string{"stats", "partner", "export"} {
				assert.Equal(t, locales.For("ru").T("command."+name), cmds[name], "/%s for managers", name)
			}
		default:
			t.Errorf("unexpected setMyCommands scope %v language %q", scope, c.Params["language_code"])
		}
		if scope["type"] != "chat" {
			for _, name := range []string{"stats", "partner", "export"} {
				assert.NotContains(t, cmds, name, "manager commands are not shown to partners")
			}
		}
	}
	assert.Equal(t, 1, byDefault, "default menu")
	assert.Equal(t, 1, byRussian, "Russian menu")
	assert.Equal(t, 1, byManagers, "managers' menu")
}

// TestCommandMenusWithoutManagers: no managers' chat, no managers' menu.
func TestCommandMenusWithoutManagers(t *testing.T) {
	h := newHarness(t)
	h.settle()
	calls := h.srv.Calls("setMyCommands")
	require.Len(t, calls, 2)
	for _, c := range calls {
		assert.Equal(t, "default", scopeOf(t, c)["type"])
	}
}

// TestDescriptions: the description and the short description are set at
// start in English by default and in Russian for language_code ru, from the
// locale files.
func TestDescriptions(t *testing.T) {
	h := newHarness(t)
	h.settle()
	for code, lang := range map[string]string{"": "en", "ru": "ru"} {
		p := locales.For(lang)
		assert.Equal(t, p.T("bot.description"), h.srv.Description(code), "description %q", code)
		assert.Equal(t, p.T("bot.short_description"), h.srv.ShortDescription(code), "short description %q", code)
		assert.NotEmpty(t, h.srv.ShortDescription(code))
	}
	assert.NotEqual(t, h.srv.Description(""), h.srv.Description("ru"))
}
