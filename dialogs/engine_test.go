package dialogs

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// factsJSON is a comparable snapshot of facts (the engine mutates the maps
// of the session it is given, so a snapshot must not share them).
func factsJSON(t testing.TB, f eligibility.Facts) string {
	t.Helper()
	b, err := json.Marshal(f)
	require.NoError(t, err)
	return string(b)
}

func TestCheckEndsInEachVerdict(t *testing.T) {
	cases := []struct {
		name   string
		script func(u ui) []act
		specs  []string
		status eligibility.Status
		// want are texts of the verdict message, per language.
		want  map[string][]string
		facts func(t *testing.T, f eligibility.Facts)
	}{
		{
			name:   "eligible for Infrastructure with 12 000 000 typed and two certified employees",
			script: func(u ui) []act { return infraScript(u, "Acme", "12 000 000", u.passed) },
			specs:  []string{specInfra},
			status: eligibility.Eligible,
			want: map[string][]string{
				"en": {"✅ <b>Infrastructure</b> — eligible",
					"🗓 Next qualification window: April, opens 1 April 2027, in 127 days.",
					"👉 You meet the conditions"},
				"ru": {"✅ <b>Infrastructure</b> — условия выполнены",
					"🗓 Следующее окно квалификации — апрель: откроется 1 апреля 2027 г., через 127 дней.",
					"👉 Вы выполняете условия"},
			},
			facts: func(t *testing.T, f eligibility.Facts) {
				assert.Equal(t, int64(12_000_000), f.Numbers[ref(factConsume, specInfra)])
				assert.Equal(t, "passed", f.Enums[ref(factInter, specInfra)])
				assert.True(t, f.Bools[ref(factPartner)])
				assert.True(t, f.Bools[ref(factPlan)])
				assert.Equal(t, int64(1), f.Numbers[ref(factSolution, specInfra)])
				require.True(t, f.EmployeesKnown)
				assert.Equal(t, []eligibility.Employee{
					{Name: "Anna", Certs: []string{certCSE, certProtect}},
					{Name: "Oleg", Certs: []string{certCSE}},
				}, f.Employees)
			},
		},
		{
			name:   "not eligible for DevOps with 1,5 млн: the exact shortfall",
			script: func(u ui) []act { return devopsScript(u, "1,5 млн") },
			specs:  []string{specDevOps},
			status: eligibility.NotEligible,
			want: map[string][]string{
				"en": {"❌ <b>DevOps</b> — not yet: 1 condition not met",
					"• DevOps consumption per year: ₽500,000 short of ₽2,000,000",
					"75% · ₽1.5M of ₽2M",
					"👉 Close the gaps above"},
				"ru": {"❌ <b>DevOps</b> — пока нет: не выполнено 1 условие",
					"• Потребление сервисов DevOps в год: не хватает 500 000 ₽ до 2 000 000 ₽",
					"75% · 1,5 млн ₽ из 2 млн ₽",
					"👉 Чего не хватает — выше"},
			},
			facts: func(t *testing.T, f eligibility.Facts) {
				assert.Equal(t, int64(1_500_000), f.Numbers[ref(factConsume, specDevOps)])
				require.Len(t, f.Employees, 2)
				assert.Equal(t, []string{certCSE, "gitops_deployment", "devsecops_cicd"}, f.Employees[1].Certs)
			},
		},
		{
			name:   "incomplete for Infrastructure when the interview is I don't know",
			script: func(u ui) []act { return infraScript(u, "Acme", "12 000 000", u.unknown) },
			specs:  []string{specInfra},
			status: eligibility.Incomplete,
			want: map[string][]string{
				"en": {"❔ <b>Infrastructure</b> — not enough information yet",
					"❔ Not known yet: Interview with a Yandex Cloud architect"},
				"ru": {"❔ <b>Infrastructure</b> — пока не хватает сведений",
					"❔ Пока неизвестно: Собеседование с архитектором Yandex Cloud"},
			},
			facts: func(t *testing.T, f eligibility.Facts) {
				assert.False(t, f.Known(ref(factInter, specInfra)), "I don't know is unknown, not a value")
			},
		},
		{
			name:   "eligible for ML & AI through Brand Voice Call Center above ₽100,000 a month",
			script: func(u ui) []act { return mlScript(u, "150 000") },
			specs:  []string{specML},
			status: eligibility.Eligible,
			want: map[string][]string{
				"en": {"✅ <b>ML &amp; AI</b> — eligible"},
				"ru": {"✅ <b>ML &amp; AI</b> — условия выполнены"},
			},
			facts: func(t *testing.T, f eligibility.Facts) {
				assert.Equal(t, int64(150_000), f.Numbers[ref("brand_voice_call_center_rub_month")])
				assert.Equal(t, int64(1), f.Numbers[ref("brand_voice_projects", "call_center")])
				assert.Equal(t, int64(0), f.Numbers[ref("brand_voice_projects", "premium")])
			},
		},
		{
			name:   "not eligible for ML & AI at exactly ₽100,000 a month: it must be exceeded",
			script: func(u ui) []act { return mlScript(u, "100 000") },
			specs:  []string{specML},
			status: eligibility.NotEligible,
			want: map[string][]string{
				"en": {"❌ <b>ML &amp; AI</b> — not yet: 1 condition not met",
					"Brand Voice Call Center consumption per month: must exceed ₽100,000, now ₽100,000: ₽1 short"},
				"ru": {"❌ <b>ML &amp; AI</b> — пока нет: не выполнено 1 условие",
					"Потребление Brand Voice Call Center в месяц: нужно больше 100 000 ₽, сейчас 100 000 ₽ — не хватает 1 ₽"},
			},
		},
	}
	for _, tc := range cases {
		for _, u := range uis() {
			t.Run(u.lang+"/"+tc.name, func(t *testing.T) {
				d := newDriver(t, u.lang)
				d.play(tc.script(u)...)
				d.requireAsks(u.summaryTitle)
				require.Equal(t, Summary, d.s.State)

				out := d.press(u.verdict)
				require.NotNil(t, out.Report, "the verdict is handed over for storing")
				assert.Equal(t, tc.specs, out.Report.Specs)
				res, ok := out.Report.Report.Result(tc.specs[0])
				require.True(t, ok)
				assert.Equal(t, tc.status, res.Status)

				verdict := findVerdict(t, out.Messages)
				for _, w := range tc.want[u.lang] {
					assert.Contains(t, verdict.Text, w)
				}
				contact, ok := findButton([]Message{verdict}, map[string]string{"en": "📞 Contact my account manager", "ru": "📞 Связаться с менеджером"}[u.lang])
				assert.True(t, ok, "the verdict offers the account manager")
				assert.Equal(t, cbContact, contact.Data)
				_, ok = findButton([]Message{verdict}, u.checkAgain)
				assert.True(t, ok, "the verdict offers another check")

				assert.Equal(t, Idle, d.s.State, "the check is over")
				assert.Equal(t, 1, d.s.Checks)
				if tc.facts != nil {
					tc.facts(t, out.Report.Facts)
				}
			})
		}
	}
}

