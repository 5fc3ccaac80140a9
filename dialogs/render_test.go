package dialogs

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// designFacts is the facts file of DESIGN.md, kept once in
// docs/example-facts.json (the README's example too).
var designFacts = func() string {
	data, err := os.ReadFile("../docs/example-facts.json")
	if err != nil {
		panic(err)
	}
	return string(data)
}()

func designReport(t testing.TB) (*eligibility.Catalog, eligibility.Report) {
	t.Helper()
	c := eligibility.DefaultCatalog()
	f, err := eligibility.ParseFacts(c, []byte(designFacts))
	require.NoError(t, err)
	return c, eligibility.Evaluate(c, f, testNow(t))
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./dialogs -update to create it")
	assert.Equal(t, string(want), got, "the report differs from %s; rerun with -update if the change is intended", path)
}

func TestRenderReportGolden(t *testing.T) {
	_, r := designReport(t)
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			got := RenderReport(r, nil, lang)
			require.NoError(t, checkTelegramHTML(got))
			golden(t, "report_"+lang+".golden", got)
		})
	}
}

// TestRenderReportWhatAPartnerReads pins the lines of the DESIGN.md example
// a partner acts on, independently of the golden files.
func TestRenderReportWhatAPartnerReads(t *testing.T) {
	_, r := designReport(t)
	cases := []struct {
		lang string
		want []string
		not  []string
	}{
		{"en", []string{
			"<b>Your specializations</b>",
			"✅ <b>Infrastructure</b> — eligible",
			"❌ <b>DevOps</b> — not yet: 4 conditions not met",
			"• DevOps consumption per year: ₽500,000 short of ₽2,000,000",
			"▓▓▓▓▓▓▓░░░</code> 75% · ₽1.5M of ₽2M",
			"• Implemented and verified solutions: 0 of at least 1; 1 more needed",
			"• Interview with a Yandex Cloud architect: Scheduled; it must be Passed",
			"a second specialist with Cloud service engineer, GitOps infrastructure deployment and DevSecOps in cloud CI/CD",
			`<a href="https://yandex.cloud/ru/training/deploy">GitOps infrastructure deployment</a>`,
			"❔ <b>ML &amp; AI</b> — not enough information yet\n  ❔ Not known yet: Implemented and verified solutions\n",
			"❌ <b>Security Compliance</b> — not yet: 1 condition not met",
			"Anna is closest: needs Compliance in cloud infrastructure",
			"🗓 Next qualification window: April, opens 1 April 2027, in 127 days.",
		}, []string{"✅ <b>ML", "✅ <b>Security", "Implemented projects per year"}},
		{"ru", []string{
			"<b>Ваши специализации</b>",
			"✅ <b>Infrastructure</b> — условия выполнены",
			"❌ <b>DevOps</b> — пока нет: не выполнено 4 условия",
			"• Потребление сервисов DevOps в год: не хватает 500 000 ₽ до 2 000 000 ₽",
			"75% · 1,5 млн ₽ из 2 млн ₽",
			"• Собеседование с архитектором Yandex Cloud: Назначено, а нужно — Пройдено",
			"нужен второй сотрудник с сертификатами: Инженер облачных сервисов, Развёртывание инфраструктуры по GitOps и DevSecOps в облачном CI/CD",
			"❔ <b>ML &amp; AI</b> — пока не хватает сведений\n  ❔ Пока неизвестно: Есть реализованные и подтверждённые решения\n",
			"❌ <b>Security Compliance</b> — пока нет: не выполнено 1 условие",
			"Ближе всех — Anna, осталось получить: Комплаенс в облачной инфраструктуре",
			"🗓 Следующее окно квалификации — апрель: откроется 1 апреля 2027 г., через 127 дней.",
		}, []string{"Your", "eligible"}},
	}
	for _, tc := range cases {
		t.Run(tc.lang, func(t *testing.T) {
			got := RenderReport(r, nil, tc.lang)
			for _, w := range tc.want {
				assert.Contains(t, got, w)
			}
			for _, n := range tc.not {
				assert.NotContains(t, got, n)
			}
		})
	}
	t.Run("only the chosen specializations", func(t *testing.T) {
		got := RenderReport(r, []string{specDevOps}, "en")
		assert.Contains(t, got, "<b>DevOps</b>")
		assert.NotContains(t, got, "Infrastructure</b>")
		assert.NotContains(t, got, "ML &amp; AI")
	})
}

func TestPlainText(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"bold and italic dropped", "<b>Your answers</b>\n<i>hint</i>", "Your answers\nhint"},
		{"link as name (url)", `📚 Courses: <a href="https://yandex.cloud/ru/training/deploy">GitOps infrastructure deployment</a>`,
			"📚 Courses: GitOps infrastructure deployment (https://yandex.cloud/ru/training/deploy)"},
		{"entities unescaped", "<b>ML &amp; AI</b> &lt;b&gt;&amp;Co I don&#39;t know", "ML & AI <b>&Co I don't know"},
		{"escaped link url", `<a href="https://x.test/?a=1&amp;b=2">A &amp; B</a>`, "A & B (https://x.test/?a=1&b=2)"},
		{"code of a progress bar", "<code>▓▓░</code> 75%", "▓▓░ 75%"},
		{"plain text as is", "Step 4 of 8", "Step 4 of 8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, PlainText(tc.in))
		})
	}
	t.Run("the DESIGN.md report", func(t *testing.T) {
		_, r := designReport(t)
		for _, lang := range []string{"en", "ru"} {
			got := PlainText(RenderReport(r, nil, lang))
			assert.NotContains(t, got, "<")
			assert.NotContains(t, got, "&amp;")
			assert.Contains(t, got, "ML & AI")
			assert.Contains(t, got, "(https://yandex.cloud/ru/training/deploy)")
		}
	})
}

