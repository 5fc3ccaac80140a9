package dialogs

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// counter plays a conversation and counts the partner's inputs: every
// button pressed, text typed and command sent is one.
type counter struct {
	*driver
	n int
}

func (c *counter) press(label string) { c.t.Helper(); c.n++; c.driver.press(label) }
func (c *counter) typ(text string)    { c.t.Helper(); c.n++; c.driver.typ(text) }

// Input targets of a check of every specialization, for a partner with two
// certified employees.
const (
	maxInputsFirstCheck = 30
	maxInputsRecheck    = 12
)

// TestAllFiveSpecializationsInFewInputs plays, as a partner would, a first
// check of all five specializations from /start to the verdict, then a
// re-check that changes one amount, and fails above the targets.
func TestAllFiveSpecializationsInFewInputs(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			c := &counter{driver: newDriver(t, u.lang), n: 1} // /start
			c.press(u.startCheck)
			c.typ("Acme")
			c.press(u.all)
			c.press(u.yes) // partner agreement
			c.press(u.yes) // business plan
			for _, spec := range []string{"Infrastructure", "DevOps", "Data Platform", "ML & AI", "Security Compliance"} {
				c.requireAsks(esc(spec))
				c.typ("2") // verified solutions
				switch spec {
				case "ML & AI":
					c.press("1") // Brand Voice Premium: the other alternatives are not asked
				case "Security Compliance":
					c.typ("3") // projects per year
					c.press(u.passed)
				default:
					c.typ("12 млн")
					c.press(u.passed)
				}
			}
			c.requireAsks(u.employeesQ)
			c.typ(map[string]string{"en": "Anna: CSE, infrastructure protection, compliance", "ru": "Анна: ИОС, защита инфраструктуры, комплаенс"}[u.lang])
			c.typ(map[string]string{"en": "Oleg: cloud service engineer, GitOps, DevSecOps", "ru": "Олег: инженер облачных сервисов, GitOps, DevSecOps"}[u.lang])
			c.press(u.done)
			c.requireAsks(u.summaryTitle)
			out := c.driver.send(Input{Button: c.find(u.verdict).Data})
			c.n++
			require.NotNil(t, out.Report)
			for _, spec := range []string{"infrastructure", "devops", "ml_ai", "security_compliance"} {
				res, _ := out.Report.Report.Result(spec)
				assert.Equal(t, eligibility.Eligible, res.Status, spec)
			}
			t.Logf("%s: first check of all five specializations: %d inputs", u.lang, c.n)
			assert.LessOrEqual(t, c.n, maxInputsFirstCheck, "inputs from /start to the verdict")
			first := c.n

			// A re-check changing one amount, from the verdict's Check again.
			c.n = 0
			c.press(u.checkAgain)
			c.press(u.keepAll)
			c.requireAsks(u.summaryTitle)
			c.typ(summaryLine(t, c.question().Text, "· DevOps", map[string]string{"en": "consumption", "ru": "потребление"}[u.lang]))
			assert.Contains(t, keepLabel(c.question()), "12", "the amount is one tap to keep")
			c.typ("1,5 млн")
			c.requireAsks(u.summaryTitle)
			out = c.driver.send(Input{Button: c.find(u.verdict).Data})
			c.n++
			require.NotNil(t, out.Report)
			res, _ := out.Report.Report.Result("devops")
			assert.Equal(t, eligibility.NotEligible, res.Status)
			assert.Equal(t, int64(1_500_000), out.Report.Facts.Numbers[ref(factConsume, specDevOps)])
			assert.Len(t, out.Report.Facts.Employees, 2, "the employees come back")
			t.Logf("%s: re-check changing one amount: %d inputs", u.lang, c.n)
			assert.LessOrEqual(t, c.n, maxInputsRecheck, "inputs of a re-check changing one amount")
			_ = first
		})
	}
}