// findVerdict returns the message holding the report.
func findVerdict(t testing.TB, msgs []Message) Message {
	t.Helper()
	for _, m := range msgs {
		if strings.Contains(m.Text, "🗓") {
			return m
		}
	}
	t.Fatalf("no verdict among:\n%s", dump(msgs))
	return Message{}
}

func TestProgressLine(t *testing.T) {
	cases := []struct {
		name   string
		script func(u ui) []act
		step   int
		total  int
		suffix string
	}{
		{"company before anything is chosen promises no total", func(u ui) []act { return []act{press(u.startCheck)} }, 1, 0, ""},
		{"business plan with Infrastructure only", func(u ui) []act {
			return []act{press(u.startCheck), typ("Acme"), press("Infrastructure"), press(u.done), press(u.yes)}
		}, 4, 8, ""},
		{"business plan with all specializations", func(u ui) []act {
			return []act{press(u.startCheck), typ("Acme"), press(u.all), press(u.yes)}
		}, 4, 22, ""},
		{"a specialization's question names it", func(u ui) []act {
			return []act{press(u.startCheck), typ("Acme"), press("Infrastructure"), press(u.done), press(u.yes), press(u.yes), typ("1")}
		}, 6, 8, " · Infrastructure"},
	}
	for _, tc := range cases {
		for _, u := range uis() {
			t.Run(u.lang+"/"+tc.name, func(t *testing.T) {
				d := newDriver(t, u.lang)
				d.play(tc.script(u)...)
				want := "<b>" + fmt.Sprintf(u.stepOf, tc.step, tc.total) + tc.suffix + "</b>\n"
				if tc.total == 0 {
					want = "<b>" + fmt.Sprintf(u.stepOpen, tc.step) + "</b>\n"
				}
				assert.True(t, strings.HasPrefix(asked(d.question().Text), want), "%q does not start with %q", d.question().Text, want)
			})
		}
	}
}

func TestBackReturnsToThePreviousQuestion(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(press(u.startCheck), typ("Acme"), press("Infrastructure"), press(u.done), press(u.yes))
			d.requireAsks(u.planQ)

			d.press(u.back)
			d.requireAsks(u.agreementQ)
			current := map[string]string{"en": "Current answer: <b>Yes</b>", "ru": "Текущий ответ: <b>Да</b>"}[u.lang]
			assert.Contains(t, d.question().Text, current, "the earlier answer is shown")
			assert.True(t, d.s.Facts.Bools[ref(factPartner)], "going back loses nothing")

			d.press(u.no)
			d.requireAsks(u.goOnQ)
			d.requireAsks(u.planQ)
			assert.False(t, d.s.Facts.Bools[ref(factPartner)], "the answer is changed")

			d.press(u.back)
			d.press(u.back)
			d.requireAsks(u.specsQ)
			d.press(u.back)
			d.requireAsks(u.companyQ)
			keep, ok := findButton(d.out.Messages, map[string]string{"en": "Keep: Acme", "ru": "Оставить: Acme"}[u.lang])
			require.True(t, ok, "the company typed before can be kept")

			out := d.press(u.back)
			assert.Equal(t, map[string]string{"en": "This is the first question.", "ru": "Это первый вопрос."}[u.lang], out.Notice)
			d.requireAsks(u.companyQ)

			out = d.send(Input{Button: keep.Data})
			assert.Equal(t, u.staleNotice, out.Notice, "the question was asked again: its old Keep button is stale")
			d.requireAsks(u.companyQ)
			d.press(map[string]string{"en": "Keep: Acme", "ru": "Оставить: Acme"}[u.lang])
			d.requireAsks(u.specsQ)
			assert.Equal(t, "Acme", d.s.Company)
		})
	}
}

