package eligibility

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// designFacts is the facts file of DESIGN.md, kept once in
// docs/example-facts.json (the README's example too).
var designFacts = func() string {
	data, err := os.ReadFile("../docs/example-facts.json")
	if err != nil {
		panic(err)
	}
	return string(data)
}()

func parseDefault(t *testing.T, data string) (Facts, error) {
	t.Helper()
	return ParseFacts(defaultCatalog(t), []byte(data))
}

func TestParseFactsDesignExample(t *testing.T) {
	f, err := parseDefault(t, designFacts)
	require.NoError(t, err)

	assert.Equal(t, map[Ref]bool{
		{Fact: "partner_agreement"}: true,
		{Fact: "business_plan"}:     true,
	}, f.Bools)
	assert.Equal(t, map[Ref]int64{
		{Fact: "verified_solutions", Key: "infrastructure"}:     1,
		{Fact: "verified_solutions", Key: "devops"}:             0,
		{Fact: "consumption_rub_year", Key: "infrastructure"}:   12_000_000,
		{Fact: "consumption_rub_year", Key: "devops"}:           1_500_000,
		{Fact: "consumption_rub_year", Key: "data_platform"}:    0,
		{Fact: "brand_voice_projects", Key: "premium"}:          0,
		{Fact: "brand_voice_projects", Key: "self_service"}:     0,
		{Fact: "brand_voice_projects", Key: "call_center"}:      1,
		{Fact: "brand_voice_call_center_rub_month"}:             150_000,
		{Fact: "projects_per_year", Key: "security_compliance"}: 2,
	}, f.Numbers)
	assert.Equal(t, map[Ref]string{
		{Fact: "architect_interview", Key: "infrastructure"}: "passed",
		{Fact: "architect_interview", Key: "devops"}:         "scheduled",
	}, f.Enums)
	assert.True(t, f.EmployeesKnown)
	assert.Equal(t, []Employee{
		emp("Anna", certCSE, certProtection),
		emp("Oleg", certCSE),
	}, f.Employees)

	// What is left out stays unknown, not "no".
	assert.False(t, f.Known(Ref{Fact: "verified_solutions", Key: "ml_ai"}))
	assert.False(t, f.Known(Ref{Fact: "architect_interview", Key: "data_platform"}))
	assert.True(t, f.Known(Ref{Fact: "consumption_rub_year", Key: "data_platform"}), "0 is known")
	assert.True(t, f.Known(Ref{Fact: "partner_agreement"}))
	assert.True(t, f.Known(Ref{Fact: "architect_interview", Key: "devops"}))
}

func TestParseFactsGood(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		check func(t *testing.T, f Facts)
	}{
		{"empty object: everything unknown", `{}`, func(t *testing.T, f Facts) {
			assert.Empty(t, f.Bools)
			assert.Empty(t, f.Numbers)
			assert.Empty(t, f.Enums)
			assert.False(t, f.EmployeesKnown)
		}},
		{"a byte-order mark is skipped", "\ufeff" + `{"partner_agreement": true}`, func(t *testing.T, f Facts) {
			assert.True(t, f.Bools[Ref{Fact: "partner_agreement"}])
		}},
		{"empty employees list is known", `{"employees": []}`, func(t *testing.T, f Facts) {
			assert.True(t, f.EmployeesKnown)
			assert.Empty(t, f.Employees)
		}},
		{"false is known", `{"business_plan": false}`, func(t *testing.T, f Facts) {
			v, ok := f.Bools[Ref{Fact: "business_plan"}]
			assert.True(t, ok)
			assert.False(t, v)
		}},
		{"an employee without a name is numbered", `{"employees": [{"certs": ["managed_greenplum"]}, {"name": " ", "certs": []}]}`, func(t *testing.T, f Facts) {
			require.Len(t, f.Employees, 2)
			assert.Equal(t, "#1", f.Employees[0].Name)
			assert.Equal(t, "#2", f.Employees[1].Name)
			assert.True(t, f.Employees[0].Has(certGreenplum))
		}},
		{"large amounts", `{"consumption_rub_year": {"infrastructure": 999999999999}}`, func(t *testing.T, f Facts) {
			assert.Equal(t, int64(999_999_999_999), f.Numbers[Ref{Fact: "consumption_rub_year", Key: "infrastructure"}])
		}},
		{"whitespace around", " \n\t{\"business_plan\": true}\n ", func(t *testing.T, f Facts) {
			assert.True(t, f.Bools[Ref{Fact: "business_plan"}])
		}},
		{"every interview value", `{"architect_interview": {"infrastructure": "passed", "devops": "scheduled", "data_platform": "failed", "security_compliance": "none"}}`,
			func(t *testing.T, f Facts) {
				assert.Len(t, f.Enums, 4)
				assert.Equal(t, "none", f.Enums[Ref{Fact: "architect_interview", Key: "security_compliance"}])
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parseDefault(t, tt.data)
			require.NoError(t, err)
			tt.check(t, f)
		})
	}
}

