package eligibility

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The numbers and links of shared/spec/conditions.en.md, written out by hand
// so that a change of the catalogue that drifts from the spec fails here.

var specCertificateURLs = map[string]string{
	certCSE:        "https://practicum.yandex.ru/ycloud/",
	certProtection: "https://yandex.cloud/ru/training/infrastructure-protection",
	certGitOps:     "https://yandex.cloud/ru/training/deploy",
	certDevSecOps:  "https://yandex.cloud/ru/training/devsecops",
	certAnalytics:  "https://yandex.cloud/ru/training/corpplatform",
	certClickHouse: "https://yandex.cloud/ru/training/clickhouse",
	certGreenplum:  "https://yandex.cloud/ru/training/greenplum",
	certCompliance: "https://yandex.cloud/ru/training/compliance",
}

type specRole struct {
	allOf, anyOf []string
}

var specRoles = map[string][]specRole{
	specInfra: {
		{allOf: []string{certCSE}},
		{allOf: []string{certCSE, certProtection}},
	},
	specDevOps: {
		{allOf: []string{certCSE}},
		{allOf: []string{certCSE, certGitOps, certDevSecOps}},
	},
	specData: {
		{allOf: []string{certCSE, certAnalytics}},
		{anyOf: []string{certClickHouse, certGreenplum}},
	},
	specSecurity: {
		{allOf: []string{certProtection, certCompliance}},
	},
}

// walkConditions calls fn for every condition, nested ones included.
func walkConditions(conds []*Condition, fn func(*Condition)) {
	for _, c := range conds {
		fn(c)
		walkConditions(c.Any, fn)
		walkConditions(c.All, fn)
	}
}

func specCondition(t *testing.T, c *Catalog, spec, id string) *Condition {
	t.Helper()
	s, ok := c.Specialization(spec)
	require.True(t, ok, spec)
	var found *Condition
	walkConditions(s.Conditions, func(cond *Condition) {
		if cond.ID == id {
			require.Nil(t, found, "two conditions %s in %s", id, spec)
			found = cond
		}
	})
	require.NotNil(t, found, "no condition %s in %s", id, spec)
	return found
}

func TestDefaultCatalogIdentity(t *testing.T) {
	c := defaultCatalog(t)
	assert.Equal(t, "specializations-2025", c.ID)
	assert.Equal(t, []string{"en", "ru"}, c.Languages)
	assert.False(t, c.HasLevels(), "the default edition has no levels")
	ids := make([]string, len(c.Specializations))
	for i, s := range c.Specializations {
		ids[i] = s.ID
	}
	assert.Equal(t, allSpecs, ids)
}

func TestDefaultCatalogWindows(t *testing.T) {
	c := defaultCatalog(t)
	require.Len(t, c.Windows, 2)
	assert.Equal(t, 4, c.Windows[0].Month, "April")
	assert.Equal(t, 10, c.Windows[1].Month, "October")
	for _, w := range c.Windows {
		assert.Empty(t, w.Levels, "every window grants every level")
	}
}

func TestDefaultCatalogCommon(t *testing.T) {
	c := defaultCatalog(t)
	require.Len(t, c.Common, 3)

	pa := c.Common[0]
	assert.Equal(t, "partner_agreement", pa.ID)
	assert.Equal(t, "partner_agreement", pa.Fact)
	require.NotNil(t, pa.Is)
	assert.True(t, *pa.Is)

	vs := c.Common[1]
	assert.Equal(t, "verified_solutions", vs.ID)
	assert.Equal(t, "verified_solutions", vs.Fact)
	assert.Equal(t, SpecializationPlaceholder, vs.Key, "counted per specialization")
	require.NotNil(t, vs.AtLeast)
	assert.Equal(t, int64(1), *vs.AtLeast)
	f, ok := c.Fact("verified_solutions")
	require.True(t, ok)
	assert.Equal(t, SpecializationKeys, f.KeysFrom)

	bp := c.Common[2]
	assert.Equal(t, "business_plan", bp.ID)
	assert.Equal(t, "business_plan", bp.Fact)
	require.NotNil(t, bp.Is)
	assert.True(t, *bp.Is)
}

