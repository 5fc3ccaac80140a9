package app_test

import (
	"context"
	"html"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/locales"
	"specbot/store"
)

// sheetManagers is the managers' chat of the sheet tests.
const sheetManagers int64 = -1_000_000_000_200

// TestSheetResubmitTellsTheManagers: a partner with a request resubmits
// the sheet and now meets DevOps: the managers get the note the chat's
// check posts, in their language, and the card's sync, stored with the
// sheet in the outbox of their chat; the verdict waits in the partner's.
// Without a request nothing is queued for them.
func TestSheetResubmitTellsTheManagers(t *testing.T) {
	ctx := context.Background()
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			a := newApp(t)
			a.ManagersChat, a.ManagersLang = func() int64 { return sheetManagers }, lang
			short := fullSheet()
			short.Answers["f:consumption_rub_year.devops"] = "100"
			res, err := a.SubmitSheet(ctx, anna, short)
			require.NoError(t, err)
			require.Empty(t, res.Errors)
			assert.False(t, res.Queued, "no request: nothing for the managers")
			assert.NotZero(t, res.OutboxID, "the verdict is stored with the sheet")

			h, err := a.RequestHandoff(ctx, anna.ChatID, "", lang, sheetManagers)
			require.NoError(t, err)
			require.NoError(t, a.CardPosted(ctx, &h, sheetManagers, 50))
			before, err := a.Unsent(ctx, sheetManagers, 0)
			require.NoError(t, err)

			res, err = a.SubmitSheet(ctx, anna, fullSheet())
			require.NoError(t, err)
			assert.True(t, res.Queued)
			after, err := a.Unsent(ctx, sheetManagers, 0)
			require.NoError(t, err)
			var texts []string
			cards := 0
			for _, o := range after[len(before):] {
				assert.Equal(t, h.ID, o.HandoffID)
				if o.Group != nil && o.Group.Kind == store.PostNote {
					texts = append(texts, o.Group.Text)
				} else if o.Group == nil {
					cards++
				}
			}
			var devops string
			for _, s := range a.Engine.Catalog.Specializations {
				if s.ID == "devops" {
					devops = s.Name.Get(lang)
				}
			}
			require.NotEmpty(t, devops)
			require.Len(t, texts, 1)
			assert.Contains(t, texts[0], html.EscapeString(devops))
			prefix, _, _ := strings.Cut(locales.For(lang).T("note.eligible", "Specs", "\x00"), "\x00")
			assert.True(t, strings.HasPrefix(texts[0], prefix), "the chat's note, in the managers' language: %q", texts[0])
			assert.Equal(t, 1, cards, "the card shows the new verdict")

			mine, err := a.Unsent(ctx, anna.ChatID, 0)
			require.NoError(t, err)
			require.Len(t, mine, 2, "both verdicts wait in the partner's outbox until sent")
			assert.Equal(t, res.OutboxID, mine[1].ID)
		})
	}
}