// TestParseFactsBad: every bad input is a *FactError naming the field ("" for
// the document as a whole).
func TestParseFactsBad(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		field string
	}{
		{"unknown key", `{"partner_agreement": true, "turnover": 5}`, "turnover"},
		{"unknown specialization id", `{"consumption_rub_year": {"infrastructure": 1, "quantum": 5}}`, "consumption_rub_year.quantum"},
		{"unknown specialization id in verified solutions", `{"verified_solutions": {"ml": 1}}`, "verified_solutions.ml"},
		{"unknown Brand Voice key", `{"brand_voice_projects": {"gold": 1}}`, "brand_voice_projects.gold"},
		{"unknown certificate id", `{"employees": [{"name": "Anna", "certs": ["cloud_service_engineer", "kubernetes"]}]}`, "employees[0].certs[1]"},
		{"unknown certificate id of the second employee", `{"employees": [{"name": "A", "certs": []}, {"name": "B", "certs": ["aws"]}]}`, "employees[1].certs[0]"},
		{"unknown interview value", `{"architect_interview": {"devops": "maybe"}}`, "architect_interview.devops"},
		{"interview value of the wrong case", `{"architect_interview": {"devops": "Passed"}}`, "architect_interview.devops"},
		{"interview as a number", `{"architect_interview": {"devops": 1}}`, "architect_interview.devops"},
		{"negative amount", `{"consumption_rub_year": {"devops": -1}}`, "consumption_rub_year.devops"},
		{"negative count", `{"projects_per_year": {"security_compliance": -2}}`, "projects_per_year.security_compliance"},
		{"negative single amount", `{"brand_voice_call_center_rub_month": -100000}`, "brand_voice_call_center_rub_month"},
		{"fractional amount", `{"consumption_rub_year": {"devops": 1999999.5}}`, "consumption_rub_year.devops"},
		{"fractional count", `{"verified_solutions": {"devops": 1.5}}`, "verified_solutions.devops"},
		{"amount beyond int64", `{"brand_voice_call_center_rub_month": 99999999999999999999}`, "brand_voice_call_center_rub_month"},
		{"amount above the declared max", `{"verified_solutions": {"devops": 100001}}`, "verified_solutions.devops"},
		{"string instead of a number: a word", `{"consumption_rub_year": {"devops": "lots"}}`, "consumption_rub_year.devops"},
		{"string instead of a number: digits", `{"consumption_rub_year": {"devops": "2000000"}}`, "consumption_rub_year.devops"},
		{"string instead of a single number", `{"brand_voice_call_center_rub_month": "150000"}`, "brand_voice_call_center_rub_month"},
		{"bool instead of a number", `{"projects_per_year": {"security_compliance": true}}`, "projects_per_year.security_compliance"},
		{"string instead of a bool", `{"partner_agreement": "yes"}`, "partner_agreement"},
		{"number instead of a bool", `{"business_plan": 1}`, "business_plan"},
		{"number instead of a map", `{"consumption_rub_year": 12000000}`, "consumption_rub_year"},
		{"list instead of a map", `{"verified_solutions": [1, 2]}`, "verified_solutions"},
		{"map instead of a number", `{"brand_voice_call_center_rub_month": {"premium": 1}}`, "brand_voice_call_center_rub_month"},
		{"employees not a list", `{"employees": {"name": "Anna"}}`, "employees"},
		{"employee not an object", `{"employees": ["Anna"]}`, "employees[0]"},
		{"employee with an unknown field", `{"employees": [{"name": "Anna", "certs": [], "role": "cto"}]}`, "employees[0].role"},
		{"employee certs not a list", `{"employees": [{"name": "Anna", "certs": "cloud_service_engineer"}]}`, "employees[0].certs"},
		{"null at the top", `{"partner_agreement": null}`, "partner_agreement"},
		{"null in a map", `{"consumption_rub_year": {"devops": null}}`, "consumption_rub_year.devops"},
		{"null employees", `{"employees": null}`, "employees"},
		{"null employee", `{"employees": [null]}`, "employees[0]"},
		{"employee without certs", `{"employees": [{"name": "Oleg"}]}`, "employees[0].certs"},
		{"employee certs null", `{"employees": [{"name": "Oleg", "certs": null}]}`, "employees[0].certs"},
		{"duplicate key at the top", `{"partner_agreement": true, "partner_agreement": false}`, "partner_agreement"},
		{"duplicate key in a map", `{"consumption_rub_year": {"devops": 1, "devops": 2}}`, "consumption_rub_year.devops"},
		{"duplicate key in an employee", `{"employees": [{"name": "A", "name": "B", "certs": []}]}`, "employees[0].name"},
		{"two employees of one name", `{"employees": [{"name": "Anna", "certs": []}, {"name": " anna ", "certs": []}]}`, "employees"},
		{"a number too large", `{"consumption_rub_year": {"devops": 99999999999999999999999}}`, "consumption_rub_year.devops"},
		{"top-level number", `42`, ""},
		{"top-level null", `null`, ""},
		{"broken JSON", `{"partner_agreement": tru}`, ""},
		{"unterminated JSON", `{"partner_agreement": true`, ""},
		{"trailing garbage", `{"partner_agreement": true} x`, ""},
		{"two objects", `{"partner_agreement": true}{"business_plan": true}`, ""},
		{"top-level array", `[{"partner_agreement": true}]`, ""},
		{"top-level string", `"facts"`, ""},
		{"top-level null", `null`, ""},
		{"empty input", ``, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseDefault(t, tt.data)
			require.Error(t, err)
			var fe *FactError
			require.True(t, errors.As(err, &fe), "want a *FactError, got %T: %v", err, err)
			assert.Equal(t, tt.field, fe.Field)
			assert.NotEmpty(t, fe.Problem)
			for _, goWord := range []string{"Go ", "map[", "[]", "int64", "json.", "struct {", "Go struct", "string into", "RawMessage", "eligibility."} {
				assert.NotContains(t, err.Error(), goWord, "no Go type names in %q", err.Error())
			}
		})
	}
}

