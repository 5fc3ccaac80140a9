package eligibility

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func asValidationError(err error, target **ValidationError) bool {
	return errors.As(err, target)
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(data)
}

// lineOf returns the 1-based line of the only occurrence of s in doc.
func lineOf(t *testing.T, doc, s string) int {
	t.Helper()
	require.Equal(t, 1, strings.Count(doc, s), "%q must occur once", s)
	return strings.Count(doc[:strings.Index(doc, s)], "\n") + 1
}

// problems parses doc and returns the problems it must have.
func problems(t *testing.T, doc string) []string {
	t.Helper()
	c, err := ParseCatalog([]byte(doc))
	require.Error(t, err, "the catalogue should be invalid")
	assert.Nil(t, c)
	var ve *ValidationError
	require.True(t, asValidationError(err, &ve), "want a *ValidationError, got %T: %v", err, err)
	require.NotEmpty(t, ve.Problems)
	for _, p := range ve.Problems {
		assert.Contains(t, err.Error(), p, "Error() lists every problem")
	}
	return ve.Problems
}

// problem is one expected problem: where (a path, or "line N" for what the
// YAML decoder finds) and what.
type problem struct {
	at   string
	what string
}

func requireProblems(t *testing.T, got []string, want []problem) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, g := range got {
			if strings.HasPrefix(g, w.at) && strings.Contains(g, w.what) {
				found = true
				break
			}
		}
		assert.True(t, found, "no problem at %q saying %q among:\n%s", w.at, w.what, strings.Join(got, "\n"))
	}
	assert.Len(t, got, len(want), "exactly the expected problems:\n%s", strings.Join(got, "\n"))
}

func TestValidSmallCatalog(t *testing.T) {
	c, err := LoadCatalog(filepath.Join("testdata", "valid_small.yaml"))
	require.NoError(t, err)
	assert.Equal(t, "test-edition", c.ID)
	f := NewFacts()
	f.Bools[Ref{Fact: "agreement"}] = true
	f.Numbers[Ref{Fact: "consumption", Key: "infra"}] = 999
	f.Enums[Ref{Fact: "interview", Key: "infra"}] = "passed"
	f.EmployeesKnown = true
	f.Employees = []Employee{emp("A", "cse", "protection"), emp("B", "cse")}
	res := Evaluate(c, f, testToday(t)).Results[0]
	assert.Equal(t, NotEligible, res.Status)
	assert.Equal(t, []string{"agreement", "consumption", "employees", "interview"}, condIDs(res.Conditions))
	assert.Equal(t, int64(1), findCond(t, res.Ahead(), "consumption").Short)
}