// TestNamesAreEscaped: a company or employee named like markup is shown as
// typed, never interpreted (nor breaking the message).
func TestNamesAreEscaped(t *testing.T) {
	const name = "<b>&Co"
	const escaped = "&lt;b&gt;&amp;Co"
	for _, u := range uis() {
		t.Run(u.lang, func(t *testing.T) {
			d := newDriver(t, u.lang)
			d.play(press(u.startCheck), typ(name), press("Infrastructure"), press(u.done),
				press(u.yes), press(u.yes), typ("1"), typ("12 000 000"), press(u.passed),
				typ(name), press(u.protect), press(u.done), press(u.done))
			d.requireAsks(u.summaryTitle)
			d.requireAsks("1. " + map[string]string{"en": "Company", "ru": "Компания"}[u.lang] + ": <b>" + escaped + "</b>")
			d.press(u.verdict)
			shown := 0
			for _, m := range d.all {
				assert.NotContains(t, m.Text, name, "raw markup in:\n%s", m.Text)
				assert.NotContains(t, m.Text, "&amp;lt;", "escaped twice in:\n%s", m.Text)
				if strings.Contains(m.Text, escaped) {
					shown++
				}
			}
			assert.GreaterOrEqual(t, shown, 4, "the name is shown in the certificates question, the list, the summary and the report")
			assert.Contains(t, findVerdict(t, d.out.Messages).Text, escaped,
				"the report names the employee closest to the missing role")

			// Button labels are plain text: the name is shown as typed.
			d.cmd("check")
			_, ok := findButton(d.out.Messages, map[string]string{"en": "Keep: ", "ru": "Оставить: "}[u.lang]+name)
			assert.True(t, ok, "Keep button with the name as typed:\n%s", dump(d.out.Messages))
		})
	}
}

// TestEveryMessageIsValidTelegramHTML plays conversations through every
// kind of message and checks each against Telegram's HTML parse mode.
func TestEveryMessageIsValidTelegramHTML(t *testing.T) {
	for _, u := range uis() {
		scripts := map[string][]act{
			"infrastructure": infraScript(u, "Acme & Sons <LLC>", "12 000 000", u.unknown),
			"devops":         devopsScript(u, "1,5 млн"),
			// ML & AI answered with buttons, so every answer is echoed.
			"ml & ai by buttons": {press(u.startCheck), typ("Acme"), press("ML & AI"), press(u.done),
				press(u.yes), press(u.yes), press("1"), press("0"), press("0"), press("1")},
			"every specialization": {press(u.startCheck), press(u.skip), press(u.all), press(u.no), press(u.no), press("2")},
		}
		for name, script := range scripts {
			t.Run(u.lang+"/"+name, func(t *testing.T) {
				d := newDriver(t, u.lang)
				d.env.ContactConfigured = true
				d.play(script...)
				for d.s.State == Checking {
					if _, ok := findButton(d.out.Messages, u.unknown); ok {
						d.press(u.unknown)
					} else {
						d.press(u.done)
					}
				}
				if d.s.State == Summary {
					d.press(u.verdict)
				}
				for _, c := range []string{"help", "report", "reminders", "language", "manager", "cancel", "forget", "<b>"} {
					d.cmd(c)
				}
				d.typ("abc")
				for _, m := range d.all {
					assert.NoError(t, checkTelegramHTML(m.Text), "in:\n%s", m.Text)
				}
			})
		}
	}
}

// TestRenderDecodedReport: a report read back from its stored JSON renders
// exactly as the report evaluated, without the catalogue behind it.
func TestRenderDecodedReport(t *testing.T) {
	_, r := designReport(t)
	data, err := json.Marshal(r)
	require.NoError(t, err)
	var decoded eligibility.Report
	require.NoError(t, json.Unmarshal(data, &decoded))
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			assert.Equal(t, RenderReport(r, nil, lang), RenderReport(decoded, nil, lang))
		})
	}
}

// A ✅ shows its evidence: who fills which role, which amount counted.
func TestRenderReportMetEvidence(t *testing.T) {
	_, r := designReport(t)
	en := RenderReport(r, []string{"infrastructure"}, "en")
	assert.Contains(t, en, "  ✅ Infrastructure consumption per year ₽12,000,000 (needs at least ₽12,000,000)\n")
	assert.Contains(t, en, "  ✅ Certified employees: first specialist — Oleg, second specialist — Anna\n")
	ru := RenderReport(r, []string{"infrastructure"}, "ru")
	assert.Contains(t, ru, "12\u00a0000\u00a0000\u00a0₽ (нужно не меньше 12\u00a0000\u00a0000\u00a0₽)")
	assert.Contains(t, ru, "первый сотрудник — Oleg, второй сотрудник — Anna")
}
