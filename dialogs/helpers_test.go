package dialogs

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Moscow even on a machine without zoneinfo

	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// Specialization and certificate ids of the default catalogue.
const (
	specInfra    = "infrastructure"
	specDevOps   = "devops"
	specML       = "ml_ai"
	certCSE      = "cloud_service_engineer"
	certProtect  = "infrastructure_protection"
	factPartner  = "partner_agreement"
	factPlan     = "business_plan"
	factSolution = "verified_solutions"
	factConsume  = "consumption_rub_year"
	factInter    = "architect_interview"
)

func moscow(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	return loc
}

// testNow is the fixed clock of every test: outside any window, the April
// 2027 window opens in 127 days.
func testNow(t testing.TB) time.Time {
	t.Helper()
	return time.Date(2026, time.November, 25, 12, 0, 0, 0, moscow(t))
}

func testEngine(t testing.TB) *Engine {
	t.Helper()
	now := testNow(t)
	return &Engine{Catalog: eligibility.DefaultCatalog(), Now: func() time.Time { return now }}
}

// ui holds the labels and phrases a partner sees, literally, per language:
// the tests press buttons the way a person reads them.
type ui struct {
	lang                                         string
	yes, no, unknown, notSure, skip              string
	back, cancel, cont, done, all, verdict       string
	startCheck, checkAgain, noEmployees, another string
	passed, scheduled                            string
	remindYes, remindNo, forgetYes, forgetNo     string
	english, russian                             string
	cse, protect, gitops, devsecops              string
	// phrases
	companyQ, specsQ, agreementQ, planQ, employeesQ string
	stepOf, eligible, incomplete, notYet            string
	staleNotice, yesNoHint, moneyHint, countHint    string
	alreadyNotice                                   string
	negativeHint, specsHint, companyLongHint        string
	paused, forgetConfirm, forgetDone, remindAsk    string
	changesTitle, changesNone, reportNone           string
	summaryTitle, languageSet                       string
	specsLabel, agreementLabel, consumptionLabel    string
	stop, goOnQ, keepAll, restart, stepOpen         string
}

var uiEN = ui{
	lang: "en",
	yes:  "Yes", no: "No", unknown: "🤷 I don't know", notSure: "Not sure", skip: "Skip",
	back: "◀️ Back", cancel: "✖️ Cancel", cont: "▶️ Continue", done: "✔️ Done", all: "All of them",
	verdict: "✅ Show the verdict", startCheck: "✅ Start the check", checkAgain: "🔁 Check again", noEmployees: "No certified employees", another: "➕ Add another",
	passed: "Passed", scheduled: "Scheduled",
	remindYes: "🔔 Yes, remind me", remindNo: "No, thanks",
	forgetYes: "Yes, delete everything", forgetNo: "No, keep it",
	english: "English", russian: "Русский",
	cse: "Cloud service engineer", protect: "Cloud infrastructure protection",
	gitops: "GitOps infrastructure deployment", devsecops: "DevSecOps in cloud CI/CD",

	companyQ:   "What is your company's name?",
	specsQ:     "Which specializations shall I check?",
	agreementQ: "Do you have a signed partner agreement with Yandex Cloud?",
	planQ:      "Do you have an approved business plan?",
	employeesQ: "Tell me about your employees who hold Yandex Cloud certifications.",
	stepOf:     "Step %d of %d",
	eligible:   "eligible", incomplete: "not enough information yet", notYet: "not yet: %d condition",
	staleNotice:     "That button is from an earlier question.",
	alreadyNotice:   "✔️ Got it, already on it",
	yesNoHint:       "Please answer yes or no",
	moneyHint:       "Type an amount in rubles",
	countHint:       "Type a whole number",
	negativeHint:    "An amount cannot be negative.",
	specsHint:       "I couldn't tell which specializations you mean.",
	companyLongHint: "That name is too long",
	paused:          "Check paused.",
	forgetConfirm:   "Delete everything I keep about you",
	forgetDone:      "everything about you has been deleted",
	remindAsk:       "Shall I remind you before the April and October qualification windows",
	changesTitle:    "Since your previous check:",
	changesNone:     "Nothing changed since your previous check.",
	reportNone:      "You have no verdict yet.",
	summaryTitle:    "Your answers",
	specsLabel:      "Specializations", agreementLabel: "Partner agreement signed", consumptionLabel: "Annual consumption · Infrastructure",
	languageSet: "I'll speak English.",
	stop:        "⏹ Stop here", goOnQ: "Every specialization needs this",
	keepAll: "⏩ Keep all my previous answers", restart: "🔁 Start over", stepOpen: "Step %d",
}