// keepLabel is the label of a question's Keep button, or "".
func keepLabel(m Message) string {
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Label, "Keep: ") || strings.HasPrefix(b.Label, "Оставить: ") {
				return b.Label
			}
		}
	}
	return ""
}

// summaryLine returns the number of the summary line holding every want,
// as the partner would type it.
func summaryLine(t *testing.T, summary string, want ...string) string {
	t.Helper()
	for _, line := range strings.Split(summary, "\n") {
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(strings.ToLower(line), strings.ToLower(w))
		}
		n, _, numbered := strings.Cut(line, ".")
		if _, err := strconv.Atoi(n); ok && numbered && err == nil {
			return n // a numbered line of the summary, not an answer's trace on top
		}
	}
	t.Fatalf("no line with %q in\n%s", want, summary)
	return ""
}

var _ = fmt.Sprintf

// asked collects the question texts a script made the bot ask.
func (d *driver) askedAll() string {
	var b strings.Builder
	for _, m := range d.all {
		if m.Question {
			b.WriteString(m.Text + "\n")
		}
	}
	return b.String()
}

// TestSkipRulesInTheDialog plays the examples of each skip rule on the
// default catalogue: a met alternative, a zero gating count, and the gate
// after a failed condition every specialization needs.
func TestSkipRulesInTheDialog(t *testing.T) {
	const (
		selfService = "Brand Voice Self Service"
		callCenter  = "Brand Voice Call Center"
		perMonth    = "Brand Voice Call Center" // the amount's question names it too
	)
	mlStart := func(u ui) []act {
		return []act{press(u.startCheck), typ("Acme"), press("ML & AI"), press(u.done), press(u.yes), press(u.yes), typ("1")}
	}
	for _, u := range uis() {
		monthQ := map[string]string{"en": "consume per month", "ru": "в месяц потребляют"}[u.lang]
		t.Run(u.lang+"/premium met: no other alternative is asked", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(mlStart(u)...)
			d.requireAsks("Brand Voice Premium")
			d.press("1")
			d.requireAsks(u.summaryTitle)
			assert.NotContains(t, d.askedAll(), selfService)
			assert.NotContains(t, d.askedAll(), callCenter)
			assert.NotContains(t, d.question().Text, selfService, "the summary lists only what was asked")
		})
		t.Run(u.lang+"/no call-center project: its amount is not asked", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(append(mlStart(u), press("0"), press("0"))...)
			d.requireAsks(callCenter)
			d.press("0")
			d.requireAsks(u.summaryTitle)
			assert.NotContains(t, d.askedAll(), monthQ)
		})
		t.Run(u.lang+"/a call-center project: its amount is asked", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(append(mlStart(u), press("0"), press("0"), press("1"))...)
			d.requireAsks(monthQ)
		})
		t.Run(u.lang+"/back to premium and changed: the alternatives come back", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(append(mlStart(u), press("1"))...)
			d.requireAsks(u.summaryTitle)
			d.typ(summaryLine(t, d.question().Text, "Premium"))
			d.requireAsks("Brand Voice Premium")
			d.press("0")
			d.requireAsks(selfService)
		})
		t.Run(u.lang+"/no partner agreement: the note, and answering goes on", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(press(u.startCheck), typ("Acme"), press(u.all), press(u.no))
			d.requireAsks(u.goOnQ)
			d.requireAsks(map[string]string{"en": "Partner agreement signed", "ru": "Заключено партнёрское соглашение"}[u.lang])
			d.requireAsks(u.planQ)
			d.find(u.stop)
			assert.False(t, d.s.Facts.Bools[ref(factPartner)])
			out := d.typ(map[string]string{"en": "what?", "ru": "что?"}[u.lang])
			assert.Contains(t, out.Messages[0].Text, u.yesNoHint)
			d.requireAsks(u.goOnQ) // still there after a hint
			d.press(u.no)
			assert.NotContains(t, d.question().Text, u.goOnQ, "told once a check")
			_, ok := findButton(d.out.Messages, u.stop)
			assert.False(t, ok)
		})
		for _, stop := range []act{press(u.stop), typ(map[string]string{"en": "stop", "ru": "стоп"}[u.lang])} {
			t.Run(u.lang+"/no business plan, then stop"+stop.typ, func(t *testing.T) {
				d := newDriver(t, u.lang)
				d.play(press(u.startCheck), typ("Acme"), press(u.all), press(u.yes), press(u.no))
				d.requireAsks(map[string]string{"en": "Approved business plan", "ru": "Есть защищённый бизнес-план"}[u.lang])
				d.play(stop)
				d.requireAsks(u.summaryTitle)
				out := d.press(u.verdict)
				require.NotNil(t, out.Report)
			})
		}
	}
}

