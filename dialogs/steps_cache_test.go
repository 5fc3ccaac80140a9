package dialogs

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"specbot/eligibility"
)

// The steps of a check are made once per catalogue and specializations and
// shared: each edition and each choice keeps its own list.
func TestStepsAreSharedPerCatalogue(t *testing.T) {
	def, tiered := eligibility.DefaultCatalog(), tieredCatalog(t)
	specs := []string{"infrastructure", "devops"}
	keys := func(list []Step) []string {
		var out []string
		for _, st := range list {
			out = append(out, st.Key)
		}
		return out
	}
	assert.Equal(t, keys(makeSteps(def, specs)), keys(steps(def, specs)))
	assert.Equal(t, keys(makeSteps(tiered, specs)), keys(steps(tiered, specs)))
	assert.Equal(t, keys(makeSteps(def, specs[1:])), keys(steps(def, specs[1:])), "another choice, another list")
	assert.NotEqual(t, keys(steps(def, specs)), keys(steps(def, specs[1:])))
}