var uiRU = ui{
	lang: "ru",
	yes:  "Да", no: "Нет", unknown: "🤷 Не знаю", notSure: "Не уверен", skip: "Пропустить",
	back: "◀️ Назад", cancel: "✖️ Отмена", cont: "▶️ Продолжить", done: "✔️ Готово", all: "Все",
	verdict: "✅ Показать вердикт", startCheck: "✅ Начать проверку", checkAgain: "🔁 Проверить ещё раз", noEmployees: "Нет сертифицированных сотрудников", another: "➕ Добавить ещё",
	passed: "Пройдено", scheduled: "Назначено",
	remindYes: "🔔 Да, напоминайте", remindNo: "Нет, спасибо",
	forgetYes: "Да, удалить всё", forgetNo: "Нет, оставить",
	english: "English", russian: "Русский",
	cse: "Инженер облачных сервисов", protect: "Защита облачной инфраструктуры",
	gitops: "Развёртывание инфраструктуры по GitOps", devsecops: "DevSecOps в облачном CI/CD",

	companyQ:   "Как называется ваша компания?",
	specsQ:     "Какие специализации проверить?",
	agreementQ: "Заключено ли у вас партнёрское соглашение с Yandex Cloud?",
	planQ:      "Есть ли у вас защищённый бизнес-план?",
	employeesQ: "Расскажите о сотрудниках с сертификатами Yandex Cloud.",
	stepOf:     "Шаг %d из %d",
	eligible:   "условия выполнены", incomplete: "пока не хватает сведений", notYet: "пока нет: не выполнено %d условие",
	staleNotice:     "Эта кнопка от предыдущего вопроса.",
	alreadyNotice:   "✔️ Уже принято",
	yesNoHint:       "Ответьте «да» или «нет»",
	moneyHint:       "Введите сумму в рублях",
	countHint:       "Введите целое число",
	negativeHint:    "Сумма не может быть отрицательной.",
	specsHint:       "Не понял, какие специализации вы имеете в виду.",
	companyLongHint: "Слишком длинное название",
	paused:          "Проверка приостановлена.",
	forgetConfirm:   "Удалить всё, что я о вас храню",
	forgetDone:      "всё о вас удалено",
	remindAsk:       "Напоминать вам перед окнами квалификации в апреле и октябре",
	changesTitle:    "С прошлой проверки:",
	changesNone:     "С прошлой проверки ничего не изменилось.",
	reportNone:      "Вердикта пока нет.",
	summaryTitle:    "Ваши ответы",
	specsLabel:      "Специализации", agreementLabel: "Партнёрское соглашение заключено", consumptionLabel: "Годовое потребление · Infrastructure",
	languageSet: "Буду говорить по-русски.",
	stop:        "⏹ Остановиться", goOnQ: "Это нужно для любой специализации",
	keepAll: "⏩ Оставить все прежние ответы", restart: "🔁 Начать заново", stepOpen: "Шаг %d",
}

func uis() []ui { return []ui{uiEN, uiRU} }

// driver plays a conversation through Engine.Handle the way the bot does:
// it keeps the session between inputs, passes the latest completed report
// and the reminders choice back as Env, and presses buttons by their label.
type driver struct {
	t   testing.TB
	e   *Engine
	s   Session
	env Env
	out Outcome // of the latest input
	all []Message
	// buttons seen in every message so far, for the callback-size check.
	seen int
}

// newDriver opens a chat with a partner whose Telegram language is lang and
// who sent /start.
func newDriver(t testing.TB, lang string) *driver {
	t.Helper()
	d := &driver{t: t, e: testEngine(t), env: Env{NewPartner: true}}
	d.send(Input{Command: "start", LangCode: lang})
	d.env.NewPartner = false
	require.Equal(t, lang, d.s.Lang, "first language comes from language_code")
	return d
}