// TestTieredSkipRules: the same rules on the tiered edition, with no line
// of code about it: a count_keys key that can no longer tip the count is
// not asked, the gate works, and a track already met skips the other
// track's amount.
func TestTieredSkipRules(t *testing.T) {
	for _, u := range tieredUIs() {
		t.Run(u.lang+"/the gate", func(t *testing.T) {
			d := newTieredDriver(t, u.lang)
			d.play(tPress(u.startCheck), tType("Acme"), tPress("ML & AI"), tPress(u.done))
			d.requireAsks(u.agreementQ)
			d.typ(map[string]string{"en": "no", "ru": "нет"}[u.lang])
			d.requireAsks(map[string]string{"en": "Every specialization needs this", "ru": "Это нужно для любой специализации"}[u.lang])
		})
		t.Run(u.lang+"/two services above the threshold: the others are not asked", func(t *testing.T) {
			d := newTieredDriver(t, u.lang)
			d.play(tPress(u.startCheck), tType("Acme"), tPress("ML & AI"), tPress(u.done), tPress(u.yes), tPress(u.yes), tPress("1"), tType("6 000 000"))
			d.requireAsks(fmt.Sprintf(u.serviceQ, "Yandex AI Studio"))
			d.typ("600 000")
			d.requireAsks(fmt.Sprintf(u.serviceQ, "SpeechKit"))
			d.typ("600 000")
			d.requireAsks("Yandex Cloud") // the interview: SpeechSense, Vision, Translate, DataSphere skipped
			assert.NotContains(t, d.question().Text, "SpeechSense")
		})
		t.Run(u.lang+"/a track met: the other track's amount is not asked", func(t *testing.T) {
			d := newTieredDriver(t, u.lang)
			c := d.e.Catalog
			f := eligibility.NewFacts()
			f.Numbers[eligibility.Ref{Fact: "consumption_rub_year", Key: "infrastructure"}] = 25_000_000
			f.EmployeesKnown = true
			f.Employees = []eligibility.Employee{
				{Name: "Anna", Certs: []string{"cloud_service_engineer", "certified_engineer_associate"}},
				{Name: "Oleg", Certs: []string{"cloud_service_engineer", "certified_engineer_associate"}},
			}
			d.env.Previous = &Past{Facts: f, Report: eligibility.Evaluate(c, f, tieredNow(t)), Specs: []string{"infrastructure_devops"}}
			d.play(tPress(u.startCheck), tPress(map[string]string{"en": "⏩ Keep all my previous answers", "ru": "⏩ Оставить все прежние ответы"}[u.lang]))
			d.requireAsks(u.agreementQ)
			d.play(tPress(u.yes), tPress(u.yes), tPress("1"))
			d.requireAsks("Yandex Cloud") // the interview: the DevOps amount is skipped
			assert.NotContains(t, d.question().Text, "DevOps services")
		})
	}
}