func TestDefaultCatalogThresholds(t *testing.T) {
	c := defaultCatalog(t)
	tests := []struct {
		name string
		spec string
		cond string
		fact string
		key  string
		op   string
		want int64
	}{
		{"infrastructure consumption at least 12,000,000", specInfra, "consumption", "consumption_rub_year", specInfra, "at_least", 12_000_000},
		{"devops consumption at least 2,000,000", specDevOps, "consumption", "consumption_rub_year", specDevOps, "at_least", 2_000_000},
		{"data platform consumption at least 2,000,000", specData, "consumption", "consumption_rub_year", specData, "at_least", 2_000_000},
		{"security compliance two projects", specSecurity, "projects", "projects_per_year", specSecurity, "at_least", 2},
		{"Brand Voice Premium at least one project", specML, "brand_voice_premium", "brand_voice_projects", "premium", "at_least", 1},
		{"Brand Voice Self Service at least one project", specML, "brand_voice_self_service", "brand_voice_projects", "self_service", "at_least", 1},
		{"Brand Voice Call Center one or more projects", specML, "brand_voice_call_center_projects", "brand_voice_projects", "call_center", "at_least", 1},
		{"Brand Voice Call Center exceeding 100,000 a month", specML, "brand_voice_call_center_consumption", "brand_voice_call_center_rub_month", "", "exceeds", 100_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cond := specCondition(t, c, tt.spec, tt.cond)
			assert.Equal(t, tt.fact, cond.Fact)
			assert.Equal(t, tt.key, cond.Key)
			require.Equal(t, tt.op, cond.Operator())
			got := cond.AtLeast
			if tt.op == "exceeds" {
				got = cond.Exceeds
			}
			require.NotNil(t, got)
			assert.Equal(t, tt.want, *got)
		})
	}
}

func TestDefaultCatalogMLAlternatives(t *testing.T) {
	c := defaultCatalog(t)
	s, ok := c.Specialization(specML)
	require.True(t, ok)
	require.Len(t, s.Conditions, 1, "ML & AI: only the Brand Voice alternatives")
	bv := s.Conditions[0]
	require.Equal(t, "any", bv.Operator())
	require.Len(t, bv.Any, 3)
	assert.Equal(t, "brand_voice_premium", bv.Any[0].ID)
	assert.Equal(t, "brand_voice_self_service", bv.Any[1].ID)
	cc := bv.Any[2]
	assert.Equal(t, "brand_voice_call_center", cc.ID)
	require.Equal(t, "all", cc.Operator(), "projects and their consumption together")
	require.Len(t, cc.All, 2)
}

func TestDefaultCatalogInterviewAndConsumption(t *testing.T) {
	c := defaultCatalog(t)
	for _, spec := range allSpecs {
		t.Run(spec, func(t *testing.T) {
			s, ok := c.Specialization(spec)
			require.True(t, ok)
			facts := map[string]int{}
			walkConditions(s.Conditions, func(cond *Condition) {
				if cond.Fact != "" {
					facts[cond.Fact]++
				}
			})
			_, wantConsumption := consumptionSpecs[spec]
			wantInterview := spec != specML
			if wantConsumption {
				assert.Equal(t, 1, facts["consumption_rub_year"], "one consumption threshold")
			} else {
				assert.Zero(t, facts["consumption_rub_year"], "no annual consumption threshold")
			}
			if wantInterview {
				interview := specCondition(t, c, spec, "interview")
				assert.Equal(t, "architect_interview", interview.Fact)
				assert.Equal(t, spec, interview.Key)
				assert.Equal(t, "passed", interview.Equals)
			} else {
				assert.Zero(t, facts["architect_interview"], "no interview")
			}
			if spec == specML {
				assert.Zero(t, facts["projects_per_year"])
				assert.Zero(t, facts["employees"])
			}
		})
	}
}

func TestDefaultCatalogRoles(t *testing.T) {
	c := defaultCatalog(t)
	for _, spec := range allSpecs {
		t.Run(spec, func(t *testing.T) {
			s, ok := c.Specialization(spec)
			require.True(t, ok)
			var roles []*Role
			walkConditions(s.Conditions, func(cond *Condition) {
				if len(cond.Roles) > 0 {
					require.Nil(t, roles, "one employees condition")
					roles = cond.Roles
				}
			})
			want := specRoles[spec]
			require.Len(t, roles, len(want))
			for i, w := range want {
				assert.ElementsMatch(t, w.allOf, roles[i].AllOf, "role %d all_of", i)
				assert.ElementsMatch(t, w.anyOf, roles[i].AnyOf, "role %d any_of", i)
			}
		})
	}
}

func TestDefaultCatalogCertificates(t *testing.T) {
	c := defaultCatalog(t)
	require.Len(t, c.Certificates, len(specCertificateURLs))
	for _, cert := range c.Certificates {
		want, ok := specCertificateURLs[cert.ID]
		if assert.True(t, ok, "certificate %s is not in the spec", cert.ID) {
			assert.Equal(t, want, cert.URL, cert.ID)
		}
		got, ok := c.Certificate(cert.ID)
		assert.True(t, ok)
		assert.Same(t, cert, got)
	}
}