// send applies one input, failing the test on a panic or an oversized
// button payload, and keeps what the bot would keep.
func (d *driver) send(in Input) Outcome {
	d.t.Helper()
	var out Outcome
	func() {
		defer func() {
			if r := recover(); r != nil {
				d.t.Fatalf("Handle(%+v) panicked: %v", in, r)
			}
		}()
		out = d.e.Handle(d.s, in, d.env)
	}()
	for _, m := range out.Messages {
		require.NotEmpty(d.t, m.Text, "a message without text after %+v", in)
		require.NotContains(d.t, m.Text, "<no value>", "unfilled template after %+v", in)
		for _, row := range m.Buttons {
			for _, b := range row {
				d.seen++
				require.NotEmpty(d.t, b.Label, "a button without label after %+v", in)
				require.LessOrEqual(d.t, len(b.Data), MaxCallbackData, "button %q data %q", b.Label, b.Data)
				require.True(d.t, b.Data != "" || b.URL != "", "button %q does nothing", b.Label)
			}
		}
	}
	d.out, d.s = out, out.Session
	d.all = append(d.all, out.Messages...)
	if out.Report != nil {
		d.env.Previous = &Past{Facts: out.Report.Facts, Report: out.Report.Report, Specs: out.Report.Specs, At: testNow(d.t)}
	}
	if out.Reminders != "" {
		d.env.Reminders = out.Reminders
	}
	if out.Forget {
		d.env = Env{NewPartner: true}
	}
	return out
}

func (d *driver) typ(text string) Outcome {
	d.t.Helper()
	return d.send(Input{Text: text})
}

func (d *driver) cmd(name string) Outcome {
	d.t.Helper()
	return d.send(Input{Command: name})
}

// find returns the button labelled label in the latest reply, looking at the
// last message first. A label matches exactly, or after the "▫️ "/"✅ "
// mark of a toggle.
func (d *driver) find(label string) Button {
	d.t.Helper()
	b, ok := findButton(d.out.Messages, label)
	if !ok {
		d.t.Fatalf("no button %q in the last reply:\n%s", label, dump(d.out.Messages))
	}
	return b
}

func findButton(msgs []Message, label string) (Button, bool) {
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Label == label || strings.TrimPrefix(strings.TrimPrefix(b.Label, "▫️ "), "✅ ") == label {
					return b, true
				}
			}
		}
	}
	return Button{}, false
}

// press presses the button labelled label in the latest reply.
func (d *driver) press(label string) Outcome {
	d.t.Helper()
	return d.send(Input{Button: d.find(label).Data})
}