// TestEveryStartPathKeepsTheAnswers: a check in progress or paused is never
// erased by a way of starting one (the welcome's button, a stale button's
// reply, a reminder, Check again, /check): each offers Continue or Start
// over, and Start over brings every earlier answer back, one tap to keep.
func TestEveryStartPathKeepsTheAnswers(t *testing.T) {
	type path struct {
		name string
		data func(d *driver, u ui, welcome, verdict []Message) string // "" sends /check
	}
	paths := []path{
		{"welcome", func(d *driver, u ui, welcome, _ []Message) string {
			b, ok := findButton(welcome, u.startCheck)
			require.True(d.t, ok)
			return b.Data
		}},
		{"stale button reply", func(d *driver, u ui, _, _ []Message) string {
			out := d.send(Input{Button: "1:y"})
			b, ok := findButton(out.Messages, u.startCheck)
			if !ok { // a check in progress: the question is asked again
				b, ok = findButton(d.all[:1], u.startCheck)
			}
			require.True(d.t, ok)
			return b.Data
		}},
		{"reminder", func(d *driver, u ui, _, _ []Message) string {
			m, _, ok := d.e.Reminder(ReminderInput{Lang: u.lang, Opens: testNow(d.t).AddDate(0, 0, 7), DaysBefore: 7, Past: d.env.Previous, InProgress: InProgress(d.s)})
			require.True(d.t, ok)
			for _, row := range m.Buttons {
				for _, b := range row {
					if b.Data == cbCheck {
						return b.Data
					}
				}
			}
			d.t.Fatalf("no check button in the reminder:\n%s", dump([]Message{m}))
			return ""
		}},
		{"check again", func(d *driver, u ui, _, verdict []Message) string {
			b, ok := findButton(verdict, u.checkAgain)
			require.True(d.t, ok)
			return b.Data
		}},
		{"/check", func(*driver, ui, []Message, []Message) string { return "" }},
	}
	for _, u := range uis() {
		for _, p := range paths {
			for _, paused := range []bool{false, true} {
				name := u.lang + "/" + p.name + map[bool]string{false: "/in progress", true: "/paused"}[paused]
				t.Run(name, func(t *testing.T) {
					d := newDriver(t, u.lang)
					welcome := d.out.Messages
					d.play(infraScript(u, "Acme", "12 000 000", u.passed)...)
					verdict := d.press(u.verdict).Messages
					// A second check under way: one answer changed.
					d.play(press(u.checkAgain), press(u.keepAll))
					d.typ(summaryLine(t, d.question().Text, "Infrastructure", map[string]string{"en": "consumption", "ru": "потребление"}[u.lang]))
					d.typ("13 млн")
					if paused {
						d.cmd("cancel")
						require.Equal(t, Idle, d.s.State)
					}
					facts := factsJSON(t, d.s.Facts)

					if data := p.data(d, u, welcome, verdict); data != "" {
						d.send(Input{Button: data})
					} else {
						d.cmd("check")
					}
					require.Contains(t, d.texts(), map[string]string{"en": "You have a check in progress", "ru": "У вас есть незаконченная проверка"}[u.lang])
					assert.Equal(t, facts, factsJSON(t, d.s.Facts), "offering erases nothing")
					d.find(u.cont)

					d.press(u.restart)
					d.requireAsks(u.companyQ)
					d.press(map[string]string{"en": "Keep: Acme", "ru": "Оставить: Acme"}[u.lang])
					d.requireAsks(u.specsQ)
					d.press(map[string]string{"en": "Keep: Infrastructure", "ru": "Оставить: Infrastructure"}[u.lang])
					for _, want := range []string{u.yes, u.yes, "1", "13", u.passed} {
						label := keepLabel(d.question())
						require.Contains(t, label, want, "each earlier answer is one tap to keep:\n%s", dump(d.out.Messages))
						d.press(label)
					}
					d.requireAsks(u.employeesQ)
					assert.Contains(t, d.question().Text, "Anna ("+u.cse+", "+u.protect+")", "the employees come back with their certificates")
					d.press(u.done)
					d.requireAsks(u.summaryTitle)
					out := d.press(u.verdict)
					require.NotNil(t, out.Report)
					assert.Equal(t, int64(13_000_000), out.Report.Facts.Numbers[ref(factConsume, specInfra)])
					assert.Len(t, out.Report.Facts.Employees, 2)
				})
			}
		}
	}
}

