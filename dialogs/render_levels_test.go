package dialogs

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/eligibility"
)

// TestRenderWithinReachAndWaits: Expert failed and Professional one unknown
// interview away reads "Professional is within reach" with what is unknown;
// from May to September a level October does not grant waits for April.
func TestRenderWithinReachAndWaits(t *testing.T) {
	c, err := eligibility.LoadCatalog("../eligibility/catalogs/tiered.yaml")
	require.NoError(t, err)
	// Data Platform: Expert needs a Greenplum course nobody has; Professional
	// is met but for the interview, which is not known.
	f, err := eligibility.ParseFacts(c, []byte(`{"partner_agreement": true, "business_plan": true,
		"verified_solutions": {"data_platform": 1}, "consumption_rub_year": {"data_platform": 3000000},
		"employees": [{"name": "Anna", "certs": ["certified_engineer_associate"]}, {"name": "Oleg", "certs": ["managed_clickhouse"]}]}`))
	require.NoError(t, err)
	r := eligibility.Evaluate(c, f, time.Date(2027, 6, 15, 12, 0, 0, 0, time.UTC))
	res, _ := r.Result("data_platform")
	require.Equal(t, eligibility.Incomplete, res.Status)
	require.Equal(t, "professional", res.Target)
	assert.True(t, res.WithinReach())
	en := RenderReport(r, []string{"data_platform"}, "en")
	assert.Contains(t, en, "Professional is within reach")
	assert.Contains(t, en, "Not known yet: Interview with a Yandex Cloud architect")
	assert.NotContains(t, en, "wait", "October grants Professional")
	ru := RenderReport(r, []string{"data_platform"}, "ru")
	assert.Contains(t, ru, "уровень Professional в пределах досягаемости")

	// Security aims at Expert, which October does not grant.
	f2, err := eligibility.ParseFacts(c, []byte(`{"partner_agreement": true, "business_plan": true,
		"verified_solutions": {"security": 1}, "consumption_rub_year": {"security": 10}, "employees": []}`))
	require.NoError(t, err)
	r2 := eligibility.Evaluate(c, f2, time.Date(2027, 6, 15, 12, 0, 0, 0, time.UTC))
	got := RenderReport(r2, []string{"security"}, "en")
	assert.Contains(t, got, "The October window does not grant these levels")
	assert.Contains(t, got, "Security — Expert")
	april := RenderReport(eligibility.Evaluate(c, f2, time.Date(2027, 2, 15, 12, 0, 0, 0, time.UTC)), []string{"security"}, "en")
	assert.NotContains(t, april, "does not grant these levels", "April grants every level")
}

// TestChangesOnlyBothTimes: "since your previous check" lists only the
// specializations checked both times, with interview and employee changes.
func TestChangesOnlyBothTimes(t *testing.T) {
	c := eligibility.DefaultCatalog()
	day := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	before, err := eligibility.ParseFacts(c, []byte(`{"architect_interview": {"infrastructure": "scheduled", "devops": "none"},
		"employees": [{"name": "Oleg", "certs": ["cloud_service_engineer"]}]}`))
	require.NoError(t, err)
	after, err := eligibility.ParseFacts(c, []byte(`{"architect_interview": {"infrastructure": "passed", "devops": "passed"},
		"employees": [{"name": "Oleg", "certs": ["cloud_service_engineer"]}, {"name": "Anna", "certs": ["cloud_service_engineer", "infrastructure_protection"]}]}`))
	require.NoError(t, err)
	prev, cur := eligibility.Evaluate(c, before, day), eligibility.Evaluate(c, after, day)
	got := changes(prev, cur, commonSpecs([]string{"infrastructure"}, []string{"infrastructure", "devops"}), "en")
	assert.Contains(t, got, "Infrastructure · Interview with a Yandex Cloud architect: Scheduled → Passed")
	assert.Contains(t, got, "Infrastructure · Certified employees: Oleg, — → Oleg, Anna")
	assert.NotContains(t, got, "DevOps", "DevOps was not checked the first time")
}

// TestCheckedLine: /report names the date of the check and the company.
func TestCheckedLine(t *testing.T) {
	e := NewEngine(eligibility.DefaultCatalog(), time.UTC)
	past := &Past{At: time.Date(2027, 3, 5, 9, 0, 0, 0, time.UTC)}
	assert.Equal(t, "📄 Your last check for Acme &amp; Co, on 5 March 2027:", e.checkedLine("en", past, "Acme & Co"))
	assert.Equal(t, "📄 Ваша последняя проверка, 5 марта 2027 г.:", e.checkedLine("ru", past, ""))
}