// texts is every text of the latest reply.
func (d *driver) texts() string {
	var b strings.Builder
	for _, m := range d.out.Messages {
		b.WriteString(m.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// question is the message of the latest reply that asks the current
// question.
func (d *driver) question() Message {
	d.t.Helper()
	for i := len(d.out.Messages) - 1; i >= 0; i-- {
		if d.out.Messages[i].Question {
			return d.out.Messages[i]
		}
	}
	d.t.Fatalf("the last reply asks no question:\n%s", dump(d.out.Messages))
	return Message{}
}

// asked is a question's text without the lines fold put on top of it: the
// answer just given ("✔️ …") and a hint ("⚠️ …").
func asked(text string) string {
	for strings.HasPrefix(text, "✔️ ") || strings.HasPrefix(text, "⚠️ ") {
		_, rest, ok := strings.Cut(text, "\n\n")
		if !ok {
			break
		}
		text = rest
	}
	return text
}

// requireAsks checks that the latest reply asks a question containing want.
func (d *driver) requireAsks(want string) {
	d.t.Helper()
	q := d.question()
	require.Contains(d.t, q.Text, want, "the current question")
}

func dump(msgs []Message) string {
	var b strings.Builder
	for i, m := range msgs {
		fmt.Fprintf(&b, "--- #%d edit=%v question=%v\n%s\n", i, m.Edit, m.Question, m.Text)
		for _, row := range m.Buttons {
			for _, btn := range row {
				fmt.Fprintf(&b, "[%s|%s] ", btn.Label, btn.Data)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// ref builds a fact reference.
func ref(fact string, key ...string) eligibility.Ref {
	r := eligibility.Ref{Fact: fact}
	if len(key) > 0 {
		r.Key = key[0]
	}
	return r
}

// act is one thing a partner does in a scripted conversation: press a
// button by label, or type a text.
type act struct {
	press, typ string
}

func press(label string) act { return act{press: label} }
func typ(text string) act    { return act{typ: text} }

// play runs a script.
func (d *driver) play(script ...act) {
	d.t.Helper()
	for _, a := range script {
		if a.press != "" {
			d.press(a.press)
		} else {
			d.typ(a.typ)
		}
	}
}

// Scripts of whole checks, from the welcome message to the summary.

// infraScript checks Infrastructure only: agreement and plan yes, one
// solution, consumption and interview as given, and two employees: Anna
// (engineer and protection) and Oleg (engineer), who fill both roles.
func infraScript(u ui, company, consumption, interview string) []act {
	return append([]act{
		press(u.startCheck), typ(company), press("Infrastructure"), press(u.done),
		press(u.yes), press(u.yes), typ("1"), typ(consumption), press(interview),
	}, infraEmployees(u)...)
}

func infraEmployees(u ui) []act {
	return []act{
		typ("Anna"), press(u.cse), press(u.protect), press(u.done),
		press(u.another), typ("Oleg"), press(u.cse), press(u.done),
		press(u.done),
	}
}

// recheckInfra goes through a second check of Infrastructure from the
// specializations question, keeping the employees and typing the rest.
func recheckInfra(u ui, consumption string) []act {
	keep := map[string]string{"en": "Keep: Infrastructure", "ru": "Оставить: Infrastructure"}[u.lang]
	return []act{press(keep), press(u.yes), press(u.yes), typ("1"), typ(consumption), press(u.passed), press(u.done)}
}

// devopsScript checks DevOps only with both roles filled and the interview
// passed: only the consumption can fall short.
func devopsScript(u ui, consumption string) []act {
	return []act{
		press(u.startCheck), typ("Acme"), press("DevOps"), press(u.done),
		press(u.yes), press(u.yes), typ("1"), typ(consumption), press(u.passed),
		typ("Anna"), press(u.cse), press(u.done),
		press(u.another), typ("Boris"), press(u.cse), press(u.gitops), press(u.devsecops), press(u.done),
		press(u.done),
	}
}

// mlScript checks ML & AI through Brand Voice Call Center: no Premium or
// Self Service project, one Call Center project consuming month a month.
func mlScript(u ui, month string) []act {
	return []act{
		press(u.startCheck), typ("Acme"), press("ML & AI"), press(u.done),
		press(u.yes), press(u.yes), typ("1"), press("0"), press("0"), press("1"), typ(month),
	}
}

var entityRE = regexp.MustCompile(`^&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);`)

// telegramTags are the tags of Telegram's HTML parse mode the bot may use.
var telegramTags = map[string]bool{"b": true, "i": true, "u": true, "s": true, "code": true, "pre": true, "a": true}

// checkTelegramHTML reports what Telegram's HTML parse mode requires and a
// text breaks: "All <, > and & symbols that are not a part of a tag or an
// HTML entity must be replaced with the corresponding HTML entities", and
// only the supported tags, properly nested.
func checkTelegramHTML(s string) error {
	var open []string
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '&':
			if !entityRE.MatchString(s[i:]) {
				return fmt.Errorf("raw '&' at byte %d: %q", i, around(s, i))
			}
		case '>':
			return fmt.Errorf("raw '>' at byte %d: %q", i, around(s, i))
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return fmt.Errorf("raw '<' at byte %d: %q", i, around(s, i))
			}
			tag := s[i+1 : i+end]
			i += end
			if name, ok := strings.CutPrefix(tag, "/"); ok {
				if len(open) == 0 || open[len(open)-1] != name {
					return fmt.Errorf("</%s> closes %v", name, open)
				}
				open = open[:len(open)-1]
				continue
			}
			name, attrs, _ := strings.Cut(tag, " ")
			if !telegramTags[name] {
				return fmt.Errorf("unsupported tag <%s>: %q", tag, around(s, i))
			}
			if name == "a" && !strings.HasPrefix(attrs, `href="`) {
				return fmt.Errorf("link without href: <%s>", tag)
			}
			open = append(open, name)
		}
	}
	if len(open) > 0 {
		return fmt.Errorf("unclosed %v", open)
	}
	return nil
}

func around(s string, i int) string {
	return s[max(0, i-30):min(len(s), i+30)]
}