// TestTypedButtonForms: the words of a button typed instead of pressed do
// what the button does, wherever it is offered.
func TestTypedButtonForms(t *testing.T) {
	toPlan := func(u ui) []act {
		return []act{press(u.startCheck), typ("Acme"), press("Infrastructure"), press(u.done), press(u.yes)}
	}
	toMoney := func(u ui) []act { return append(toPlan(u), press(u.yes), typ("1")) }
	toEmployees := func(u ui) []act { return append(toMoney(u), typ("12 млн"), press(u.passed)) }
	cases := []struct {
		name   string
		before func(u ui) []act
		typed  []string
		check  func(t *testing.T, d *driver, u ui)
	}{
		{"I don't know on an amount", toMoney, []string{"I don't know", "idk", "не знаю", "не уверен", "Не знаю.", "skip", "пропустить"},
			func(t *testing.T, d *driver, u ui) {
				d.requireAsks(map[string]string{"en": "interview", "ru": "собеседованием"}[u.lang])
				assert.False(t, d.s.Facts.Known(ref(factConsume, specInfra)))
				assert.True(t, d.s.Answered["f:"+factConsume+"."+specInfra])
			}},
		{"I don't know on yes or no", toPlan, []string{"I dont know", "IDK", "Не знаю"},
			func(t *testing.T, d *driver, u ui) {
				assert.False(t, d.s.Facts.Known(ref(factPlan)))
				d.requireAsks(map[string]string{"en": "verified solutions", "ru": "подтверждённых решений"}[u.lang])
			}},
		{"skip the company", func(u ui) []act { return []act{press(u.startCheck)} }, []string{"skip", "Пропустить"},
			func(t *testing.T, d *driver, u ui) { d.requireAsks(u.specsQ); assert.Empty(t, d.s.Company) }},
		{"not sure of the specializations", func(u ui) []act { return []act{press(u.startCheck), typ("Acme")} }, []string{"not sure", "не уверен"},
			func(t *testing.T, d *driver, u ui) { assert.Len(t, d.s.Specs, 5) }},
		{"back", toPlan, []string{"back", "назад", "Назад"},
			func(t *testing.T, d *driver, u ui) { d.requireAsks(u.agreementQ) }},
		{"back from the employees", toEmployees, []string{"back", "назад"},
			func(t *testing.T, d *driver, u ui) {
				d.requireAsks(map[string]string{"en": "interview", "ru": "собеседованием"}[u.lang])
				assert.Empty(t, d.s.Facts.Employees, "no employee named Back")
			}},
		{"I don't know the employees", toEmployees, []string{"I don't know", "не знаю"},
			func(t *testing.T, d *driver, u ui) {
				d.requireAsks(u.summaryTitle)
				assert.False(t, d.s.Facts.EmployeesKnown)
			}},
		{"keep an earlier answer", func(u ui) []act { return append(toPlan(u), press(u.back)) }, []string{"keep", "оставить"},
			func(t *testing.T, d *driver, u ui) {
				d.requireAsks(u.planQ)
				assert.True(t, d.s.Facts.Bools[ref(factPartner)])
			}},
		{"cancel", toPlan, []string{"cancel", "отмена"},
			func(t *testing.T, d *driver, u ui) {
				assert.Equal(t, Idle, d.s.State)
				assert.Contains(t, d.texts(), u.paused)
			}},
	}
	for _, tc := range cases {
		for _, u := range uis() {
			for _, typed := range tc.typed {
				t.Run(u.lang+"/"+tc.name+"/"+typed, func(t *testing.T) {
					d := newDriver(t, u.lang)
					d.play(tc.before(u)...)
					d.typ(typed)
					tc.check(t, d, u)
				})
			}
		}
	}

	// The summary takes the number typed, as its ✏️ button.
	for _, u := range uis() {
		t.Run(u.lang+"/summary number", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(infraScript(u, "Acme", "12 000 000", u.passed)...)
			d.requireAsks(u.summaryTitle)
			d.typ("4")
			d.requireAsks(u.planQ)
			d.press(u.no)
			d.requireAsks(u.summaryTitle)
			out := d.typ("99")
			assert.Contains(t, out.Messages[0].Text, map[string]string{"en": "Please use the buttons", "ru": "кнопками"}[u.lang])
			d.typ(map[string]string{"en": "verdict", "ru": "вердикт"}[u.lang])
			require.NotNil(t, d.out.Report)
		})
	}
}

