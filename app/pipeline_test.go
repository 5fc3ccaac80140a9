package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/dialogs"
	"specbot/store"
)

// interviewOnly meets every Infrastructure condition but the interview.
const interviewOnly = `{"partner_agreement": true, "business_plan": true, "verified_solutions": {"infrastructure": 1},
	"consumption_rub_year": {"infrastructure": 12000000},
	"employees": [{"name": "A", "certs": ["cloud_service_engineer", "infrastructure_protection"]}, {"name": "B", "certs": ["cloud_service_engineer"]}],
	"architect_interview": {"infrastructure": "scheduled"}}`

// pipelineApp is deskApp with a partner waiting only for the interview,
// one in the middle of a DevOps check, and Acme's topic in the forum.
func pipelineApp(t *testing.T) *App {
	t.Helper()
	ctx := context.Background()
	a := deskApp(t)
	a.saveCheck(t, store.Partner{ChatID: 10, Lang: "ru", Company: "Delta"}, []byte(interviewOnly))
	s := dialogs.NewSession("en")
	s.State, s.Specs = dialogs.Checking, []string{"devops"}
	require.NoError(t, a.DB.SaveTurn(ctx, &store.Turn{Partner: store.Partner{ChatID: 11, Lang: "en", Company: "Epsilon"}, Session: &s}))
	require.NoError(t, a.SaveTopic(ctx, &store.Topic{ChatID: 7, ManagersChatID: managersChat, ThreadID: 33}))
	return a
}

// TestGoldenPipeline pins /pipeline today and for the April window, in
// both languages, and its usage.
func TestGoldenPipeline(t *testing.T) {
	ctx := context.Background()
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			a := pipelineApp(t)
			var sb strings.Builder
			for _, arg := range []string{"", "april", "октябрь", "june"} {
				text, err := a.Pipeline(ctx, lang, arg, managersChat)
				require.NoError(t, err)
				sb.WriteString("--- /pipeline " + arg + "\n" + text + "\n")
			}
			out := sb.String()
			assert.Contains(t, out, `<a href="https://t.me/c/100/33">Acme &lt;Cloud&gt;</a>`, "a company links to its topic")
			golden(t, "pipeline."+lang+".golden", out)
		})
	}
}

// exportRows reads an export into records keyed by column.
func exportRows(t *testing.T, data []byte) []map[string]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	require.NoError(t, err)
	var out []map[string]string
	for _, row := range rows[1:] {
		rec := map[string]string{}
		for i, col := range rows[0] {
			rec[col] = row[i]
		}
		out = append(out, rec)
	}
	return out
}