// TestValidateOneProblem derives catalogues with one mistake each from
// testdata/valid_small.yaml.
func TestValidateOneProblem(t *testing.T) {
	base := readTestdata(t, "valid_small.yaml")
	const (
		infra       = "specializations[infra]"
		consumption = "specializations[infra].conditions[consumption]"
		employees   = "specializations[infra].conditions[employees]"
		interview   = "specializations[infra].conditions[interview]"
	)
	extraCert := "  - id: cse\n    name: {en: Again, ru: Снова}\nfacts:\n"
	tests := []struct {
		name     string
		old, new string
		want     []problem
	}{
		{"unknown fact", "fact: consumption\n        key: $specialization", "fact: turnover\n        key: $specialization",
			[]problem{{consumption, `unknown fact "turnover"`}}},
		{"threshold of the wrong type: a word", "at_least: 1000", `at_least: "lots"`,
			[]problem{{"line:lots", "lots"}}},
		{"threshold of the wrong type: a list", "at_least: 1000", "at_least: [1000]",
			[]problem{{"line:[1000]", "int64"}}},
		{"negative at_least", "at_least: 1000", "at_least: -1",
			[]problem{{consumption + ".at_least", "must not be negative"}}},
		{"negative exceeds", "at_least: 1000", "exceeds: -1",
			[]problem{{consumption + ".exceeds", "must not be negative"}}},
		{"role with no certificate", "all_of: [cse]\n", "all_of: []\n",
			[]problem{{employees + ".roles[0]", "role with no certificate"}}},
		{"unknown certificate in all_of", "all_of: [cse, protection]", "all_of: [cse, firewall]",
			[]problem{{employees + ".roles[1]", `unknown certificate "firewall"`}}},
		{"unknown certificate in any_of", "all_of: [cse, protection]", "any_of: [cse, firewall]",
			[]problem{{employees + ".roles[1]", `unknown certificate "firewall"`}}},
		{"missing translation of a specialization", "name: {en: Infra, ru: Инфра}", "name: {en: Infra}",
			[]problem{{infra + ".name", "missing ru translation"}}},
		{"blank translation of a condition", "name: {en: Consumption per year, ru: Потребление в год}", `name: {en: Consumption per year, ru: " "}`,
			[]problem{{consumption + ".name", "missing ru translation"}}},
		{"missing translation of a role", "name: {en: second, ru: второй}", "name: {ru: второй}",
			[]problem{{employees + ".roles[1].name", "missing en translation"}}},
		{"missing translation of a question", `question: {en: "Signed?", ru: "Подписано?"}`, `question: {en: "Signed?"}`,
			[]problem{{"facts[agreement].question", "missing ru translation"}}},
		{"missing translation of an enum value", "{id: failed, name: {en: Failed, ru: Не пройдено}}", "{id: failed, name: {en: Failed}}",
			[]problem{{"facts[interview].values[1].name", "missing ru translation"}}},
		{"missing translation of a certificate", "name: {en: Protection, ru: Защита}", "name: {en: Protection}",
			[]problem{{"certificates[protection].name", "missing ru translation"}}},
		{"duplicate certificate id", "facts:\n", extraCert,
			[]problem{{"certificates[cse]", `duplicate id "cse"`}}},
		{"duplicate fact id", "common:\n", "  - id: agreement\n    type: bool\n    name: {en: A, ru: А}\n    question: {en: Q, ru: В}\ncommon:\n",
			[]problem{{"facts[agreement]", `duplicate id "agreement"`}}},
		{"duplicate specialization id", "        equals: passed\n", "        equals: passed\n  - id: infra\n    name: {en: Again, ru: Снова}\n",
			[]problem{{infra, `duplicate id "infra"`}}},
		{"duplicate condition id in a specialization", "      - id: interview\n", "      - id: consumption\n",
			[]problem{{consumption, `duplicate id "consumption"`}}},
		{"specialization condition repeats a common id", "      - id: interview\n", "      - id: agreement\n",
			[]problem{{"specializations[infra].conditions[agreement]", `duplicate id "agreement"`}}},
		{"duplicate common condition id", "specializations:\n", "  - {id: agreement, name: {en: Again, ru: Снова}, fact: agreement, is: true}\nspecializations:\n",
			[]problem{{"common[agreement]", `duplicate id "agreement"`}}},
		{"duplicate enum value", "{id: failed, name:", "{id: passed, name:",
			[]problem{{"facts[interview].values[1]", `duplicate id "passed"`}}},
		{"missing condition id", "      - id: interview\n", "      - id: \"\"\n",
			[]problem{{"specializations[infra].conditions[2]", "missing id"}}},
		{"unknown key in a condition", "        equals: passed\n", "        equals: passed\n        colour: blue\n",
			[]problem{{"line:colour", "field colour not found"}}},
		{"unknown top-level key", "languages: [en, ru]\n", "languages: [en, ru]\nedition: 2\n",
			[]problem{{"line:edition: 2", "field edition not found"}}},
		{"equals on a money fact", "fact: interview\n        key: infra", "fact: consumption\n        key: infra",
			[]problem{{interview, "equals needs an enum fact"}}},
		{"equals on a bool fact", "fact: interview\n        key: infra", "fact: agreement",
			[]problem{{interview, "equals needs an enum fact"}}},
		{"equals a value the enum lacks", "equals: passed", "equals: maybe",
			[]problem{{interview, `"maybe" is not a value of "interview"`}}},
		{"is on a money fact", "at_least: 1000", "is: true",
			[]problem{{consumption, "is needs a bool fact"}}},
		{"at_least on an enum", "equals: passed", "at_least: 1",
			[]problem{{interview, "at_least needs a count or money fact"}}},
		{"bad month 13", "  - month: 10\n", "  - month: 13\n",
			[]problem{{"windows[1].month", "13 is not a month"}}},
		{"bad month 0", "  - month: 4\n", "  - month: 0\n",
			[]problem{{"windows[0].month", "0 is not a month"}}},
		{"duplicate month", "  - month: 10\n", "  - month: 4\n",
			[]problem{{"windows[1].month", "duplicate month 4"}}},
		{"window of an unknown level", "  - month: 10\n", "  - month: 10\n    levels: [expert]\n",
			[]problem{{"windows[1].levels", `unknown level "expert"`}}},
		{"no rule", "        equals: passed\n", "",
			[]problem{{interview, "no rule"}}},
		{"two rules", "        at_least: 1000\n", "        at_least: 1000\n        exceeds: 1000\n",
			[]problem{{consumption, "more than one rule"}}},
		{"key that the fact lacks", "key: infra", "key: mars",
			[]problem{{interview, `"mars" is not a key of fact "interview"`}}},
		{"keyed fact without a key", "        key: $specialization\n", "",
			[]problem{{consumption, `fact "consumption" needs a key`}}},
		{"key on a fact without keys", "    fact: agreement\n", "    fact: agreement\n    key: infra\n",
			[]problem{{"common[agreement]", `fact "agreement" has no keys`}}},
		{"roles with a fact", "        roles:\n", "        fact: agreement\n        roles:\n",
			[]problem{{employees, "roles read the employees fact"}}},
		{"unknown fact type", "type: bool", "type: boolean",
			[]problem{{"facts[agreement]", `unknown type "boolean"`}, {"common[agreement]", "is needs a bool fact"}}},
		{"enum without values", "    values:\n      - {id: passed, name: {en: Passed, ru: Пройдено}}\n      - {id: failed, name: {en: Failed, ru: Не пройдено}}\n", "",
			[]problem{{"facts[interview]", "an enum needs values"}, {interview, `"passed" is not a value of "interview"`}}},
		{"keys that are neither a list nor specializations", "keys: specializations\n    name: {en: Consumption", "keys: planets\n    name: {en: Consumption",
			[]problem{{"facts[consumption].keys", `"planets" is neither`}, {consumption, `fact "consumption" has no keys`}}},
		{"certificate link that is not a web link", "url: https://example.com/cse", "url: example.com/cse",
			[]problem{{"certificates[cse].url", "not a web link"}}},
		{"missing catalogue id", "id: test-edition\n", "",
			[]problem{{"id", "missing"}}},
		{"both conditions and levels", "    conditions:\n      - id: consumption\n",
			"    levels:\n      - id: pro\n        name: {en: Pro, ru: Про}\n        conditions:\n          - {id: a, name: {en: A, ru: А}, fact: agreement, is: true}\n    conditions:\n      - id: consumption\n",
			[]problem{{infra, "both conditions and levels"}}},
		{"no windows", "windows:\n  - month: 4\n  - month: 10\n", "",
			[]problem{{"windows", "none declared"}}},
		{"syntax error", "name: {en: Infra, ru: Инфра}", "name: {en: Infra, ru: Инфра",
			[]problem{{"", "yaml"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, 1, strings.Count(base, tt.old), "%q must occur once in the base", tt.old)
			doc := strings.Replace(base, tt.old, tt.new, 1)
			want := make([]problem, len(tt.want))
			for i, w := range tt.want {
				// "line:TEXT" is the line where TEXT is in the document.
				if text, ok := strings.CutPrefix(w.at, "line:"); ok {
					w.at = "line " + strconv.Itoa(lineOf(t, doc, text))
				}
				want[i] = w
			}
			requireProblems(t, problems(t, doc), want)
		})
	}
}

