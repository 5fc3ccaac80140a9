package eligibility

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validityCatalog is the default catalogue with the engineer certificate
// valid for months months.
func validityCatalog(t *testing.T, months string) (*Catalog, error) {
	t.Helper()
	data, err := os.ReadFile("catalogs/default.yaml")
	require.NoError(t, err)
	text := strings.Replace(string(data), "  - id: cloud_service_engineer\n", "  - id: cloud_service_engineer\n    valid_months: "+months+"\n", 1)
	path := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return LoadCatalog(path)
}

// TestCertificateLapsesBeforeWindow: with a validity in the catalogue, a
// certificate earned long enough ago does not count for the next window
// (the April 2027 one, seen from November 2026), and the report says so;
// one earned recently, or without a month, still counts.
func TestCertificateLapsesBeforeWindow(t *testing.T) {
	c, err := validityCatalog(t, "24")
	require.NoError(t, err)
	today := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	facts := func(earned string) Facts {
		doc := `{"employees": [{"name": "Anna", "certs": ["cloud_service_engineer"]` + earned + `}]}`
		f, err := ParseFacts(c, []byte(doc))
		require.NoError(t, err)
		return f
	}
	for _, tc := range []struct {
		name, earned string
		lapsed       bool
	}{
		{"no month", ``, false},
		{"earned recently", `, "earned": {"cloud_service_engineer": "2025-06"}`, false},
		{"valid through the window's month", `, "earned": {"cloud_service_engineer": "2025-05"}`, false},
		{"lapses the month before", `, "earned": {"cloud_service_engineer": "2025-04"}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Evaluate(c, facts(tc.earned), today)
			require.Equal(t, "2027-04-01", r.Window.Opens)
			if tc.lapsed {
				require.Len(t, r.Lapsed, 1)
				assert.Equal(t, Lapse{Employee: "Anna", Cert: "cloud_service_engineer", Earned: "2025-04", Until: "2027-03"}, r.Lapsed[0])
			} else {
				assert.Empty(t, r.Lapsed)
			}
			infra, _ := r.Result("infrastructure")
			filled := false
			for _, cond := range infra.Conditions {
				for _, role := range cond.Roles {
					filled = filled || role.Employee == "Anna"
				}
			}
			assert.Equal(t, !tc.lapsed, filled, "Anna fills a role only while her certificate counts")
		})
	}

	_, err = validityCatalog(t, "-1")
	assert.ErrorContains(t, err, "valid_months")
	_, err = ParseFacts(c, []byte(`{"employees": [{"name": "A", "certs": [], "earned": {"cloud_service_engineer": "2025-01"}}]}`))
	assert.Error(t, err, "a month for a certificate not held")
	_, err = ParseFacts(c, []byte(`{"employees": [{"name": "A", "certs": ["cloud_service_engineer"], "earned": {"cloud_service_engineer": "Jan"}}]}`))
	assert.Error(t, err)
}
