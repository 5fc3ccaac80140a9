package dialogs

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"specbot/eligibility"
)

func TestParseCerts(t *testing.T) {
	def, tiered := eligibility.DefaultCatalog(), tieredCatalog(t)
	cases := []struct {
		name string
		c    *eligibility.Catalog
		txt  string
		ids  []string
		bad  []string
	}{
		{"English names", def, "Cloud service engineer, Cloud infrastructure protection", []string{"cloud_service_engineer", "infrastructure_protection"}, nil},
		{"Russian names", def, "Инженер облачных сервисов; Защита облачной инфраструктуры", []string{"cloud_service_engineer", "infrastructure_protection"}, nil},
		{"short forms", def, "CSE + ИОС + cip", []string{"cloud_service_engineer", "infrastructure_protection"}, nil},
		{"words of a name", def, "infrastructure protection и развертывание по gitops", []string{"infrastructure_protection", "gitops_deployment"}, nil},
		{"ids", def, "managed_clickhouse, managed_greenplum", []string{"managed_clickhouse", "managed_greenplum"}, nil},
		{"ClickHouse and Greenplum by name", def, "ClickHouse and Greenplum", []string{"managed_clickhouse", "managed_greenplum"}, nil},
		{"ambiguous", def, "managed", nil, []string{"managed"}},
		{"nothing", def, "CSE, bananas", []string{"cloud_service_engineer"}, []string{"bananas"}},
		{"tiered: Kubernetes", tiered, "kubernetes, DevOps engineer", []string{"managed_kubernetes", "certified_devops_engineer"}, nil},
		{"tiered: AI agents in Russian", tiered, "создание ai-агентов", []string{"ai_agents"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ids, bad := parseCerts(tc.c, tc.txt)
			assert.Equal(t, tc.ids, ids)
			assert.Equal(t, tc.bad, bad)
		})
	}
}

func TestParseCertsEarned(t *testing.T) {
	c := eligibility.DefaultCatalog()
	ids, earned, bad := parseCertsEarned(c, "CSE 2025-04, infrastructure protection 03.2026 and gitops")
	assert.Empty(t, bad)
	assert.Equal(t, []string{"cloud_service_engineer", "infrastructure_protection", "gitops_deployment"}, ids)
	assert.Equal(t, map[string]string{"cloud_service_engineer": "2025-04", "infrastructure_protection": "2026-03"}, earned)
	_, _, bad = parseCertsEarned(c, "CSE 2025-13")
	assert.NotEmpty(t, bad, "no thirteenth month")
}