// TestValidateFractionalThreshold: a fraction must not be truncated into a
// whole threshold silently.
func TestValidateFractionalThreshold(t *testing.T) {
	base := readTestdata(t, "valid_small.yaml")
	tests := []struct {
		name, value string
	}{
		{"at_least 1.5", "at_least: 1.5"},
		{"exceeds 999.9", "exceeds: 999.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(base, "at_least: 1000", tt.value, 1)
			c, err := ParseCatalog([]byte(doc))
			if !assert.Error(t, err, "a fractional threshold is accepted") {
				cond := c.Specializations[0].Conditions[0]
				t.Logf("at_least=%v exceeds=%v", deref(cond.AtLeast), deref(cond.Exceeds))
				return
			}
			var ve *ValidationError
			require.True(t, asValidationError(err, &ve))
			require.Len(t, ve.Problems, 1)
			p := ve.Problems[0]
			assert.True(t, strings.HasPrefix(p, "specializations[infra].conditions[consumption]") ||
				strings.HasPrefix(p, "line "+strconv.Itoa(lineOf(t, doc, tt.value))), "names where: %s", p)
		})
	}
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestValidateManyProblems: every problem of testdata/invalid_many.yaml is
// reported at once, each naming where it is.
func TestValidateManyProblems(t *testing.T) {
	doc := readTestdata(t, "invalid_many.yaml")
	line := func(s string) string { return "line " + strconv.Itoa(lineOf(t, doc, s)) }
	const infra = "specializations[infra]"
	want := []problem{
		{line("edition: 2"), "field edition not found"},
		{line(`at_least: "lots"`), "lots"},
		{"windows[1].month", "13 is not a month"},
		{"certificates[cse]", `duplicate id "cse"`},
		{"certificates[compliance].name", "missing ru translation"},
		{infra + ".conditions[turnover]", `unknown fact "turnover"`},
		{infra + ".conditions[refund].exceeds", "threshold must not be negative"},
		{infra + ".conditions[employees].roles[0]", "role with no certificate"},
		{infra + ".conditions[employees].roles[1]", `unknown certificate "firewall"`},
		{infra + ".conditions[signed]", "equals needs an enum fact"},
		{infra, `duplicate id "infra"`},
	}
	assert.Equal(t, len(want), strings.Count(doc, "# PROBLEM"), "one expected problem per marked line")

	got := problems(t, doc)
	requireProblems(t, got, want)

	t.Run("through LoadCatalog", func(t *testing.T) {
		path := filepath.Join("testdata", "invalid_many.yaml")
		_, err := LoadCatalog(path)
		require.Error(t, err)
		assert.Contains(t, err.Error(), path)
		var ve *ValidationError
		require.True(t, asValidationError(err, &ve))
		assert.Equal(t, got, ve.Problems)
		assert.Contains(t, err.Error(), "11 problems")
	})
}

