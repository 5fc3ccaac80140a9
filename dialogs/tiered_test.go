package dialogs

// Conversations on the tiered edition (eligibility/catalogs/tiered.yaml):
// the same engine, a catalogue with two levels per specialization, a
// merged Infrastructure & DevOps with two tracks and per-service ML & AI
// amounts. Nothing here is specific to the default catalogue.

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

const tieredCatalogFile = "../eligibility/catalogs/tiered.yaml"

func tieredCatalog(t testing.TB) *eligibility.Catalog {
	t.Helper()
	c, err := eligibility.LoadCatalog(tieredCatalogFile)
	require.NoError(t, err)
	return c
}

// tieredNow is the fixed clock: 25 November 2026 in Moscow, outside any
// window; the April 2027 window opens in 127 days.
func tieredNow(t testing.TB) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	return time.Date(2026, time.November, 25, 12, 0, 0, 0, loc)
}

// tieredDriver plays a conversation through Engine.Handle the way the bot
// does: it keeps the session between inputs and presses buttons by label.
type tieredDriver struct {
	t   testing.TB
	e   *Engine
	s   Session
	env Env
	out Outcome // of the latest input
}

// newTieredDriver opens a chat on the tiered catalogue with a partner whose
// Telegram language is lang and who sent /start.
func newTieredDriver(t testing.TB, lang string) *tieredDriver {
	t.Helper()
	now := tieredNow(t)
	d := &tieredDriver{t: t, e: &Engine{Catalog: tieredCatalog(t), Now: func() time.Time { return now }}, env: Env{NewPartner: true}}
	d.send(Input{Command: "start", LangCode: lang})
	d.env.NewPartner = false
	require.Equal(t, lang, d.s.Lang)
	return d
}

func (d *tieredDriver) send(in Input) {
	d.t.Helper()
	out := d.e.Handle(d.s, in, d.env)
	for _, m := range out.Messages {
		require.NotEmpty(d.t, m.Text, "a message without text after %+v", in)
		require.NotContains(d.t, m.Text, "<no value>", "unfilled template after %+v", in)
		for _, row := range m.Buttons {
			for _, b := range row {
				require.LessOrEqual(d.t, len(b.Data), MaxCallbackData, "button %q", b.Label)
			}
		}
	}
	d.out, d.s = out, out.Session
	if out.Report != nil {
		d.env.Previous = &Past{Facts: out.Report.Facts, Report: out.Report.Report, Specs: out.Report.Specs, At: tieredNow(d.t)}
	}
}

func (d *tieredDriver) typ(text string) {
	d.t.Helper()
	d.send(Input{Text: text})
}

// press presses the button labelled label in the latest reply, looking at
// the last message first; a toggle's "▫️ "/"✅ " mark is ignored.
func (d *tieredDriver) press(label string) {
	d.t.Helper()
	msgs := d.out.Messages
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Label == label || tieredUnmark(b.Label) == label {
					d.send(Input{Button: b.Data})
					return
				}
			}
		}
	}
	d.t.Fatalf("no button %q in the last reply:\n%s", label, d.texts())
}

func tieredUnmark(label string) string {
	return strings.TrimPrefix(strings.TrimPrefix(label, "▫️ "), "✅ ")
}

// tieredAct is a button to press or, with typed set, a text to type.
type tieredAct struct {
	text  string
	typed bool
}

func tPress(label string) tieredAct { return tieredAct{text: label} }
func tType(text string) tieredAct   { return tieredAct{text: text, typed: true} }

func (d *tieredDriver) play(acts ...tieredAct) {
	d.t.Helper()
	for _, a := range acts {
		if a.typed {
			d.typ(a.text)
		} else {
			d.press(a.text)
		}
	}
}

