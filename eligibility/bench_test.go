package eligibility

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// benchFacts is a realistic partner: every fact known, twenty employees with
// a mix of certificates, so that every role condition runs its matching.
func benchFacts() Facts {
	f := allMetFacts()
	f.Numbers[Ref{Fact: "consumption_rub_year", Key: specData}] = 1_750_000
	f.Enums[Ref{Fact: "architect_interview", Key: specDevOps}] = "scheduled"
	f.Numbers[Ref{Fact: "brand_voice_projects", Key: "premium"}] = 0
	f.Numbers[Ref{Fact: "brand_voice_projects", Key: "call_center"}] = 2
	f.Numbers[Ref{Fact: "brand_voice_call_center_rub_month"}] = 120_000
	mixes := [][]string{
		{certCSE},
		{certCSE, certProtection},
		{certCSE, certGitOps},
		{certCSE, certAnalytics},
		{certClickHouse},
		{certCSE, certGitOps, certDevSecOps},
		{certProtection},
		{certGreenplum, certClickHouse},
		{},
		{certCompliance},
	}
	f.Employees = make([]Employee, 20)
	for i := range f.Employees {
		f.Employees[i] = emp(fmt.Sprintf("Employee %02d", i+1), mixes[i%len(mixes)]...)
	}
	return f
}

func BenchmarkEvaluate(b *testing.B) {
	c := defaultCatalog(b)
	f := benchFacts()
	today := testToday(b)
	r := Evaluate(c, f, today)
	if len(r.Results) != 5 {
		b.Fatalf("want 5 results, got %d", len(r.Results))
	}
	b.ReportAllocs()
	for b.Loop() {
		r = Evaluate(c, f, today)
	}
	_ = r
}

func TestBenchFactsAreRealistic(t *testing.T) {
	r := evaluate(t, benchFacts())
	want := map[string]Status{
		specInfra:    Eligible,
		specDevOps:   NotEligible, // interview scheduled
		specData:     NotEligible, // 250,000 short
		specML:       Eligible,    // Call Center above 100,000
		specSecurity: NotEligible, // protection and compliance on different people
	}
	for spec, status := range want {
		res, ok := r.Result(spec)
		require.True(t, ok, spec)
		assert.Equal(t, status, res.Status, spec)
	}
	data, _ := r.Result(specData)
	assert.Equal(t, int64(250_000), findCond(t, data.Conditions, "consumption").Short)
	assert.Equal(t, Met, findCond(t, data.Conditions, "employees").Status)
}