func TestValidationErrorMessage(t *testing.T) {
	one := &ValidationError{Problems: []string{"id: missing"}}
	assert.Equal(t, "invalid catalog: id: missing", one.Error())
	two := &ValidationError{Problems: []string{"id: missing", "windows: none declared"}}
	assert.Equal(t, "invalid catalog: 2 problems: id: missing; windows: none declared", two.Error())
}

// tieredCatalog has levels, a count_keys condition, three roles and a
// window that grants only one level.
const tieredCatalog = `
id: tiered-test
name: {en: Tiered test, ru: Уровни}
windows:
  - month: 4
  - month: 10
    levels: [professional]
certificates:
  - {id: a, name: {en: A, ru: А}, url: https://example.com/a}
  - {id: b, name: {en: B, ru: Б}, url: https://example.com/b}
  - {id: c, name: {en: C, ru: В}, url: https://example.com/c}
facts:
  - id: agreement
    type: bool
    name: {en: Agreement, ru: Соглашение}
    question: {en: "Signed?", ru: "Подписано?"}
  - id: service_rub_year
    type: money
    keys:
      - {id: compute, name: {en: Compute, ru: Вычисления}}
      - {id: storage, name: {en: Storage, ru: Хранение}}
      - {id: network, name: {en: Network, ru: Сеть}}
    name: {en: Consumption per service, ru: Потребление по сервисам}
    question: {en: "How much of {key}?", ru: "Сколько {key}?"}
  - id: employees
    type: employees
    name: {en: Employees, ru: Сотрудники}
    question: {en: "Who?", ru: "Кто?"}
common:
  - {id: agreement, name: {en: Agreement, ru: Соглашение}, fact: agreement, is: true}
specializations:
  - id: infra
    name: {en: Infra, ru: Инфра}
    levels:
      - id: professional
        name: {en: Professional, ru: Профессионал}
        conditions:
          - id: services
            name: {en: "One service above 499,999", ru: "Один сервис выше 499 999"}
            fact: service_rub_year
            count_keys: {exceeds: 499999, at_least: 1}
          - id: employees
            name: {en: Two employees, ru: Два сотрудника}
            roles:
              - {name: {en: first, ru: первый}, all_of: [a]}
              - {name: {en: second, ru: второй}, all_of: [a, b]}
      - id: expert
        name: {en: Expert, ru: Эксперт}
        conditions:
          - id: services
            name: {en: "Two services above 499,999", ru: "Два сервиса выше 499 999"}
            fact: service_rub_year
            count_keys: {exceeds: 499999, at_least: 2}
          - id: employees
            name: {en: Three employees, ru: Три сотрудника}
            roles:
              - {name: {en: first, ru: первый}, all_of: [a]}
              - {name: {en: second, ru: второй}, all_of: [b]}
              - {name: {en: third, ru: третий}, all_of: [c]}
`