func TestChangeAnswerFromSummary(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(infraScript(u, "Acme", "12 000 000", u.passed)...)
			d.requireAsks(u.summaryTitle)
			line := map[string]string{"en": "6. Annual consumption · Infrastructure: <b>₽12,000,000</b>",
				"ru": "6. Годовое потребление · Infrastructure: <b>12 000 000 ₽</b>"}[u.lang]
			assert.Contains(t, d.question().Text, line)

			d.press("✏️ 6")
			d.requireAsks(map[string]string{"en": "How much do you consume per year of Infrastructure", "ru": "Сколько в год вы потребляете сервисов Infrastructure"}[u.lang])
			d.typ("11,5 млн")
			d.requireAsks(u.summaryTitle) // straight back to the summary
			line = map[string]string{"en": "6. Annual consumption · Infrastructure: <b>₽11,500,000</b>",
				"ru": "6. Годовое потребление · Infrastructure: <b>11 500 000 ₽</b>"}[u.lang]
			assert.Contains(t, d.question().Text, line)

			out := d.press(u.verdict)
			require.NotNil(t, out.Report)
			res, _ := out.Report.Report.Result(specInfra)
			assert.Equal(t, eligibility.NotEligible, res.Status)
			gap := map[string]string{"en": "Infrastructure consumption per year: ₽500,000 short of ₽12,000,000",
				"ru": "Потребление сервисов Infrastructure в год: не хватает 500 000 ₽ до 12 000 000 ₽"}[u.lang]
			assert.Contains(t, findVerdict(t, out.Messages).Text, gap)
		})
	}
}

func TestAddSpecializationFromSummaryAsksOnlyTheNewQuestions(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(infraScript(u, "Acme", "12 000 000", u.passed)...)
			d.press("✏️ 2")
			d.requireAsks(u.specsQ)
			d.press("DevOps")
			d.press(u.done)
			// Agreement and plan were answered: the first new question is
			// DevOps' solutions.
			d.requireAsks(map[string]string{"en": "based on DevOps technology", "ru": "на технологиях DevOps"}[u.lang])
			d.typ("1")
			d.typ("3 млн")
			d.press(u.passed)
			d.requireAsks(u.summaryTitle)
			assert.Equal(t, []string{specInfra, specDevOps}, d.s.Specs)
			assert.Equal(t, int64(12_000_000), d.s.Facts.Numbers[ref(factConsume, specInfra)], "Infrastructure's answers are kept")

			out := d.press(u.verdict)
			require.NotNil(t, out.Report)
			res, _ := out.Report.Report.Result(specInfra)
			assert.Equal(t, eligibility.Eligible, res.Status)
			// Employees were answered for Infrastructure: nobody holds the
			// GitOps and DevSecOps certificates DevOps' second role needs.
			res, _ = out.Report.Report.Result(specDevOps)
			assert.Equal(t, eligibility.NotEligible, res.Status)
			assert.Equal(t, 1, res.Gaps())
			assert.Contains(t, findVerdict(t, out.Messages).Text, map[string]string{
				"en": "Certified employees: a second specialist with Cloud service engineer, GitOps infrastructure deployment and DevSecOps in cloud CI/CD",
				"ru": "Сертифицированные сотрудники: нужен второй сотрудник с сертификатами: Инженер облачных сервисов, Развёртывание инфраструктуры по GitOps и DevSecOps в облачном CI/CD"}[u.lang])
		})
	}
}

