package app

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/dialogs"
	"specbot/eligibility"
	"specbot/store"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./app -update to create it")
	assert.Equal(t, string(want), got, "%s differs; if the change is meant, run go test ./app -update and review the diff", path)
}

// deskApp is an App over a fresh database with a fixed clock and three
// partners who finished a check: two with facts from the DESIGN example,
// one with none.
func deskApp(t testing.TB) *App {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	now := time.Date(2026, time.November, 25, 12, 0, 0, 0, loc)
	clock := func() time.Time { return now }
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "specbot.db"))
	require.NoError(t, err)
	db.Catalog = eligibility.DefaultCatalog()
	t.Cleanup(func() { db.Close() })
	db.Now = clock
	engine := dialogs.NewEngine(eligibility.DefaultCatalog(), loc)
	engine.Now = clock
	a := &App{DB: db, Engine: engine, ContactConfigured: true, Now: clock}

	example, err := os.ReadFile(filepath.Join("..", "docs", "example-facts.json"))
	require.NoError(t, err)
	a.saveCheck(t, store.Partner{ChatID: 7, UserID: 70, Username: "anna", Name: "Anna Petrova", Lang: "ru", Company: "Acme <Cloud>", Reminders: "on"}, example)
	a.saveCheck(t, store.Partner{ChatID: 8, UserID: 80, Username: "oleg", Name: "Oleg", Lang: "en", Company: "Beta"}, []byte(`{"partner_agreement": true}`))
	a.saveCheck(t, store.Partner{ChatID: 9, Lang: "en", Company: "Gamma"}, []byte(`{}`))
	return a
}

// saveCheck stores a completed check of every specialization with facts.
func (a *App) saveCheck(t testing.TB, p store.Partner, facts []byte) {
	t.Helper()
	f, err := eligibility.ParseFacts(a.Engine.Catalog, facts)
	require.NoError(t, err)
	done := &dialogs.Completed{Facts: f, Report: eligibility.Evaluate(a.Engine.Catalog, f, a.now())}
	for _, s := range a.Engine.Catalog.Specializations {
		done.Specs = append(done.Specs, s.ID)
	}
	require.NoError(t, a.DB.SaveTurn(context.Background(), &store.Turn{Partner: p, Report: storedReport(done)}))
}

// showMessage writes a message as a person reads it, with its buttons.
func showMessage(m dialogs.Message) string {
	var sb strings.Builder
	sb.WriteString(m.Text)
	sb.WriteString("\n")
	for _, row := range m.Buttons {
		var cells []string
		for _, b := range row {
			cells = append(cells, fmt.Sprintf("[%s → %s]", b.Label, b.Data))
		}
		sb.WriteString(strings.Join(cells, " ") + "\n")
	}
	return sb.String()
}

// TestGoldenDesk pins what the managers read: the handoff card as posted,
// after Take and after Done, /stats and /partner, in both languages.
func TestGoldenDesk(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			ctx := context.Background()
			a := deskApp(t)
			manager := Manager{UserID: 500, Name: "Maria (@maria)", Allowed: true}

			h, err := a.RequestHandoff(ctx, 7, "Please call after 3 pm", lang)
			require.NoError(t, err)
			assert.False(t, h.Updated)
			var card strings.Builder
			card.WriteString("--- open\n" + showMessage(h.Card) + "topic: " + h.TopicName + "\n")
			again, err := a.RequestHandoff(ctx, 7, "", lang)
			require.NoError(t, err)
			assert.True(t, again.Updated, "a second request within a day updates the open handoff")
			assert.Equal(t, h.ID, again.ID)
			id := fmt.Sprint(h.ID)
			taken, notify, err := a.HandoffButton(ctx, "t:"+id, manager, lang)
			require.NoError(t, err)
			assert.True(t, notify)
			card.WriteString("--- taken\n" + showMessage(taken.Card) + "topic: " + taken.TopicName + "\n")
			done, notify, err := a.HandoffButton(ctx, "d:"+id, manager, lang)
			require.NoError(t, err)
			assert.False(t, notify)
			card.WriteString("--- done\n" + showMessage(done.Card) + "topic: " + done.TopicName + "\n")
			golden(t, "card."+lang+".golden", card.String())

			stats, err := a.Stats(ctx, lang)
			require.NoError(t, err)
			golden(t, "stats."+lang+".golden", stats+"\n")

			var partner strings.Builder
			for _, arg := range []string{"@anna", "8", "9", "@nobody", "", "beta", "a", "Nowhere Ltd"} {
				text, err := a.PartnerReport(ctx, lang, arg)
				require.NoError(t, err)
				partner.WriteString("--- /partner " + arg + "\n" + text + "\n")
			}
			golden(t, "partner."+lang+".golden", partner.String())
		})
	}
}

// TestHandoffButtonRefusals: stale data, someone who is not a manager, a
// second taker and an unknown handoff are told apart.
func TestHandoffButtonRefusals(t *testing.T) {
	ctx := context.Background()
	a := deskApp(t)
	h, err := a.RequestHandoff(ctx, 8, "", "en")
	require.NoError(t, err)
	id := fmt.Sprint(h.ID)
	maria := Manager{UserID: 1, Name: "Maria", Allowed: true}

	_, _, err = a.HandoffButton(ctx, "x:"+id, maria, "en")
	assert.ErrorIs(t, err, ErrStaleButton)
	_, _, err = a.HandoffButton(ctx, "t:"+id, Manager{UserID: 2}, "en")
	assert.ErrorIs(t, err, ErrNotManager)
	_, _, err = a.HandoffButton(ctx, "t:"+id, maria, "en")
	require.NoError(t, err)
	got, _, err := a.HandoffButton(ctx, "t:"+id, Manager{UserID: 3, Name: "Ivan", Allowed: true}, "en")
	assert.ErrorIs(t, err, store.ErrTaken)
	assert.Equal(t, "Maria", got.TakenName)
	_, _, err = a.HandoffButton(ctx, "t:999", maria, "en")
	assert.ErrorIs(t, err, store.ErrNotFound)
}

// TestRenderStoredReport renders a report decoded from the JSON the store
// keeps, in both languages, and finds it the same as the report before it
// was stored.
func TestRenderStoredReport(t *testing.T) {
	ctx := context.Background()
	a := deskApp(t)
	r, err := a.DB.LatestReport(ctx, 7)
	require.NoError(t, err)
	decoded, facts := r.Verdict, r.Facts
	fresh := eligibility.Evaluate(a.Engine.Catalog, facts, a.now())
	var specs []string
	for _, s := range a.Engine.Catalog.Specializations {
		specs = append(specs, s.ID)
	}
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			got, err := renderRecovered(func() string { return dialogs.RenderReport(decoded, specs, lang) })
			require.NoError(t, err, "a report decoded from its stored JSON must render without the catalogue")
			assert.Equal(t, dialogs.RenderReport(fresh, specs, lang), got)
			assert.NotEmpty(t, got)
		})
	}
}

// renderRecovered runs render, turning a panic into an error.
func renderRecovered(render func() string) (s string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return render(), nil
}