func tieredFacts(compute, storage, network int64, employees ...Employee) Facts {
	f := NewFacts()
	f.Bools[Ref{Fact: "agreement"}] = true
	for key, v := range map[string]int64{"compute": compute, "storage": storage, "network": network} {
		if v >= 0 {
			f.Numbers[Ref{Fact: "service_rub_year", Key: key}] = v
		}
	}
	f.EmployeesKnown = true
	f.Employees = employees
	return f
}

func TestTieredCatalog(t *testing.T) {
	c, err := ParseCatalog([]byte(tieredCatalog))
	require.NoError(t, err)
	assert.True(t, c.HasLevels())
	s, ok := c.Specialization("infra")
	require.True(t, ok)
	require.Len(t, s.AllLevels(), 2)
	require.Len(t, s.Levels[1].Conditions[1].Roles, 3)

	chain := []Employee{emp("AB", "a", "b"), emp("BC", "b", "c"), emp("A", "a")}
	tests := []struct {
		name     string
		facts    Facts
		status   Status
		level    string
		target   string
		levels   []Status
		services ConditionStatus // of the target level (or the highest)
		short    int64
		roles    ConditionStatus
	}{
		{"expert: two services and three people by a chain", tieredFacts(500_000, 500_000, 0, chain...),
			Eligible, "expert", "", []Status{Eligible, Eligible}, Met, 0, Met},
		{"professional only: one service exceeds, 499,999 does not", tieredFacts(500_000, 499_999, 0, emp("A", "a"), emp("AB", "a", "b")),
			Eligible, "professional", "expert", []Status{Eligible, NotEligible}, NotMet, 1, NotMet},
		{"professional, expert open on an unknown service", tieredFacts(600_000, -1, 0, chain...),
			Eligible, "professional", "expert", []Status{Eligible, Incomplete}, Unknown, 0, Met},
		{"nothing reached", tieredFacts(0, 0, 0, emp("A", "a")),
			NotEligible, "", "professional", []Status{NotEligible, NotEligible}, NotMet, 1, NotMet},
		{"nothing known", tieredFacts(-1, -1, -1), // employees known but empty
			NotEligible, "", "professional", []Status{NotEligible, NotEligible}, Unknown, 0, NotMet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(c, tt.facts, testToday(t))
			require.Len(t, r.Results, 1)
			res := r.Results[0]
			assert.Equal(t, tt.status, res.Status)
			assert.Equal(t, tt.level, res.Level)
			assert.Equal(t, tt.target, res.Target)
			require.Len(t, res.Levels, 2)
			for i, l := range res.Levels {
				assert.Equal(t, tt.levels[i], l.Status, "level %s", l.Level)
				assert.Equal(t, "agreement", l.Conditions[0].ID, "common conditions in every level")
			}
			services := findCond(t, res.Ahead(), "services")
			assert.Equal(t, tt.services, services.Status)
			assert.Equal(t, tt.short, services.Short)
			assert.True(t, services.Exceeds)
			require.NotNil(t, services.Threshold)
			assert.Equal(t, int64(499_999), *services.Threshold)
			assert.Equal(t, tt.roles, findCond(t, res.Ahead(), "employees").Status)
		})
	}

	t.Run("the qualified services are named", func(t *testing.T) {
		r := Evaluate(c, tieredFacts(500_000, 0, 700_000, chain...), testToday(t))
		services := findCond(t, r.Results[0].Conditions, "services")
		assert.Equal(t, []string{"compute", "network"}, services.Qualified)
		assert.Equal(t, 2, services.Need)
	})

	t.Run("the October window grants professional only", func(t *testing.T) {
		may := time.Date(2027, time.May, 10, 9, 0, 0, 0, moscow(t))
		w := Evaluate(c, tieredFacts(0, 0, 0), may).Window
		assert.Equal(t, 10, w.Month)
		assert.Equal(t, []string{"professional"}, w.Levels)
	})
}

