package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// designFacts is the facts file of DESIGN.md, kept once in
// docs/example-facts.json (the README's example too).
var designFacts = func() string {
	data, err := os.ReadFile("../../docs/example-facts.json")
	if err != nil {
		panic(err)
	}
	return string(data)
}()

// writeFile writes a file into a fresh temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// TestCheckDesignExample: the verdict of DESIGN.md's facts in both languages.
func TestCheckDesignExample(t *testing.T) {
	facts := writeFile(t, "facts.json", designFacts)
	cases := []struct {
		lang string
		want []string
	}{
		{"en", []string{
			"Your specializations",
			"✅ Infrastructure — eligible",
			"❌ DevOps — not yet: 4 conditions not met",
			"DevOps consumption per year: ₽500,000 short of ₽2,000,000",
			"Interview with a Yandex Cloud architect: Scheduled; it must be Passed",
			"Oleg is closest: needs GitOps infrastructure deployment and DevSecOps in cloud CI/CD",
			"❔ ML & AI — not enough information yet",
			"Next qualification window: April, opens 1 April 2027, in 127 days.",
		}},
		{"ru", []string{
			"Ваши специализации",
			"✅ Infrastructure — условия выполнены",
			"❌ DevOps — пока нет: не выполнено 4 условия",
			"Потребление сервисов DevOps в год: не хватает 500 000 ₽ до 2 000 000 ₽",
			"Собеседование с архитектором Yandex Cloud: Назначено, а нужно — Пройдено",
			"❔ ML & AI — пока не хватает сведений",
			"Следующее окно квалификации — апрель: откроется 1 апреля 2027 г., через 127 дней.",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.lang, func(t *testing.T) {
			code, stdout, stderr := run(t, env{}, "check", "--facts", facts, "--lang", tc.lang, "--today", "2026-11-25")
			require.Equal(t, exitOK, code, stderr)
			assert.Empty(t, stderr)
			for _, w := range tc.want {
				assert.Contains(t, stdout, w)
			}
			assert.NotContains(t, stdout, "<b>", "plain text, no HTML")
			assert.NotContains(t, stdout, "&amp;")
		})
	}
	// English is the default language.
	code, stdout, _ := run(t, env{}, "check", "--facts", facts, "--today", "2026-11-25")
	require.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "✅ Infrastructure — eligible")
}

