package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/locales"
	"specbot/store"
)

// TestNewEditionSetsAsideOnce: under a new catalogue edition that renamed a
// fact, the company's answers that still read are the new check's
// defaults, the one that no longer does is set aside (kept in the
// database), and the member is told in one line, once, in its language,
// naming the answer as the partner read it.
func TestNewEditionSetsAsideOnce(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			path := filepath.Join(dir, "db")
			db, err := store.Open(ctx, path)
			require.NoError(t, err)
			old := eligibility.DefaultCatalog()
			db.Catalog = old
			f, err := eligibility.ParseFacts(old, []byte(`{"partner_agreement": true, "business_plan": true}`))
			require.NoError(t, err)
			require.NoError(t, db.SaveTurn(ctx, &store.Turn{Partner: store.Partner{ChatID: 7, Lang: lang, Company: "Acme"},
				Report: &store.Report{Facts: f}}))
			require.NoError(t, db.Close())

			data, err := os.ReadFile("../eligibility/catalogs/default.yaml")
			require.NoError(t, err)
			next := filepath.Join(dir, "next.yaml")
			require.NoError(t, os.WriteFile(next, []byte(strings.ReplaceAll(string(data), "business_plan", "secured_plan")), 0o600))
			c, err := eligibility.LoadCatalog(next)
			require.NoError(t, err)
			db, err = store.Open(ctx, path)
			require.NoError(t, err)
			defer db.Close()
			db.Catalog = c
			now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
			a := &App{DB: db, Engine: &dialogs.Engine{Catalog: c, Now: func() time.Time { return now }}}
			who := Who{ChatID: 7, Name: "Olga"}

			plan, ok := old.Fact("business_plan")
			require.True(t, ok)
			want := locales.For(lang).N("check.set_aside", 1, "Facts", plan.Name.Get(lang))
			turn, err := a.Handle(ctx, who, dialogs.Input{Command: "check"}, 0, 0)
			require.NoError(t, err)
			require.NotEmpty(t, turn.Outcome.Messages)
			first, _, _ := strings.Cut(turn.Outcome.Messages[0].Text, "\n")
			assert.Equal(t, "ℹ️ "+want, first, "told in one line")
			assert.True(t, turn.Outcome.Session.Facts.Bools[eligibility.Ref{Fact: "partner_agreement"}], "what still reads is the default")

			_, err = a.Handle(ctx, who, dialogs.Input{Command: "cancel"}, 0, 0)
			require.NoError(t, err)
			turn, err = a.Handle(ctx, who, dialogs.Input{Command: "check"}, 0, 0)
			require.NoError(t, err)
			for _, m := range turn.Outcome.Messages {
				assert.NotContains(t, m.Text, want, "told once")
			}
			chat, err := db.Chat(ctx, 7)
			require.NoError(t, err)
			assert.Equal(t, []string{"business_plan"}, chat.Facts.SetAside, "set aside, not deleted")
		})
	}
}
