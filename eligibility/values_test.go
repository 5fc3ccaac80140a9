package eligibility

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValuesRoundTripAndChanges(t *testing.T) {
	c := DefaultCatalog()
	f, err := ParseFacts(c, []byte(`{"partner_agreement": true, "consumption_rub_year": {"devops": 1500000},
		"employees": [{"name": "Anna", "certs": ["cloud_service_engineer"]}]}`))
	require.NoError(t, err)
	v := f.Values()
	assert.JSONEq(t, `1500000`, string(v["consumption_rub_year.devops"]))
	back, aside := FactsFromValues(c, v)
	assert.Empty(t, aside)
	assert.Equal(t, f.Values(), back.Values())

	g := f.Clone()
	g.Numbers[Ref{Fact: "consumption_rub_year", Key: "devops"}] = 2000000
	g.Forget(Ref{Fact: "partner_agreement"})
	assert.Equal(t, map[string]json.RawMessage{
		"consumption_rub_year.devops": json.RawMessage(`2000000`),
		"partner_agreement":           nil,
	}, g.Changes(f))

	v["no_such_fact"] = json.RawMessage(`true`)
	v["consumption_rub_year.nowhere"] = json.RawMessage(`1`)
	v["business_plan"] = json.RawMessage(`"yes"`)
	back, aside = FactsFromValues(c, v)
	assert.Equal(t, []string{"business_plan", "consumption_rub_year.nowhere", "no_such_fact"}, aside)
	assert.True(t, back.Bools[Ref{Fact: "partner_agreement"}], "what still validates is kept")
}