func TestParseFactsFirstProblemIsDeterministic(t *testing.T) {
	data := `{"zeta": 1, "alpha": 2, "consumption_rub_year": {"devops": -1}}`
	for range 20 {
		_, err := parseDefault(t, data)
		var fe *FactError
		require.True(t, errors.As(err, &fe))
		require.Equal(t, "alpha", fe.Field, "keys are checked in sorted order")
	}
}

func TestFactErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *FactError
		want string
	}{
		{"with a field", &FactError{Field: "consumption_rub_year.devops", Problem: "must not be negative, got -1"},
			"facts: consumption_rub_year.devops: must not be negative, got -1"},
		{"whole document", &FactError{Problem: "want a JSON object"}, "facts: want a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
		})
	}
}

func TestFactsMarshalRoundTrip(t *testing.T) {
	c := defaultCatalog(t)
	tests := []struct {
		name string
		data string
	}{
		{"design example", designFacts},
		{"empty", `{}`},
		{"known empty employees", `{"employees": []}`},
		{"unnamed employee and an employee without certs", `{"employees": [{"certs": ["managed_clickhouse"]}, {"name": "Oleg", "certs": []}]}`},
		{"every interview value and zeros", `{"architect_interview": {"infrastructure": "passed", "devops": "scheduled", "data_platform": "failed", "security_compliance": "none"},
			"verified_solutions": {"ml_ai": 0}, "partner_agreement": false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, err := ParseFacts(c, []byte(tt.data))
			require.NoError(t, err)
			out, err := json.Marshal(first)
			require.NoError(t, err)
			second, err := ParseFacts(c, out)
			require.NoError(t, err, "marshalled facts must parse: %s", out)
			assert.Equal(t, first, second)

			// And the marshalled form is stable.
			again, err := json.Marshal(second)
			require.NoError(t, err)
			assert.JSONEq(t, string(out), string(again))
		})
	}

	t.Run("unknown values are left out", func(t *testing.T) {
		out, err := json.Marshal(NewFacts())
		require.NoError(t, err)
		assert.JSONEq(t, `{}`, string(out))
	})
	t.Run("known empty employees are kept", func(t *testing.T) {
		f := NewFacts()
		f.EmployeesKnown = true
		out, err := json.Marshal(f)
		require.NoError(t, err)
		assert.JSONEq(t, `{"employees": []}`, string(out))
	})
	t.Run("from built facts", func(t *testing.T) {
		f := allMetFacts()
		out, err := json.Marshal(f)
		require.NoError(t, err)
		back, err := ParseFacts(c, out)
		require.NoError(t, err)
		assert.Equal(t, f, back)
	})
}

func TestFactsCloneAndForget(t *testing.T) {
	f, err := parseDefault(t, designFacts)
	require.NoError(t, err)
	c := f.Clone()
	require.Equal(t, f, c)

	ref := Ref{Fact: "consumption_rub_year", Key: "devops"}
	c.Forget(ref)
	c.Bools[Ref{Fact: "business_plan"}] = false
	c.Employees[0].Certs[0] = certCompliance
	assert.False(t, c.Known(ref))
	assert.True(t, f.Known(ref), "the original is untouched")
	assert.True(t, f.Bools[Ref{Fact: "business_plan"}])
	assert.Equal(t, certCSE, f.Employees[0].Certs[0])
}

func TestRefString(t *testing.T) {
	assert.Equal(t, "partner_agreement", Ref{Fact: "partner_agreement"}.String())
	assert.Equal(t, "consumption_rub_year.devops", Ref{Fact: "consumption_rub_year", Key: "devops"}.String())
}

func TestParseStoredFactsChecksTheCatalogueButNotKeysTwice(t *testing.T) {
	c := DefaultCatalog()
	want, err := ParseFacts(c, []byte(`{"partner_agreement":true,"consumption_rub_year":{"devops":1500000}}`))
	require.NoError(t, err)
	got, err := ParseStoredFacts(c, []byte(`{"partner_agreement":true,"consumption_rub_year":{"devops":1500000}}`))
	require.NoError(t, err)
	assert.Equal(t, want, got)

	// What an edition no longer has is refused, as a session stored under
	// another edition must be.
	_, err = ParseStoredFacts(c, []byte(`{"no_such_fact":true}`))
	var fe *FactError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "no_such_fact", fe.Field)
	_, err = ParseStoredFacts(c, []byte(`{"consumption_rub_year":{"devops":"many"}}`))
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "consumption_rub_year.devops", fe.Field)

	// A key twice, which only a person's file can hold, is ParseFacts's
	// to refuse.
	twice := []byte(`{"partner_agreement":true,"partner_agreement":false}`)
	_, err = ParseFacts(c, twice)
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "given twice", fe.Problem)
	_, err = ParseStoredFacts(c, twice)
	assert.NoError(t, err)
}

func TestFactsEqual(t *testing.T) {
	c := DefaultCatalog()
	f, err := ParseFacts(c, []byte(`{"partner_agreement":true,"consumption_rub_year":{"devops":1500000},
		"employees":[{"name":"Anna","certs":["cloud_service_engineer"]}]}`))
	require.NoError(t, err)
	g := f.Clone()
	assert.True(t, f.Equal(g))

	g.Numbers[Ref{Fact: "consumption_rub_year", Key: "devops"}] = 1500001
	assert.False(t, f.Equal(g), "a number changed")
	g = f.Clone()
	g.Employees[0].Certs = append(g.Employees[0].Certs, "infrastructure_protection")
	assert.False(t, f.Equal(g), "a certificate added")
	g = f.Clone()
	g.Employees[0].Earned = map[string]string{"cloud_service_engineer": "2026-01"}
	assert.False(t, f.Equal(g), "a month earned")

	none, empty := NewFacts(), NewFacts()
	none.EmployeesKnown, empty.EmployeesKnown, empty.Employees = true, true, []Employee{}
	assert.True(t, none.Equal(empty), "no employees known is an empty list")
	empty.EmployeesKnown = false
	assert.False(t, none.Equal(empty), "known and unknown differ")
}

// TestPlainValuesReadAsTheDecoderReadsThem: a value read directly (true or
// false, digits, a string without escapes) gives what the JSON decoder
// gives, and every other value, refusals included, still goes to it.
func TestPlainValuesReadAsTheDecoderReadsThem(t *testing.T) {
	c := DefaultCatalog()
	values := []string{`true`, `false`, `0`, `7`, `007`, `-1`, `1.5`, `1e3`, `999999999999999999`, `9223372036854775807`,
		`9223372036854775808`, `"2000000"`, `"passed"`, `"scheduled"`, `"pas\u0073ed"`, `"Passed"`, `""`, `"a\"b"`, `null`, `[]`, `{}`, ` true `}
	for _, f := range c.Facts {
		if f.Type == FactEmployees {
			continue
		}
		r := Ref{Fact: f.ID}
		for _, v := range values {
			fast, slow := NewFacts(), NewFacts()
			errFast := parseValue(f, r, json.RawMessage(v), &fast)
			errSlow := decodeValue(f, r, json.RawMessage(strings.TrimSpace(v)), &slow)
			assert.Equal(t, errSlow, errFast, "%s = %s", f.ID, v)
			assert.Equal(t, slow, fast, "%s = %s", f.ID, v)
		}
	}
}

// TestEmployeeNamesReadAsJSON: names and certificates read directly or
// through the decoder come out the same: escapes undone, bytes that are
// not UTF-8 replaced as the decoder does.
func TestEmployeeNamesReadAsJSON(t *testing.T) {
	c := DefaultCatalog()
	for raw, want := range map[string]string{
		`"Anna"`:          "Anna",
		`"\u0410нна"`:     "Анна",
		`"O\"Neil"`:       `O"Neil`,
		"\"Bad\xffbyte\"": "Bad\ufffdbyte",
		`"Tab\there"`:     "Tab\there",
		`"Мария Иванова"`: "Мария Иванова",
	} {
		doc := `{"employees":[{"name":` + raw + `,"certs":["cloud_service_\u0065ngineer"]}]}`
		f, err := ParseStoredFacts(c, []byte(doc))
		require.NoError(t, err, raw)
		require.Len(t, f.Employees, 1)
		assert.Equal(t, want, f.Employees[0].Name, raw)
		assert.Equal(t, []string{"cloud_service_engineer"}, f.Employees[0].Certs)
	}
	_, err := ParseStoredFacts(c, []byte(`{"employees":[{"name":"A","certs":[null]}]}`))
	assert.Error(t, err)
	_, err = ParseStoredFacts(c, []byte(`{"employees":[{"name":null,"certs":[]}]}`))
	assert.Error(t, err)
}