// TestGarbageRepeatsTheQuestion types what cannot be read at every kind of
// question: the hint is shown, the same question is asked again, and
// nothing answered before is lost.
func TestGarbageRepeatsTheQuestion(t *testing.T) {
	toSpecs := func(u ui) []act { return []act{press(u.startCheck), typ("Acme")} }
	toPlan := func(u ui) []act { return append(toSpecs(u), press("Infrastructure"), press(u.done), press(u.yes)) }
	toSolutions := func(u ui) []act { return append(toPlan(u), press(u.yes)) }
	toMoney := func(u ui) []act { return append(toSolutions(u), typ("2")) }
	toInterview := func(u ui) []act { return append(toMoney(u), typ("12 000 000")) }
	toEmployees := func(u ui) []act { return append(toInterview(u), press(u.passed)) }
	toCerts := func(u ui) []act { return append(toEmployees(u), typ("Anna")) }

	cases := []struct {
		name   string
		before func(u ui) []act
		input  map[string]string
		hint   map[string][]string
	}{
		{"company name too long", func(u ui) []act {
			return append(toSpecs(u), press(u.back)) // Acme is the answer to keep
		}, map[string]string{"en": strings.Repeat("A", 201), "ru": strings.Repeat("Я", 201)},
			map[string][]string{"en": {"That name is too long; please keep it under 200 characters."}, "ru": {"Слишком длинное название; уложитесь, пожалуйста, в 200 символов."}}},
		{"specializations matching nothing", toSpecs,
			map[string]string{"en": "bananas", "ru": "бананы"},
			map[string][]string{"en": {uiEN.specsHint}, "ru": {uiRU.specsHint}}},
		{"yes or no: maybe", toPlan,
			map[string]string{"en": "maybe", "ru": "может быть"},
			map[string][]string{"en": {uiEN.yesNoHint}, "ru": {uiRU.yesNoHint}}},
		{"count: lots", toSolutions,
			map[string]string{"en": "lots", "ru": "много"},
			map[string][]string{"en": {uiEN.countHint}, "ru": {uiRU.countHint}}},
		{"money: abc", toMoney,
			map[string]string{"en": "abc", "ru": "abc"},
			map[string][]string{"en": {uiEN.moneyHint}, "ru": {uiRU.moneyHint}}},
		{"money: -5", toMoney,
			map[string]string{"en": "-5", "ru": "-5"},
			map[string][]string{"en": {uiEN.negativeHint, uiEN.moneyHint}, "ru": {uiRU.negativeHint, uiRU.moneyHint}}},
		{"money above the catalogue's maximum", toMoney,
			map[string]string{"en": "5,000 billion", "ru": "5000 млрд"},
			map[string][]string{"en": {"That is more than ₽1,000,000,000,000; please check the number."}, "ru": {"Это больше, чем 1 000 000 000 000 ₽; проверьте, пожалуйста, число."}}},
		{"interview typed as something else", toInterview,
			map[string]string{"en": "soon", "ru": "скоро"},
			map[string][]string{"en": {"Please choose one of the buttons."}, "ru": {"Пожалуйста, выберите одну из кнопок."}}},
		{"employee name too long", toEmployees,
			map[string]string{"en": strings.Repeat("N", 101), "ru": strings.Repeat("Н", 101)},
			map[string][]string{"en": {"Please send the employee's name"}, "ru": {"Пришлите имя сотрудника"}}},
		{"a certificate typed that matches nothing", toCerts,
			map[string]string{"en": "bananas", "ru": "бананы"},
			map[string][]string{"en": {"I don't know the certificate «bananas»", "Cloud service engineer (CSE); Cloud infrastructure protection (CIP)"},
				"ru": {"Не знаю сертификата «бананы»", "Инженер облачных сервисов (ИОС); Защита облачной инфраструктуры (ЗОИ)"}}},
	}
	for _, tc := range cases {
		for _, u := range uis() {
			t.Run(u.lang+"/"+tc.name, func(t *testing.T) {
				d := newDriver(t, u.lang)
				d.play(tc.before(u)...)
				before := asked(d.question().Text)
				facts, answered := factsJSON(t, d.s.Facts), maps.Clone(d.s.Answered)
				key, sub, company, draft := d.s.Key, d.s.Sub, d.s.Company, d.s.Draft

				out := d.typ(tc.input[u.lang])
				require.Len(t, out.Messages, 1, dump(out.Messages))
				hint, _, _ := strings.Cut(out.Messages[0].Text, "\n\n")
				assert.True(t, strings.HasPrefix(hint, "⚠️ "), hint)
				for _, w := range tc.hint[u.lang] {
					assert.Contains(t, hint, w)
				}
				assert.Equal(t, before, asked(d.question().Text), "the same question is asked again, the hint on top")
				assert.Equal(t, key, d.s.Key)
				assert.Equal(t, sub, d.s.Sub)
				assert.Equal(t, company, d.s.Company)
				assert.Equal(t, draft, d.s.Draft)
				assert.Equal(t, facts, factsJSON(t, d.s.Facts), "no answer is lost or added")
				assert.Equal(t, answered, d.s.Answered)
			})
		}
	}
}

func TestStaleButtonsAreNotRecorded(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang+"/an earlier question's answer", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(press(u.startCheck), typ("Acme"), press("Infrastructure"), press(u.done))
			d.requireAsks(u.agreementQ)
			oldNo := d.find(u.no)
			d.press(u.yes)
			d.requireAsks(u.planQ)
			facts, answered := factsJSON(t, d.s.Facts), maps.Clone(d.s.Answered)

			out := d.send(Input{Button: oldNo.Data})
			assert.Equal(t, u.staleNotice, out.Notice)
			d.requireAsks(u.planQ)
			assert.Equal(t, facts, factsJSON(t, d.s.Facts))
			assert.Equal(t, answered, d.s.Answered)
			assert.True(t, d.s.Facts.Bools[ref(factPartner)])
			assert.False(t, d.s.Facts.Known(ref(factPlan)), "nor recorded as the current question's answer")
			assert.Nil(t, out.Report)
		})
		t.Run(u.lang+"/a specialization toggle after Done", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(press(u.startCheck), typ("Acme"))
			devops := d.find("DevOps")
			d.play(press("Infrastructure"), press(u.done))
			out := d.send(Input{Button: devops.Data})
			assert.Equal(t, u.staleNotice, out.Notice)
			assert.Equal(t, []string{specInfra}, d.s.Specs)
			assert.Empty(t, d.s.Picking)
			d.requireAsks(u.agreementQ)
		})
		t.Run(u.lang+"/the summary's verdict button after the verdict", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(infraScript(u, "Acme", "12 000 000", u.passed)...)
			verdict := d.find(u.verdict)
			d.press(u.verdict)
			out := d.send(Input{Button: verdict.Data})
			assert.Nil(t, out.Report, "no second report")
			assert.Equal(t, u.alreadyNotice, out.Notice, "a double tap acts once")
			assert.Empty(t, out.Messages, "a double tap gets only its notice")
			d.cmd("help")
			out = d.send(Input{Button: verdict.Data})
			assert.Nil(t, out.Report, "no second report")
			assert.Equal(t, u.staleNotice, out.Notice)
			_, ok := findButton(out.Messages, u.startCheck)
			assert.True(t, ok, "a stale button when idle offers a new check")
			assert.Equal(t, 1, d.s.Checks)
		})
	}
}