func TestValidateLevelsAndCountKeys(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     []problem
	}{
		{"count_keys with a key", "count_keys: {exceeds: 499999, at_least: 2}", "key: compute\n            count_keys: {exceeds: 499999, at_least: 2}",
			[]problem{{"specializations[infra].levels[1].conditions[services]", "count_keys counts every key"}}},
		{"count_keys needing none", "count_keys: {exceeds: 499999, at_least: 2}", "count_keys: {exceeds: 499999, at_least: 0}",
			[]problem{{"specializations[infra].levels[1].conditions[services].count_keys.at_least", "must be at least 1"}}},
		{"count_keys on a fact without keys", "fact: service_rub_year\n            count_keys: {exceeds: 499999, at_least: 2}", "fact: agreement\n            count_keys: {exceeds: 499999, at_least: 2}",
			[]problem{{"specializations[infra].levels[1].conditions[services]", "count_keys needs a count or money fact"},
				{"specializations[infra].levels[1].conditions[services]", "count_keys needs a fact with keys"}}},
		{"duplicate level id", "      - id: expert\n", "      - id: professional\n",
			[]problem{{"specializations[infra].levels[1]", `duplicate id "professional"`}}},
		{"level without conditions", "      - id: expert\n        name: {en: Expert, ru: Эксперт}\n", "      - id: master\n        name: {en: Master, ru: Мастер}\n      - id: expert\n        name: {en: Expert, ru: Эксперт}\n",
			[]problem{{"specializations[infra].levels[1]", "has no conditions"}}},
		{"level name without a translation", "name: {en: Expert, ru: Эксперт}", "name: {en: Expert}",
			[]problem{{"specializations[infra].levels[1].name", "missing ru translation"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, 1, strings.Count(tieredCatalog, tt.old), "%q must occur once", tt.old)
			requireProblems(t, problems(t, strings.Replace(tieredCatalog, tt.old, tt.new, 1)), tt.want)
		})
	}
}