// TestOneLineEmployees: a name and certificates in one message, names and
// short forms in both languages; a name already listed opens that person;
// a certificate that matches nothing is answered with the valid names.
func TestOneLineEmployees(t *testing.T) {
	toEmployees := func(u ui) []act {
		return []act{press(u.startCheck), typ("Acme"), press("Infrastructure"), press("DevOps"), press(u.done),
			press(u.yes), press(u.yes), typ("1"), typ("12 млн"), press(u.passed), typ("1"), typ("3 млн"), press(u.passed)}
	}
	lines := []struct {
		line  string
		name  string
		certs []string
	}{
		{"Anna: cloud service engineer, infrastructure protection", "Anna", []string{certCSE, certProtect}},
		{"Анна: CSE, защита инфраструктуры", "Анна", []string{certCSE, certProtect}},
		{"Анна: ИОС и защита облачной инфраструктуры", "Анна", []string{certCSE, certProtect}},
		{"Oleg: Инженер облачных сервисов; GitOps; DevSecOps", "Oleg", []string{certCSE, "gitops_deployment", "devsecops_cicd"}},
		{"Boris: cloud_service_engineer + gitops_deployment", "Boris", []string{certCSE, "gitops_deployment"}},
		{"Vera: none", "Vera", []string{}},
		{"Вера: нет", "Вера", []string{}},
	}
	for _, u := range uis() {
		for _, tc := range lines {
			t.Run(u.lang+"/"+tc.line, func(t *testing.T) {
				d := newDriver(t, u.lang)
				d.play(toEmployees(u)...)
				d.requireAsks(u.employeesQ)
				d.typ(tc.line)
				require.Len(t, d.s.Facts.Employees, 1, dump(d.out.Messages))
				assert.Equal(t, tc.name, d.s.Facts.Employees[0].Name)
				assert.ElementsMatch(t, tc.certs, d.s.Facts.Employees[0].Certs)
				d.find(u.another) // and on to the next
			})
		}
		t.Run(u.lang+"/a certificate that matches nothing", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(toEmployees(u)...)
			out := d.typ("Anna: CSE, kubernetes")
			assert.Contains(t, out.Messages[0].Text, map[string]string{"en": "I don't know the certificate «kubernetes»", "ru": "Не знаю сертификата «kubernetes»"}[u.lang])
			for _, name := range []string{u.cse, u.protect, u.gitops, u.devsecops} {
				assert.Contains(t, out.Messages[0].Text, name, "the valid names are listed")
			}
			assert.Empty(t, d.s.Facts.Employees, "nothing recorded")
			d.requireAsks(u.employeesQ)
		})
		t.Run(u.lang+"/an ambiguous word matches nothing", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(toEmployees(u)...)
			out := d.typ("Anna: cloud")
			assert.Contains(t, out.Messages[0].Text, "«cloud»")
			assert.Empty(t, d.s.Facts.Employees)
		})
		t.Run(u.lang+"/a listed name opens that employee", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(toEmployees(u)...)
			d.typ("Anna: CSE")
			d.press(u.another)
			d.typ("  anna ")
			_, ticked := findButton(d.out.Messages, "✅ "+u.cse)
			require.True(t, ticked, "her certificates are ticked:\n%s", dump(d.out.Messages))
			d.press(u.protect)
			d.press(u.done)
			require.Len(t, d.s.Facts.Employees, 1, "never a second person with the same name")
			assert.Equal(t, []string{certCSE, certProtect}, d.s.Facts.Employees[0].Certs)
			d.typ("ANNA: gitops")
			require.Len(t, d.s.Facts.Employees, 1)
			assert.Equal(t, []string{"gitops_deployment"}, d.s.Facts.Employees[0].Certs)
			assert.Equal(t, "Anna", d.s.Facts.Employees[0].Name)
		})
		t.Run(u.lang+"/certificates typed while ticking", func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(toEmployees(u)...)
			d.typ("Anna")
			d.typ(map[string]string{"en": "CSE, DevSecOps", "ru": "ИОС, DevSecOps"}[u.lang])
			require.Len(t, d.s.Facts.Employees, 1)
			assert.Equal(t, []string{certCSE, "devsecops_cicd"}, d.s.Facts.Employees[0].Certs)
		})
	}
}