// TestForgedButtonsNeverPanic sends payloads this bot never wrote at every
// point of a whole conversation: none panics, none records anything.
func TestForgedButtonsNeverPanic(t *testing.T) {
	u := uiEN
	fixed := []string{"999999:y", "g:l:de", strings.Repeat("7", 70), "1:y:" + strings.Repeat("x", 66),
		":", "y", "x:y", "-1:y", "1:", "g:", "g:zzz", "g:l:", "99999999999999999999:y", "\xff\xfe", "1:\x00"}
	forged := func(seq int) []string {
		out := append([]string{}, fixed...)
		for _, f := range []string{"%d:v:99", "%d:v:-1", "%d:t:99", "%d:t:x", "%d:k:-5", "%d:k:99999999999999999999",
			"%d:e:999", "%d:e:-1", "%d:rm:9", "%d:zz", "%d:fy", "%d:send", "%d:v", "%d:k"} {
			out = append(out, fmt.Sprintf(f, seq))
		}
		return out
	}
	d := newDriver(t, u.lang)
	script := append(infraScript(u, "Acme", "12 000 000", u.passed), press(u.verdict), press(u.remindYes))
	for i, a := range append([]act{{}}, script...) {
		if i > 0 {
			d.play(a)
		}
		for _, data := range forged(d.s.Seq) {
			t.Run(fmt.Sprintf("step %d/%q", i, data), func(t *testing.T) {
				enc, err := d.s.Encode()
				require.NoError(t, err)
				s, err := DecodeSession(d.e.Catalog, enc)
				require.NoError(t, err)
				before := factsJSON(t, s.Facts)
				var out Outcome
				require.NotPanics(t, func() { out = d.e.Handle(s, Input{Button: data}, d.env) })
				assert.NotEmpty(t, out.Notice, "a forged button gets the stale answer")
				assert.Nil(t, out.Report)
				assert.False(t, out.Forget)
				assert.Nil(t, out.Contact)
				assert.Empty(t, out.Reminders)
				assert.Equal(t, before, factsJSON(t, out.Session.Facts))
				assert.Equal(t, s.Key, out.Session.Key)
				assert.Equal(t, s.Specs, out.Session.Specs)
				assert.NotEmpty(t, out.Messages)
			})
		}
	}
}

// TestEveryButtonFitsTelegram plays the longest conversation (every
// specialization, long names, many employees); the driver checks every
// button's payload against Telegram's 64 bytes.
func TestEveryButtonFitsTelegram(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(press(u.startCheck), typ(strings.Repeat("Ж", 200)), press(u.all))
			for d.s.Key != stepEmployees {
				d.press(u.unknown)
			}
			for i := range 12 {
				d.typ(fmt.Sprintf("%02d %s", i, strings.Repeat("Щ", 97)))
				for _, row := range d.question().Buttons {
					for _, b := range row {
						if b.Data != "" && strings.HasPrefix(b.Label, "▫️ ") {
							d.send(Input{Button: b.Data})
						}
					}
				}
				d.press(u.done)
				d.press(u.another)
			}
			d.press(u.done)
			d.requireAsks(u.summaryTitle)
			d.press("✏️ 22")
			d.requireAsks(u.employeesQ)
			d.press("✖ 00 " + strings.Repeat("Щ", 17) + "…")
			assert.Len(t, d.s.Facts.Employees, 11)
			d.press(u.done)
			d.requireAsks(u.summaryTitle)
			d.press(u.verdict)
			assert.Greater(t, d.seen, 300, "buttons seen")
			for _, m := range d.all {
				for _, row := range m.Buttons {
					for _, b := range row {
						assert.LessOrEqual(t, len(b.Data), MaxCallbackData, b.Label)
					}
				}
				assert.LessOrEqual(t, len([]rune(m.Text)), 4096, "Telegram's text limit")
			}
		})
	}
}