func TestDefaultCatalogFacts(t *testing.T) {
	c := defaultCatalog(t)
	want := map[string]FactType{
		"partner_agreement":                 FactBool,
		"business_plan":                     FactBool,
		"verified_solutions":                FactCount,
		"consumption_rub_year":              FactMoney,
		"architect_interview":               FactEnum,
		"employees":                         FactEmployees,
		"brand_voice_projects":              FactCount,
		"brand_voice_call_center_rub_month": FactMoney,
		"projects_per_year":                 FactCount,
	}
	require.Len(t, c.Facts, len(want))
	for id, typ := range want {
		f, ok := c.Fact(id)
		if assert.True(t, ok, id) {
			assert.Equal(t, typ, f.Type, id)
		}
	}
	interview, _ := c.Fact("architect_interview")
	values := make([]string, len(interview.Values))
	for i, v := range interview.Values {
		values[i] = v.ID
	}
	assert.Equal(t, []string{"passed", "scheduled", "failed", "none"}, values)

	bv, _ := c.Fact("brand_voice_projects")
	keys := make([]string, 0, 3)
	for _, k := range c.FactKeys(bv) {
		keys = append(keys, k.ID)
	}
	assert.Equal(t, []string{"premium", "self_service", "call_center"}, keys)

	consumption, _ := c.Fact("consumption_rub_year")
	specKeys := make([]string, 0, 5)
	for _, k := range c.FactKeys(consumption) {
		specKeys = append(specKeys, k.ID)
	}
	assert.Equal(t, allSpecs, specKeys)
}

// TestDefaultCatalogTranslations: every name and question has English and
// Russian.
func TestDefaultCatalogTranslations(t *testing.T) {
	c := defaultCatalog(t)
	texts := map[string]Text{"name": c.Name}
	for _, w := range c.Windows {
		if w.Name != nil {
			texts[fmt.Sprintf("windows[%d].name", w.Month)] = w.Name
		}
	}
	for _, cert := range c.Certificates {
		texts["certificates["+cert.ID+"].name"] = cert.Name
	}
	for _, f := range c.Facts {
		texts["facts["+f.ID+"].name"] = f.Name
		texts["facts["+f.ID+"].question"] = f.Question
		for _, v := range f.Values {
			texts["facts["+f.ID+"].values["+v.ID+"]"] = v.Name
		}
		for _, k := range c.FactKeys(f) {
			texts["facts["+f.ID+"].keys["+k.ID+"]"] = k.Name
		}
	}
	addConds := func(prefix string, conds []*Condition) {
		walkConditions(conds, func(cond *Condition) {
			texts[prefix+"["+cond.ID+"].name"] = cond.Name
			for i, r := range cond.Roles {
				texts[fmt.Sprintf("%s[%s].roles[%d].name", prefix, cond.ID, i)] = r.Name
			}
		})
	}
	addConds("common", c.Common)
	for _, s := range c.Specializations {
		texts["specializations["+s.ID+"].name"] = s.Name
		addConds("specializations["+s.ID+"].conditions", s.Conditions)
	}
	assert.Greater(t, len(texts), 60)
	for path, text := range texts {
		for _, lang := range []string{"en", "ru"} {
			assert.NotEmpty(t, text[lang], "%s: missing %s", path, lang)
			assert.Equal(t, text[lang], text.Get(lang), path)
		}
	}
}

func TestDefaultCatalogFileMatchesEmbedded(t *testing.T) {
	loaded, err := LoadCatalog(filepath.Join("catalogs", "default.yaml"))
	require.NoError(t, err)
	embedded := defaultCatalog(t)
	assert.Equal(t, embedded.ID, loaded.ID)
	assert.Equal(t, len(embedded.Specializations), len(loaded.Specializations))
}

func TestLoadCatalogMissingFile(t *testing.T) {
	_, err := LoadCatalog(filepath.Join(t.TempDir(), "nope.yaml"))
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
	var ve *ValidationError
	assert.False(t, asValidationError(err, &ve), "a missing file is not a validation problem")
}

func TestTextGet(t *testing.T) {
	tests := []struct {
		name string
		text Text
		lang string
		want string
	}{
		{"asked language", Text{"en": "Hello", "ru": "Привет"}, "ru", "Привет"},
		{"falls back to English", Text{"en": "Hello"}, "ru", "Hello"},
		{"empty falls back to English", Text{"en": "Hello", "ru": ""}, "ru", "Hello"},
		{"falls back to any", Text{"de": "Hallo"}, "ru", "Hallo"},
		{"nothing", Text{}, "en", ""},
		{"nil", nil, "en", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.text.Get(tt.lang))
		})
	}
}