// TestStepCounterNeverGoesBack: through a whole check of every
// specialization, each question's step number is above the one before;
// before the specializations are chosen no total is promised.
func TestStepCounterNeverGoesBack(t *testing.T) {
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.press(u.startCheck)
			assert.True(t, strings.HasPrefix(d.question().Text, "<b>"+fmt.Sprintf(u.stepOpen, 1)+"</b>\n"), d.question().Text)
			d.typ("Acme")
			assert.True(t, strings.HasPrefix(d.question().Text, "<b>"+fmt.Sprintf(u.stepOpen, 2)+"</b>\n"), d.question().Text)
			d.press(u.all)
			last, total := 2, 0
			for i := 0; d.s.State == Checking && i < 40; i++ {
				var step, of int
				_, err := fmt.Sscanf(strings.TrimPrefix(asked(d.question().Text), "<b>"), u.stepOf, &step, &of)
				require.NoError(t, err, d.question().Text)
				assert.Equal(t, last+1, step, "the step after step %d", last)
				if total > 0 {
					assert.LessOrEqual(t, of, total, "the total never grows")
				}
				last, total = step, of
				q := d.question()
				switch {
				case strings.Contains(q.Text, "Brand Voice Premium"):
					d.press("0")
				case strings.Contains(q.Text, "Brand Voice Self Service"):
					d.press("1") // met: the call-center questions go
				default:
					d.press(u.unknown)
				}
			}
			assert.Equal(t, last, total, "the last step is the total")
			d.requireAsks(u.summaryTitle)
		})
	}
}

// TestSessionFromBeforeTheSkipRulesResumes: a session stored by the
// previous version, standing at a question the skip rules now leave out,
// decodes and goes on at the next question still needed.
func TestSessionFromBeforeTheSkipRulesResumes(t *testing.T) {
	data := `{"v":1,"lang":"en","company":"Acme","state":"check","key":"f:brand_voice_projects.self_service","specs":["ml_ai"],` +
		`"answered":{"company":true,"specs":true,"f:partner_agreement":true,"f:business_plan":true,"f:verified_solutions.ml_ai":true,"f:brand_voice_projects.premium":true},"seq":9,` +
		`"facts":{"partner_agreement":true,"business_plan":true,"verified_solutions":{"ml_ai":1},"brand_voice_projects":{"premium":2}}}`
	e := testEngine(t)
	s, err := DecodeSession(e.Catalog, []byte(data))
	require.NoError(t, err)
	out := e.Handle(s, Input{Command: "start"}, Env{})
	assert.Contains(t, out.Messages[len(out.Messages)-1].Text, uiEN.summaryTitle, dump(out.Messages))
}