func TestLanguageSwitchMidCheck(t *testing.T) {
	question := map[string]string{
		"en": "How much do you consume per year of Infrastructure services",
		"ru": "Сколько в год вы потребляете сервисов Infrastructure",
	}
	for _, tc := range []struct{ from, to ui }{{uiEN, uiRU}, {uiRU, uiEN}} {
		t.Run(tc.from.lang+" to "+tc.to.lang, func(t *testing.T) {
			d := newDriver(t, tc.from.lang)
			d.play(press(tc.from.startCheck), typ("Acme"), press("Infrastructure"), press(tc.from.done),
				press(tc.from.yes), press(tc.from.yes), typ("1"))
			d.requireAsks(question[tc.from.lang])
			facts, answered := factsJSON(t, d.s.Facts), maps.Clone(d.s.Answered)

			d.cmd("language")
			label := map[string]string{"en": tc.to.english, "ru": tc.to.russian}[tc.to.lang]
			out := d.press(label)
			assert.Equal(t, tc.to.languageSet, out.Notice)
			assert.Equal(t, tc.to.lang, d.s.Lang)
			d.requireAsks(question[tc.to.lang])
			d.requireAsks(fmt.Sprintf(tc.to.stepOf, 6, 8))
			assert.NotContains(t, d.question().Text, question[tc.from.lang])
			assert.Equal(t, facts, factsJSON(t, d.s.Facts))
			assert.Equal(t, answered, d.s.Answered)

			// The conversation goes on in the new language.
			d.typ("12 000 000")
			d.press(tc.to.passed)
			d.requireAsks(tc.to.employeesQ)
		})
	}
}

func TestCancelPausesAndContinueResumes(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang+"/at a question", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(press(u.startCheck), typ("Acme"), press("Infrastructure"), press(u.done), press(u.yes))
			d.requireAsks(u.planQ)
			facts := factsJSON(t, d.s.Facts)

			d.cmd("cancel")
			assert.Contains(t, d.texts(), u.paused)
			assert.Equal(t, Idle, d.s.State)
			cont := d.find(u.cont)
			d.typ("yes")
			assert.Equal(t, facts, factsJSON(t, d.s.Facts), "text while paused is not an answer")

			d.send(Input{Button: cont.Data}) // Continue of the pause message
			d.requireAsks(u.planQ)
			d.requireAsks(fmt.Sprintf(u.stepOf, 4, 8))
			assert.Equal(t, Checking, d.s.State)
			assert.Equal(t, facts, factsJSON(t, d.s.Facts))
			d.press(u.yes)
			assert.True(t, d.s.Facts.Bools[ref(factPlan)])
		})
		t.Run(u.lang+"/check command after cancel continues, as the pause message promises", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(press(u.startCheck), typ("Acme"), press("Infrastructure"), press(u.done), press(u.yes))
			facts, answered := factsJSON(t, d.s.Facts), maps.Clone(d.s.Answered)
			d.cmd("cancel")
			assert.Contains(t, d.texts(), map[string]string{"en": "press Continue or send /check", "ru": "нажмите «Продолжить» или отправьте /check"}[u.lang])

			d.cmd("check")
			assert.Equal(t, facts, factsJSON(t, d.s.Facts), "/check must not throw the saved answers away")
			assert.Equal(t, answered, d.s.Answered)
			if _, ok := findButton(d.out.Messages, u.cont); ok {
				d.press(u.cont)
			}
			d.requireAsks(u.planQ)
		})
		t.Run(u.lang+"/with the Cancel button at the summary", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(infraScript(u, "Acme", "12 000 000", u.passed)...)
			d.press(u.cancel)
			assert.Contains(t, d.texts(), u.paused)
			d.press(u.cont)
			d.requireAsks(u.summaryTitle)
			out := d.press(u.verdict)
			require.NotNil(t, out.Report)
		})
		t.Run(u.lang+"/nothing to cancel", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.cmd("cancel")
			assert.Contains(t, d.texts(), map[string]string{"en": "There is nothing to cancel.", "ru": "Отменять нечего."}[u.lang])
		})
	}
}

func TestForgetAsksForConfirmation(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(press(u.startCheck), typ("Acme"), press("Infrastructure"), press(u.done), press(u.yes))
			facts := factsJSON(t, d.s.Facts)

			out := d.cmd("forget")
			assert.False(t, out.Forget, "not before the confirmation")
			d.requireAsks(u.forgetConfirm)
			out = d.press(u.forgetNo)
			assert.False(t, out.Forget)
			assert.Contains(t, d.texts(), map[string]string{"en": "Nothing was deleted.", "ru": "Ничего не удалено."}[u.lang])
			d.requireAsks(u.planQ)
			assert.Equal(t, facts, factsJSON(t, d.s.Facts))

			d.cmd("forget")
			d.typ("maybe")
			d.requireAsks(u.forgetConfirm) // asked again, nothing decided
			out = d.press(u.forgetYes)
			assert.True(t, out.Forget)
			assert.Contains(t, d.texts(), u.forgetDone)
			assert.Empty(t, out.Session.Company)
			assert.Equal(t, Idle, out.Session.State)
			assert.Empty(t, out.Session.Answered)
			assert.Equal(t, `{}`, factsJSON(t, out.Session.Facts))
			assert.Equal(t, u.lang, out.Session.Lang, "the language stays, to say goodbye in it")
		})
		t.Run(u.lang+"/typed yes", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.cmd("forget")
			out := d.typ(u.yes)
			assert.True(t, out.Forget)
		})
	}
}