func (d *tieredDriver) texts() string {
	var b strings.Builder
	for _, m := range d.out.Messages {
		b.WriteString(m.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// question is the message of the latest reply that asks the current question.
func (d *tieredDriver) question() Message {
	d.t.Helper()
	for i := len(d.out.Messages) - 1; i >= 0; i-- {
		if d.out.Messages[i].Question {
			return d.out.Messages[i]
		}
	}
	d.t.Fatalf("the last reply asks no question:\n%s", d.texts())
	return Message{}
}

func (d *tieredDriver) requireAsks(want string) {
	d.t.Helper()
	require.Contains(d.t, d.question().Text, want, "the current question")
}

// certButtons lists the certificate buttons of the current question.
func (d *tieredDriver) certButtons() []string {
	var out []string
	for _, row := range d.question().Buttons {
		for _, b := range row {
			if tieredUnmark(b.Label) != b.Label {
				out = append(out, tieredUnmark(b.Label))
			}
		}
	}
	return out
}

func tRef(fact string, key ...string) eligibility.Ref {
	r := eligibility.Ref{Fact: fact}
	if len(key) > 0 {
		r.Key = key[0]
	}
	return r
}

// tieredUI is what a partner reads of the tiered catalogue, per language.
type tieredUI struct {
	lang                                 string
	yes, unknown, done, another, verdict string // buttons
	startCheck, scheduled                string
	companyQ, specsQ, agreementQ, planQ  string // questions
	employeesQ, summaryTitle             string
	notYet                               string   // a value of the interview
	kubernetes, mlSol, aiAgents          string   // certificate buttons
	infraQ, devopsQ, mlTotalQ            string   // questions
	serviceQ                             string   // the per-service question, with %s for the service
	verdictLines                         []string // lines of the verdict
	summarySpeechKit                     string   // a line of the summary
	devopsAmount, mlTotal                string   // typed amounts
	aiStudio, speechKit, vision          string
	welcome                              string
	stepsAll, stepsML                    string // progress lines
	introducedCerts, mlOnlyCerts         []string
}

var tieredEN = tieredUI{
	lang: "en",
	yes:  "Yes", unknown: "🤷 I don't know", done: "✔️ Done", another: "➕ Add another",
	verdict: "✅ Show the verdict", startCheck: "✅ Start the check", scheduled: "Scheduled",
	companyQ:     "What is your company's name?",
	specsQ:       "Which specializations shall I check?",
	agreementQ:   "Do you have a signed partner agreement with Yandex Cloud?",
	planQ:        "Do you have an approved business plan?",
	employeesQ:   "Tell me about your employees who completed Yandex Cloud training or hold Yandex Cloud certifications.",
	summaryTitle: "Your answers",
	notYet:       "Not yet",
	kubernetes:   "Managed Service for Kubernetes®", mlSol: "ML services: key solutions", aiAgents: "Building AI agents in Yandex Cloud",
	infraQ:   "How much do you consume per year of Infrastructure services across your subaccounts and registered projects",
	devopsQ:  "How much do you consume per year of DevOps services across your subaccounts and registered projects",
	mlTotalQ: "How much do you consume per year of ML &amp; AI services in total, on your partner account and subaccounts",
	serviceQ: "How much do you consume per year of %s, on your partner account and subaccounts, in rubles excluding VAT?",
	verdictLines: []string{
		"✅ <b>Infrastructure &amp; DevOps</b> — Expert reached; for Professional:",
		"• The Infrastructure or the DevOps track: one of these is needed:",
		"Infrastructure consumption per year: ₽20,000,000 short of ₽20,000,000",
		"Certified employees (Infrastructure): a first employee with Yandex Cloud Certified Engineer Associate",
		"DevOps consumption per year: ₽800,000 short of ₽2,000,000",
		"Certified employees (DevOps): a first employee with Yandex Cloud Certified DevOps Engineer",
		"Certified employees (DevOps): a second employee with Yandex Cloud Certified DevOps Engineer",
		`<a href="https://yandex.cloud/ru/certification/devops">Yandex Cloud Certified DevOps Engineer</a>`,
		"• Interview with a Yandex Cloud architect: Scheduled; it must be Passed",
		"✅ <b>ML &amp; AI</b> — Expert reached; for Professional:",
		"• ML &amp; AI consumption per year: ₽4,400,000 short of ₽5,000,000",
		"• ML &amp; AI services used, each above ₽499,999 a year: 2 services above ₽499,999 needed, 0 so far",
		"• Trained employees: a third employee with Building AI agents in Yandex Cloud",
		`<a href="https://yandex.cloud/ru/training/training-pro#ml">Building AI agents in Yandex Cloud</a>`,
		"• Interview with a Yandex Cloud architect: Not yet; it must be Passed",
		"Next qualification window: April, opens 1 April 2027, in 127 days.",
	},
	summarySpeechKit: "ML &amp; AI consumption per service · SpeechKit: <b>₽499,999</b>",
	devopsAmount:     "1,200,000", mlTotal: "600k", aiStudio: "350 000", speechKit: "499,999", vision: "120000",
	welcome:  "Infrastructure &amp; DevOps, Data Platform, Security, ML &amp; AI",
	stepsAll: "Step 1", stepsML: "Step 3 of 14",
	introducedCerts: []string{"Cloud service engineer", "Yandex Cloud Certified Engineer Associate", "Managed Service for Kubernetes®",
		"Yandex Cloud Certified DevOps Engineer", "ML services: key solutions", "Building AI agents in Yandex Cloud"},
	mlOnlyCerts: []string{"ML services: key solutions", "Building AI agents in Yandex Cloud"},
}

var tieredRU = tieredUI{
	lang: "ru",
	yes:  "Да", unknown: "🤷 Не знаю", done: "✔️ Готово", another: "➕ Добавить ещё",
	verdict: "✅ Показать вердикт", startCheck: "✅ Начать проверку", scheduled: "Назначено",
	companyQ:     "Как называется ваша компания?",
	specsQ:       "Какие специализации проверить?",
	agreementQ:   "Заключено ли у вас партнёрское соглашение с Yandex Cloud?",
	planQ:        "Есть ли у вас защищённый бизнес-план?",
	employeesQ:   "Расскажите о сотрудниках, прошедших обучение или сертификацию Yandex Cloud.",
	summaryTitle: "Ваши ответы",
	notYet:       "Ещё не было",
	kubernetes:   "Managed Service for Kubernetes®", mlSol: "ML сервисы: ключевые решения", aiAgents: "Создание AI-агентов в Yandex Cloud",
	infraQ:   "Сколько в год вы потребляете сервисов Infrastructure на сабаккаунтах и зарегистрированных проектах",
	devopsQ:  "Сколько в год вы потребляете сервисов DevOps на сабаккаунтах и зарегистрированных проектах",
	mlTotalQ: "Сколько в год вы потребляете сервисов ML &amp; AI в сумме на партнёрском аккаунте и сабаккаунтах",
	serviceQ: "Сколько в год вы потребляете сервиса %s на партнёрском аккаунте и сабаккаунтах, в рублях без НДС?",
	verdictLines: []string{
		"✅ <b>Infrastructure &amp; DevOps</b> — уровень Expert достигнут; для уровня Professional:",
		"• Трек Infrastructure или трек DevOps: нужно одно из следующего:",
		"Потребление сервисов Infrastructure в год: не хватает 20 000 000 ₽ до 20 000 000 ₽",
		"Сертифицированные сотрудники (Infrastructure): нужен первый сотрудник с сертификатом Yandex Cloud Certified Engineer Associate",
		"Потребление сервисов DevOps в год: не хватает 800 000 ₽ до 2 000 000 ₽",
		"Сертифицированные сотрудники (DevOps): нужен первый сотрудник с сертификатом Yandex Cloud Certified DevOps Engineer",
		"Сертифицированные сотрудники (DevOps): нужен второй сотрудник с сертификатом Yandex Cloud Certified DevOps Engineer",
		`<a href="https://yandex.cloud/ru/certification/devops">Yandex Cloud Certified DevOps Engineer</a>`,
		"• Собеседование с архитектором Yandex Cloud: Назначено, а нужно — Пройдено",
		"✅ <b>ML &amp; AI</b> — уровень Expert достигнут; для уровня Professional:",
		"• Потребление сервисов ML &amp; AI в год: не хватает 4 400 000 ₽ до 5 000 000 ₽",
		"• Сервисы ML &amp; AI с потреблением более 499 999 ₽ в год у каждого: нужно 2 сервиса с потреблением больше 499 999 ₽ у каждого, сейчас 0",
		"• Обученные сотрудники: нужен третий сотрудник с сертификатом Создание AI-агентов в Yandex Cloud",
		`<a href="https://yandex.cloud/ru/training/training-pro#ml">Создание AI-агентов в Yandex Cloud</a>`,
		"• Собеседование с архитектором Yandex Cloud: Ещё не было, а нужно — Пройдено",
		"Следующее окно квалификации — апрель: откроется 1 апреля 2027 г., через 127 дней.",
	},
	summarySpeechKit: "Потребление по сервисам ML &amp; AI · SpeechKit: <b>499 999 ₽</b>",
	devopsAmount:     "1,2 млн", mlTotal: "600 тыс", aiStudio: "350 000", speechKit: "499 999", vision: "120 тыс. руб",
	welcome:  "Infrastructure &amp; DevOps, Data Platform, Security, ML &amp; AI",
	stepsAll: "Шаг 1", stepsML: "Шаг 3 из 14",
	introducedCerts: []string{"Инженер облачных сервисов", "Yandex Cloud Certified Engineer Associate", "Managed Service for Kubernetes®",
		"Yandex Cloud Certified DevOps Engineer", "ML сервисы: ключевые решения", "Создание AI-агентов в Yandex Cloud"},
	mlOnlyCerts: []string{"ML сервисы: ключевые решения", "Создание AI-агентов в Yandex Cloud"},
}

func tieredUIs() []tieredUI { return []tieredUI{tieredEN, tieredRU} }

// mlServices are the services of the per-service ML & AI fact, as named in
// both languages.
var mlServices = []string{"Yandex AI Studio", "SpeechKit", "SpeechSense", "Vision OCR", "Translate", "DataSphere"}

// TestTieredConversation is a whole check on the tiered catalogue, from
// /start to the verdict, in each language: Infrastructure & DevOps reaches
// Expert on the DevOps track, ML & AI reaches Expert with ₽350,000 of its
// ₽600,000 on AI Studio; the verdict names Professional's gaps.
func TestTieredConversation(t *testing.T) {
	for _, u := range tieredUIs() {
		t.Run(u.lang, func(t *testing.T) {
			d := newTieredDriver(t, u.lang)
			require.Contains(t, d.texts(), u.welcome, "the welcome names this catalogue's specializations")

			d.press(u.startCheck)
			d.requireAsks(u.companyQ)
			d.requireAsks(u.stepsAll)
			d.typ("Acme")
			d.requireAsks(u.specsQ)
			d.play(tPress("Infrastructure & DevOps"), tPress("ML & AI"), tPress(u.done))

			d.requireAsks(u.agreementQ)
			d.press(u.yes)
			d.requireAsks(u.planQ)
			d.press(u.yes)
			d.requireAsks("Infrastructure &amp; DevOps")
			d.press("1") // verified solutions
			d.requireAsks(u.infraQ)
			d.typ("0")
			d.requireAsks(u.devopsQ)
			d.typ(u.devopsAmount)
			d.requireAsks("Yandex Cloud")
			d.press(u.scheduled) // the interview

			d.requireAsks("ML &amp; AI")
			d.press("2") // verified solutions
			d.requireAsks(u.mlTotalQ)
			d.typ(u.mlTotal)
			answers := map[string]string{"Yandex AI Studio": u.aiStudio, "SpeechKit": u.speechKit, "Vision OCR": u.vision}
			// DataSphere is not asked: with none of the other five above
			// ₽499,999, it cannot make two.
			for _, svc := range mlServices[:5] {
				d.requireAsks(strings.Replace(u.serviceQ, "%s", svc, 1))
				if a, ok := answers[svc]; ok {
					d.typ(a)
				} else {
					d.press(d.question().Buttons[0][0].Label) // the ₽0 button
				}
			}
			d.press(u.notYet) // the ML & AI interview

			d.requireAsks(u.employeesQ)
			d.typ("Anna")
			assert.Equal(t, u.introducedCerts, d.certButtons(), "only the certificates the chosen specializations need")
			d.play(tPress(u.kubernetes), tPress(u.mlSol), tPress(u.done),
				tPress(u.another), tType("Oleg"), tPress(u.kubernetes), tPress(u.aiAgents), tPress(u.done),
				tPress(u.done))

			d.requireAsks(u.summaryTitle)
			require.Contains(t, d.question().Text, u.summarySpeechKit)
			d.press(u.verdict)

			require.NotNil(t, d.out.Report, "the verdict completes a check")
			got := d.texts()
			for _, line := range u.verdictLines {
				assert.Contains(t, got, line)
			}
			assert.NotContains(t, got, "Data Platform", "only the chosen specializations")
			assert.NotContains(t, got, "Security")

			rep := d.out.Report.Report
			for _, spec := range []string{"infrastructure_devops", "ml_ai"} {
				res, ok := rep.Result(spec)
				require.True(t, ok, spec)
				assert.Equal(t, eligibility.Eligible, res.Status, spec)
				assert.Equal(t, "expert", res.Level, spec)
				assert.Equal(t, "professional", res.Target, spec)
			}
			facts := d.out.Report.Facts
			assert.Equal(t, int64(1_200_000), facts.Numbers[tRef("consumption_rub_year", "devops")])
			assert.Equal(t, int64(600_000), facts.Numbers[tRef("ml_ai_consumption_rub_year")])
			assert.Equal(t, int64(350_000), facts.Numbers[tRef("ml_ai_service_consumption_rub_year", "ai_studio")])
			assert.Equal(t, int64(499_999), facts.Numbers[tRef("ml_ai_service_consumption_rub_year", "speechkit")])
			assert.Equal(t, int64(120_000), facts.Numbers[tRef("ml_ai_service_consumption_rub_year", "vision")])
			assert.False(t, facts.Known(tRef("ml_ai_service_consumption_rub_year", "datasphere")), "no answer could change a verdict")
			assert.Equal(t, "scheduled", facts.Enums[tRef("architect_interview", "infrastructure_devops")])
			assert.Equal(t, []string{"infrastructure_devops", "ml_ai"}, d.out.Report.Specs)
		})
	}
}

// tieredStepRefs lists the facts the steps for specs ask, as "fact.key",
// with "employees" for the employees step.
func tieredStepRefs(c *eligibility.Catalog, specs ...string) []string {
	var out []string
	for _, st := range steps(c, specs) {
		switch {
		case st.Key == stepEmployees:
			out = append(out, "employees")
		case st.Fact != nil:
			out = append(out, st.Ref.String())
		}
	}
	return out
}

// TestTieredStepsAskWhatTheChosenSpecializationsNeed: the questions are
// the catalogue's facts for the chosen specializations, every per-service
// amount included, and nothing the choice does not need.
func TestTieredStepsAskWhatTheChosenSpecializationsNeed(t *testing.T) {
	c := tieredCatalog(t)
	common := []string{"partner_agreement", "business_plan"}
	services := []string{
		"ml_ai_service_consumption_rub_year.ai_studio", "ml_ai_service_consumption_rub_year.speechkit",
		"ml_ai_service_consumption_rub_year.speechsense", "ml_ai_service_consumption_rub_year.vision",
		"ml_ai_service_consumption_rub_year.translate", "ml_ai_service_consumption_rub_year.datasphere",
	}
	join := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	infra := []string{"verified_solutions.infrastructure_devops", "consumption_rub_year.infrastructure",
		"consumption_rub_year.devops", "architect_interview.infrastructure_devops"}
	data := []string{"verified_solutions.data_platform", "consumption_rub_year.data_platform", "architect_interview.data_platform"}
	security := []string{"verified_solutions.security", "consumption_rub_year.security", "architect_interview.security"}
	ml := join([]string{"verified_solutions.ml_ai", "ml_ai_consumption_rub_year"}, services, []string{"architect_interview.ml_ai"})
	emps := []string{"employees"}

	cases := []struct {
		specs []string
		want  []string
	}{
		{[]string{"infrastructure_devops"}, join(common, infra, emps)},
		{[]string{"data_platform"}, join(common, data, emps)},
		{[]string{"security"}, join(common, security, emps)},
		{[]string{"ml_ai"}, join(common, ml, emps)},
		{[]string{"infrastructure_devops", "data_platform", "security", "ml_ai"}, join(common, infra, data, security, ml, emps)},
	}
	for _, tt := range cases {
		t.Run(strings.Join(tt.specs, "+"), func(t *testing.T) {
			assert.Equal(t, tt.want, tieredStepRefs(c, tt.specs...))
		})
	}

	// Every fact the catalogue declares is asked when every specialization
	// is chosen, each key of a map fact once.
	asked := map[string]bool{}
	for _, r := range tieredStepRefs(c, "infrastructure_devops", "data_platform", "security", "ml_ai") {
		fact, _, _ := strings.Cut(r, ".")
		asked[fact] = true
	}
	for _, f := range c.Facts {
		assert.True(t, asked[f.ID], "fact %s is never asked", f.ID)
	}
}

// TestTieredOnlyMLAsksOnlyML chooses ML & AI alone through the engine and
// answers "I don't know" to everything: the partner hears the per-service
// amounts and nothing about Infrastructure, DevOps, Data Platform or
// Security consumption, and is offered only the ML & AI courses.
func TestTieredOnlyMLAsksOnlyML(t *testing.T) {
	for _, u := range tieredUIs() {
		t.Run(u.lang, func(t *testing.T) {
			d := newTieredDriver(t, u.lang)
			d.press(u.startCheck)
			d.requireAsks(u.companyQ)
			d.typ("Acme")
			d.requireAsks(u.specsQ)
			d.play(tPress("ML & AI"), tPress(u.done))
			d.requireAsks(u.stepsML)

			var questions []string
			for i := 0; d.s.State == Checking; i++ {
				require.Less(t, i, 30, "the check does not end")
				q := d.question()
				questions = append(questions, q.Text)
				if d.s.Key == stepEmployees {
					d.typ("Anna")
					assert.Equal(t, u.mlOnlyCerts, d.certButtons())
					d.play(tPress(u.mlSol), tPress(u.done), tPress(u.done))
					continue
				}
				d.press(u.unknown)
			}
			require.Len(t, questions, 12, "agreement, plan, solutions, total, six services, interview, employees")
			all := strings.Join(questions, "\n")
			// DataSphere is not asked: with none of the other five above
			// ₽499,999, it cannot make two.
			for _, svc := range mlServices[:5] {
				assert.Contains(t, all, strings.Replace(u.serviceQ, "%s", svc, 1))
			}
			assert.Contains(t, all, u.mlTotalQ)
			for _, not := range []string{u.infraQ, u.devopsQ, "Data Platform", "Security", "Infrastructure"} {
				assert.NotContains(t, all, not)
			}
			d.requireAsks(u.summaryTitle)
			d.press(u.verdict)
			res, ok := d.out.Report.Report.Result("ml_ai")
			require.True(t, ok)
			assert.Equal(t, eligibility.NotEligible, res.Status, "one employee cannot fill Expert's two roles")
			assert.Equal(t, "expert", res.Target)
			assert.Equal(t, 1, res.Gaps(), "the employees")
			assert.Equal(t, 5, res.Unknowns(), "agreement, solutions, plan, total and AI Studio are unknown")
		})
	}
}

// TestTieredRenderNamesEachTrack: the gaps of an alternative made of
// several conditions (a track) are listed under its name, so that "one of
// these is needed" reads as one track or the other, not one line or another.
// NEEDS the render change of the tiered-edition report (dialogs/render.go,
// gap: an `all` child of an `any` is named, its gaps beneath it).
func TestTieredRenderNamesEachTrack(t *testing.T) {
	c := tieredCatalog(t)
	f := tieredExampleFacts(t, c)
	r := eligibility.Evaluate(c, f, tieredNow(t))
	cases := []struct{ lang, want string }{
		{"en", "  • The Infrastructure or the DevOps track: one of these is needed:\n" +
			"      ◦ Infrastructure track:\n" +
			"          – Infrastructure consumption per year: ₽14,000,000 short of ₽20,000,000\n"},
		{"en", "      ◦ DevOps track:\n" +
			"          – DevOps consumption per year: ₽800,000 short of ₽2,000,000\n"},
		{"ru", "  • Трек Infrastructure или трек DevOps: нужно одно из следующего:\n" +
			"      ◦ Трек Infrastructure:\n" +
			"          – Потребление сервисов Infrastructure в год: не хватает 14 000 000 ₽ до 20 000 000 ₽\n"},
		{"ru", "      ◦ Трек DevOps:\n" +
			"          – Потребление сервисов DevOps в год: не хватает 800 000 ₽ до 2 000 000 ₽\n"},
	}
	for _, tt := range cases {
		assert.Contains(t, RenderReport(r, []string{"infrastructure_devops"}, tt.lang), tt.want)
	}
}

// TestTieredRenderFastTrackWindow: the October window grants Professional
// only, and the report says so; April says nothing of levels.
// NEEDS the render change of the tiered-edition report (dialogs/render.go,
// window: a window with levels names them; locale key report.window.levels).
func TestTieredRenderFastTrackWindow(t *testing.T) {
	c := tieredCatalog(t)
	f := tieredExampleFacts(t, c)
	msk := tieredNow(t).Location()
	cases := []struct {
		lang string
		day  time.Time
		want string
	}{
		{"en", time.Date(2026, time.September, 10, 12, 0, 0, 0, msk), "Next qualification window: October, opens 1 October 2026, in 21 days. It grants Professional only."},
		{"ru", time.Date(2026, time.September, 10, 12, 0, 0, 0, msk), "Следующее окно квалификации — октябрь: откроется 1 октября 2026 г., через 21 день. В нём присваивается только уровень Professional."},
		{"en", time.Date(2026, time.October, 10, 12, 0, 0, 0, msk), "The October qualification window is open until 31 October 2026: 22 days left. It grants Professional only."},
	}
	for _, tt := range cases {
		got := RenderReport(eligibility.Evaluate(c, f, tt.day), nil, tt.lang)
		assert.Contains(t, got, tt.want)
	}
	april := RenderReport(eligibility.Evaluate(c, f, tieredNow(t)), nil, "en")
	assert.Contains(t, april, "Next qualification window: April, opens 1 April 2027, in 127 days.")
	assert.NotContains(t, april, "only.")
}

func tieredExampleFacts(t testing.TB, c *eligibility.Catalog) eligibility.Facts {
	t.Helper()
	data, err := os.ReadFile("../eligibility/testdata/tiered_example.json")
	require.NoError(t, err)
	f, err := eligibility.ParseFacts(c, data)
	require.NoError(t, err)
	return f
}

// TestTieredRenderLevels renders the example facts file of the tiered
// edition: a level reached with the gaps to the next, the highest level
// reached, and a specialization with no level yet.
func TestTieredRenderLevels(t *testing.T) {
	c := tieredCatalog(t)
	facts := `{
	  "partner_agreement": true, "business_plan": true,
	  "verified_solutions": {"infrastructure_devops": 1, "data_platform": 1, "security": 1, "ml_ai": 1},
	  "consumption_rub_year": {"infrastructure": 5000000, "devops": 0, "data_platform": 3000000, "security": 999999},
	  "ml_ai_consumption_rub_year": 5000000,
	  "ml_ai_service_consumption_rub_year": {"ai_studio": 4000000, "speechkit": 499999, "speechsense": 500000, "vision": 0, "translate": 0, "datasphere": 0},
	  "architect_interview": {"infrastructure_devops": "none", "data_platform": "passed", "security": "none", "ml_ai": "passed"},
	  "employees": [
	    {"name": "Anna", "certs": ["cloud_service_engineer", "certified_engineer_associate", "managed_clickhouse", "ml_solutions", "network_security"]},
	    {"name": "Oleg", "certs": ["cloud_service_engineer", "managed_greenplum", "ai_agents", "authentication_access"]}
	  ]
	}`
	f, err := eligibility.ParseFacts(c, []byte(facts))
	require.NoError(t, err)
	r := eligibility.Evaluate(c, f, tieredNow(t))
	cases := []struct {
		lang string
		want []string
	}{
		{"en", []string{
			"✅ <b>Infrastructure &amp; DevOps</b> — Expert reached; for Professional:",
			"Infrastructure consumption per year: ₽15,000,000 short of ₽20,000,000",
			"• Interview with a Yandex Cloud architect: Not yet; it must be Passed",
			"✅ <b>Data Platform</b> — Professional reached",
			"❌ <b>Security</b> — not yet: 1 condition not met\n  For Expert:\n  • Security consumption per year: ₽1 short of ₽1,000,000",
			"✅ <b>ML &amp; AI</b> — Expert reached; for Professional:\n  • Trained employees: a third employee with Building AI agents in Yandex Cloud",
		}},
		{"ru", []string{
			"✅ <b>Infrastructure &amp; DevOps</b> — уровень Expert достигнут; для уровня Professional:",
			"Потребление сервисов Infrastructure в год: не хватает 15 000 000 ₽ до 20 000 000 ₽",
			"• Собеседование с архитектором Yandex Cloud: Ещё не было, а нужно — Пройдено",
			"✅ <b>Data Platform</b> — уровень Professional достигнут",
			"❌ <b>Security</b> — пока нет: не выполнено 1 условие\n  Для уровня Expert:\n  • Потребление сервисов Security в год: не хватает 1 ₽ до 1 000 000 ₽",
			"✅ <b>ML &amp; AI</b> — уровень Expert достигнут; для уровня Professional:\n  • Обученные сотрудники: нужен третий сотрудник с сертификатом Создание AI-агентов в Yandex Cloud",
		}},
	}
	for _, tt := range cases {
		t.Run(tt.lang, func(t *testing.T) {
			got := RenderReport(r, nil, tt.lang)
			for _, w := range tt.want {
				assert.Contains(t, got, w)
			}
		})
	}
}