// TestCheckJSON: the JSON contract of DESIGN.md.
func TestCheckJSON(t *testing.T) {
	facts := writeFile(t, "facts.json", designFacts)
	code, stdout, stderr := run(t, env{}, "check", "--facts", facts, "--format", "json", "--today", "2026-11-25")
	require.Equal(t, exitOK, code, stderr)
	var out struct {
		Results []struct {
			Specialization string `json:"specialization"`
			Status         string `json:"status"`
			Conditions     []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"conditions"`
		} `json:"results"`
		NextWindow json.RawMessage `json:"next_window"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	statuses := map[string]string{}
	for _, r := range out.Results {
		statuses[r.Specialization] = r.Status
		require.NotEmpty(t, r.Conditions, r.Specialization)
		for _, c := range r.Conditions {
			assert.NotEmpty(t, c.ID)
			assert.Contains(t, []string{"met", "not_met", "unknown"}, c.Status, "%s/%s", r.Specialization, c.ID)
		}
	}
	assert.Equal(t, map[string]string{
		"infrastructure":      "eligible",
		"devops":              "not_eligible",
		"data_platform":       "not_eligible",
		"ml_ai":               "incomplete",
		"security_compliance": "not_eligible",
	}, statuses)
	require.NotEmpty(t, out.NextWindow)
	assert.NotEqual(t, "null", string(out.NextWindow))
	var window map[string]any
	require.NoError(t, json.Unmarshal(out.NextWindow, &window))
	assert.NotEmpty(t, window)
	assert.Contains(t, string(out.NextWindow), "2027-04-01")
}

// TestCheckRejectsBadInput: bad flags and bad facts files exit 2 with one
// line naming the flag or the field, and print nothing on stdout.
func TestCheckRejectsBadInput(t *testing.T) {
	good := writeFile(t, "facts.json", designFacts)
	bad := func(content string) string { return writeFile(t, "facts.json", content) }
	cases := []struct {
		name  string
		env   env
		args  []string
		names []string
	}{
		{"no facts flag", nil, []string{}, []string{"--facts"}},
		{"empty facts flag", nil, []string{"--facts", ""}, []string{"--facts"}},
		{"language de", nil, []string{"--facts", good, "--lang", "de"}, []string{"--lang", `"de"`}},
		{"format xml", nil, []string{"--facts", good, "--format", "xml"}, []string{"--format", `"xml"`}},
		{"bad date", nil, []string{"--facts", good, "--today", "25.11.2026"}, []string{"--today", "25.11.2026"}},
		{"unknown flag", nil, []string{"--facts", good, "--colour"}, []string{"colour"}},
		{"stray argument", nil, []string{"--facts", good, "extra"}, []string{`"extra"`}},
		{"missing file", nil, []string{"--facts", "/nonexistent/facts.json"}, []string{"--facts", "/nonexistent/facts.json"}},
		{"missing rules", nil, []string{"--facts", good, "--rules", "/nonexistent/rules.yaml"}, []string{"--rules"}},
		{"bad time zone", env{"SPECBOT_TZ": "Mars/Olympus"}, []string{"--facts", good}, []string{"SPECBOT_TZ", "Mars/Olympus"}},
		{"not JSON", nil, []string{"--facts", bad(`{"partner_agreement": tru`)}, []string{"JSON"}},
		{"not an object", nil, []string{"--facts", bad(`[1, 2]`)}, []string{"facts"}},
		{"unknown fact", nil, []string{"--facts", bad(`{"partner_agreemnt": true}`)}, []string{"partner_agreemnt"}},
		{"unknown specialization", nil, []string{"--facts", bad(`{"consumption_rub_year": {"devopz": 1}}`)}, []string{"consumption_rub_year.devopz"}},
		{"negative amount", nil, []string{"--facts", bad(`{"consumption_rub_year": {"devops": -1}}`)}, []string{"consumption_rub_year.devops"}},
		{"fractional count", nil, []string{"--facts", bad(`{"verified_solutions": {"devops": 1.5}}`)}, []string{"verified_solutions.devops"}},
		{"quoted number", nil, []string{"--facts", bad(`{"consumption_rub_year": {"devops": "1500000"}}`)}, []string{"consumption_rub_year.devops"}},
		{"bool as string", nil, []string{"--facts", bad(`{"partner_agreement": "yes"}`)}, []string{"partner_agreement"}},
		{"unknown certificate", nil, []string{"--facts", bad(`{"employees": [{"name": "A", "certs": ["cse"]}]}`)}, []string{"employees[0].certs[0]", `"cse"`}},
		{"unknown interview state", nil, []string{"--facts", bad(`{"architect_interview": {"devops": "maybe"}}`)}, []string{"architect_interview.devops", `"maybe"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tc.env, append([]string{"check"}, tc.args...)...)
			assert.Equal(t, exitUsage, code, "stderr: %s", stderr)
			requireOneLine(t, stderr, tc.names...)
			assert.Empty(t, stdout, "nothing printed on stdout")
		})
	}
}

// TestRulesValidate: the default catalogue is valid; a broken one lists its
// problems and exits 2.
func TestRulesValidate(t *testing.T) {
	code, stdout, stderr := run(t, env{}, "rules", "validate", "../../eligibility/catalogs/default.yaml")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "ok")
	assert.Contains(t, stdout, "5 specializations")

	code, stdout, stderr = run(t, env{}, "rules", "validate", "../../eligibility/testdata/invalid_many.yaml")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	require.Greater(t, len(lines), 2, "every problem listed:\n%s", stderr)
	assert.Contains(t, lines[0], "invalid_many.yaml")
	assert.Contains(t, stderr, "edition", "the unknown key is named")

	bad := writeFile(t, "rules.yaml", "id: [unclosed\n")
	code, _, stderr = run(t, env{}, "rules", "validate", bad)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "rules.yaml")
	assert.Contains(t, stderr, "line 1", "the syntax error says where")

	for _, args := range [][]string{{"rules"}, {"rules", "validate"}, {"rules", "check", "x"}, {"rules", "validate", "/nonexistent.yaml"}} {
		code, _, stderr = run(t, env{}, args...)
		assert.Equal(t, exitUsage, code, "%v", args)
		requireOneLine(t, stderr, "rules")
	}
}