func TestFirstCheckAsksAboutReminders(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(infraScript(u, "Acme", "12 000 000", u.passed)...)
			d.press(u.verdict)
			assert.Contains(t, d.out.Messages[len(d.out.Messages)-1].Text, u.remindAsk)
			out := d.press(u.remindYes)
			assert.Equal(t, "on", out.Reminders)
			assert.Equal(t, map[string]string{"en": "Reminders turned on: I'll write before each window.", "ru": "Напоминания включены: напишу перед каждым окном."}[u.lang], out.Notice)

			// The second check does not ask again, and compares with the first.
			d.cmd("check")
			d.press(map[string]string{"en": "Keep: Acme", "ru": "Оставить: Acme"}[u.lang])
			d.play(recheckInfra(u, "11,5 млн")...)
			out = d.press(u.verdict)
			assert.NotContains(t, d.texts(), u.remindAsk)
			v := findVerdict(t, out.Messages).Text
			assert.Contains(t, v, u.changesTitle)
			assert.Contains(t, v, "Infrastructure: ✅ → ❌")
			assert.Contains(t, v, map[string]string{
				"en": "Infrastructure · Infrastructure consumption per year: ₽12M → ₽11.5M",
				"ru": "Infrastructure · Потребление сервисов Infrastructure в год: 12 млн ₽ → 11,5 млн ₽"}[u.lang])
			assert.Equal(t, 2, d.s.Checks)
		})
		t.Run(u.lang+"/declined", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(infraScript(u, "Acme", "12 000 000", u.passed)...)
			d.press(u.verdict)
			out := d.press(u.remindNo)
			assert.Equal(t, "off", out.Reminders)
			// A later check with the same answers: nothing changed, no question.
			d.cmd("check")
			d.press(map[string]string{"en": "Keep: Acme", "ru": "Оставить: Acme"}[u.lang])
			d.play(recheckInfra(u, "12 000 000")...)
			out = d.press(u.verdict)
			assert.Contains(t, findVerdict(t, out.Messages).Text, u.changesNone)
			assert.NotContains(t, d.texts(), u.remindAsk)
		})
	}
}

func TestReportCommand(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			out := d.cmd("report")
			assert.False(t, out.ShowReport)
			assert.Contains(t, d.texts(), u.reportNone)
			d.play(devopsScript(u, "1,5 млн")...)
			d.press(u.verdict)
			out = d.cmd("report")
			assert.True(t, out.ShowReport)
			assert.Contains(t, findVerdict(t, out.Messages).Text, "❌ <b>DevOps</b>")
		})
	}
}

// TestSessionRoundTripResumes stores a session mid-check, reads it back and
// goes on as if nothing happened, with the buttons of the message sent
// before.
func TestSessionRoundTripResumes(t *testing.T) {
	for _, u := range uis() {
		points := []struct {
			name   string
			script []act
			next   []act
			asks   string
		}{
			{"at a yes/no question", []act{press(u.startCheck), typ("Acme"), press("Infrastructure"), press(u.done), press(u.yes)},
				[]act{press(u.yes), typ("1"), typ("12 000 000"), press(u.passed)}, u.employeesQ},
			{"while ticking an employee's certificates", infraScript(u, "Acme", "12 000 000", u.passed)[:11],
				infraScript(u, "Acme", "12 000 000", u.passed)[11:], u.summaryTitle},
		}
		for _, p := range points {
			t.Run(u.lang+"/"+p.name, func(t *testing.T) {
				d := newDriver(t, u.lang)
				d.play(p.script...)
				enc, err := d.s.Encode()
				require.NoError(t, err)

				s, err := DecodeSession(eligibility.DefaultCatalog(), enc)
				require.NoError(t, err)
				assert.Equal(t, d.s.Key, s.Key)
				assert.Equal(t, d.s.Sub, s.Sub)
				assert.Equal(t, d.s.Seq, s.Seq)
				assert.Equal(t, d.s.State, s.State)
				assert.Equal(t, d.s.Specs, s.Specs)
				assert.Equal(t, d.s.Draft, s.Draft)
				assert.Equal(t, d.s.Company, s.Company)
				assert.Equal(t, d.s.Lang, s.Lang)
				assert.Equal(t, d.s.Answered, s.Answered)
				assert.Equal(t, factsJSON(t, d.s.Facts), factsJSON(t, s.Facts))

				// A new engine, the decoded session, the old message's buttons.
				r := &driver{t: t, e: testEngine(t), s: s, env: d.env, out: d.out}
				r.play(p.next...)
				r.requireAsks(p.asks)
				if p.asks == u.summaryTitle {
					out := r.press(u.verdict)
					require.NotNil(t, out.Report)
					res, _ := out.Report.Report.Result(specInfra)
					assert.Equal(t, eligibility.Eligible, res.Status)
				}
			})
		}
	}
}