// TestExportFilters: spec=, status=, since= narrow the rows; gap texts,
// the request's state, manager and comment are carried; a cell a
// spreadsheet would run as a formula is neutralised.
func TestExportFilters(t *testing.T) {
	ctx := context.Background()
	a := pipelineApp(t)
	a.saveCheck(t, store.Partner{ChatID: 12, Lang: "en", Company: "=HYPERLINK(\"http://x\")", Name: "@evil", Username: "minus"},
		[]byte(`{"partner_agreement": true}`))
	h, err := a.RequestHandoff(ctx, 7, "+call me", "en")
	require.NoError(t, err)
	_, _, err = a.HandoffButton(ctx, fmt.Sprintf("t:%d", h.ID), Manager{UserID: 5, Name: "Maria (@maria)", Allowed: true}, "en")
	require.NoError(t, err)

	for name, tc := range map[string]struct {
		args  string
		chats []string
	}{
		"everyone":             {"", []string{"7", "8", "9", "10", "11", "12"}},
		"eligible anywhere":    {"status=eligible", []string{"7"}},
		"close for security":   {"spec=security_compliance status=close", []string{"7", "10"}},
		"not eligible infra":   {"spec=infrastructure status=not_eligible", []string{"10"}},
		"checked since future": {"since=2030-01-01", nil},
		"checked since past":   {"since=2026-01-01 spec=devops", []string{"7", "8", "9", "10", "12"}},
	} {
		t.Run(name, func(t *testing.T) {
			f, err := a.ParseExportFilter(tc.args)
			require.NoError(t, err)
			data, err := a.ExportCSV(ctx, f, "en")
			require.NoError(t, err)
			var chats []string
			for _, r := range exportRows(t, data) {
				chats = append(chats, r["chat_id"])
			}
			assert.Equal(t, tc.chats, chats)
		})
	}
	for _, bad := range []string{"spec=cooking", "status=great", "since=yesterday", "color=red", "eligible"} {
		_, err := a.ParseExportFilter(bad)
		assert.ErrorIs(t, err, ErrBadFilter, bad)
	}

	data, err := a.ExportCSV(ctx, ExportFilter{}, "en")
	require.NoError(t, err)
	rows := exportRows(t, data)
	acme, evil := rows[0], rows[5]
	assert.Equal(t, "taken", acme["handoff_state"])
	assert.Equal(t, "Maria (@maria)", acme["manager"])
	assert.Equal(t, "'+call me", acme["comment"], "a leading + is neutralised")
	assert.Contains(t, acme["devops_gap_text"], "₽500,000 short", "gap texts are carried, in plain text")
	assert.NotContains(t, acme["devops_gap_text"], "<")
	assert.Equal(t, `'=HYPERLINK("http://x")`, evil["company"])
	assert.Equal(t, "'@evil", evil["name"])
	for _, r := range rows {
		for col, v := range r {
			if v != "" {
				assert.NotContains(t, "=+-@", v[:1], "column %s starts with a formula character: %q", col, v)
			}
		}
	}
}

// BenchmarkDesk10k times /pipeline and /export over 10,000 partners (run
// with -bench Desk -benchtime 3x); TestDeskAt10k logs one timing of each.
func BenchmarkDesk10k(b *testing.B) {
	a := seeded(b, 10_000)
	b.ResetTimer()
	ctx := context.Background()
	b.Run("pipeline", func(b *testing.B) {
		for range b.N {
			if _, err := a.Pipeline(ctx, "en", "april", managersChat); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("export", func(b *testing.B) {
		for range b.N {
			if _, err := a.ExportCSV(ctx, ExportFilter{}, "en"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestDeskAt10k logs how long /pipeline and /export take over 10,000
// partners; it asserts nothing about time (the machine is shared).
func TestDeskAt10k(t *testing.T) {
	if os.Getenv("SPECBOT_DESK_10K") == "" {
		t.Skip("seeds 10,000 partners: set SPECBOT_DESK_10K=1 to run")
	}
	ctx := context.Background()
	start := time.Now()
	a := seeded(t, 10_000)
	t.Logf("seeded 10,000 partners in %v", time.Since(start))
	start = time.Now()
	text, err := a.Pipeline(ctx, "en", "", managersChat)
	require.NoError(t, err)
	t.Logf("/pipeline over 10,000 partners: %v, %d characters", time.Since(start), len([]rune(text)))
	assert.LessOrEqual(t, len([]rune(text)), 4096*3, "the answer stays a few messages")
	start = time.Now()
	data, err := a.ExportCSV(ctx, ExportFilter{}, "en")
	require.NoError(t, err)
	t.Logf("/export over 10,000 partners: %v, %d bytes", time.Since(start), len(data))
	assert.Len(t, exportRows(t, data), 10_000+3)
}

// seeded is deskApp plus n partners with the example facts.
func seeded(tb testing.TB, n int) *App {
	tb.Helper()
	a := deskApp(tb)
	facts := []string{interviewOnly, `{"partner_agreement": true, "business_plan": true}`}
	for i := range n {
		a.saveCheck(tb, store.Partner{ChatID: int64(1000 + i), Lang: "en", Company: fmt.Sprintf("Company %05d", i)}, []byte(facts[i%2]))
	}
	return a
}