func TestDecodeOutdatedSession(t *testing.T) {
	cases := []struct {
		name string
		data string
	}{
		{"another version", `{"v":2,"lang":"ru","company":"Acme","state":"check","key":"f:business_plan","seq":7,"checks":1,"facts":{"partner_agreement":true}}`},
		{"no version", `{"lang":"ru","company":"Acme","state":"check","key":"f:business_plan","seq":7,"checks":1}`},
		{"a fact the catalogue no longer has", `{"v":1,"lang":"ru","company":"Acme","state":"check","key":"f:business_plan","seq":7,"checks":1,"facts":{"old_fact":true}}`},
		{"a specialization the catalogue no longer has", `{"v":1,"lang":"ru","company":"Acme","state":"check","key":"f:business_plan","seq":7,"checks":1,"specs":["quantum"]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := DecodeSession(eligibility.DefaultCatalog(), []byte(tc.data))
			require.ErrorIs(t, err, ErrSessionOutdated)
			assert.Equal(t, "ru", s.Lang)
			assert.Equal(t, "Acme", s.Company)
			assert.Equal(t, 1, s.Checks)
			assert.Equal(t, SessionVersion, s.Version)
			assert.Equal(t, Idle, s.State)
			assert.Empty(t, s.Key)
			assert.Empty(t, s.Specs)
			assert.Greater(t, s.Seq, 7, "buttons of the old session stay stale")
			assert.Equal(t, `{}`, factsJSON(t, s.Facts))

			out := testEngine(t).Resumed(s)
			require.Len(t, out.Messages, 1)
			assert.Contains(t, out.Messages[0].Text, "Условия программы обновились")
		})
	}
	t.Run("nothing in progress starts afresh, with nothing to apologise for", func(t *testing.T) {
		for _, data := range []string{
			`{"v":1,"lang":"ru","company":"Acme","seq":7,"checks":1,"specs":["quantum"],"facts":{"old_fact":true}}`,
			`{"v":2,"lang":"ru","company":"Acme","seq":7,"checks":1}`,
		} {
			s, err := DecodeSession(eligibility.DefaultCatalog(), []byte(data))
			require.NoError(t, err, data)
			assert.Equal(t, "Acme", s.Company)
			assert.Equal(t, SessionVersion, s.Version)
			assert.Empty(t, s.Specs)
			assert.Greater(t, s.Seq, 7)
		}
		_, err := DecodeSession(eligibility.DefaultCatalog(), []byte(`{"v":1,"lang":"ru","state":"contact","resume":"check","seq":7,"specs":["quantum"]}`))
		assert.ErrorIs(t, err, ErrSessionOutdated, "a check paused by /manager is in progress")
	})
	t.Run("not JSON is an error, not outdated", func(t *testing.T) {
		_, err := DecodeSession(eligibility.DefaultCatalog(), []byte("{"))
		require.Error(t, err)
		assert.NotErrorIs(t, err, ErrSessionOutdated)
	})
}

// TestBackFromAddAnotherEmployee: after "Add another" the bot asks for a
// name with Back and Done; Back returns to the employees, not to the
// question before them.
func TestBackFromAddAnotherEmployee(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(infraScript(u, "Acme", "12 000 000", u.passed)[:14]...) // Anna added, Add another pressed
			d.requireAsks(map[string]string{"en": "Send the name of one employee", "ru": "Пришлите имя сотрудника"}[u.lang])
			d.press(u.back)
			assert.Equal(t, stepEmployees, d.s.Key, "Back stays with the employees")
			d.requireAsks(map[string]string{"en": "Anna (Cloud service engineer, Cloud infrastructure protection)",
				"ru": "Anna (Инженер облачных сервисов, Защита облачной инфраструктуры)"}[u.lang])
			assert.Len(t, d.s.Facts.Employees, 1)
		})
	}
}

// TestLargeTeamFitsTelegramTextLimit: a big integrator lists as many
// certified employees as the bot accepts (maxEmployees), four certificates
// each. The Telegram adapter splits a long message at line ends, so every
// line must fit Telegram's 4096 UTF-16 units, or the message is cut inside
// its markup and refused: the partner would never see the summary.
func TestLargeTeamFitsTelegramTextLimit(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(press(u.startCheck), typ("Acme"), press("Infrastructure"), press("DevOps"), press(u.done))
			for d.s.Key != stepEmployees {
				d.press(u.unknown)
			}
			for i := range maxEmployees {
				d.typ(fmt.Sprintf("Konstantin Konstantinopolsky %02d", i+1))
				d.play(press(u.cse), press(u.protect), press(u.gitops), press(u.devsecops), press(u.done))
				if i < maxEmployees-1 {
					d.press(u.another)
				}
			}
			d.press(u.done)
			d.requireAsks(u.summaryTitle)
			require.Len(t, d.s.Facts.Employees, maxEmployees)
			d.press(u.verdict)
			for _, m := range d.all {
				for _, line := range strings.Split(m.Text, "\n") {
					if !assert.LessOrEqual(t, utf16Len(line), 4096, "a line of %d UTF-16 units:\n%.200s…", utf16Len(line), line) {
						return
					}
				}
			}
		})
	}
}

// utf16Len counts text the way Telegram does, in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
