package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/store"
)

// joinCompany makes p a member of owner's company through an invitation.
func joinCompany(t *testing.T, a *App, owner int64, p store.Partner) {
	t.Helper()
	ctx := context.Background()
	hash := fmt.Sprintf("hash-%d", p.ChatID)
	inv, err := a.DB.CreateInvite(ctx, owner, hash, time.Hour)
	require.NoError(t, err)
	_, err = a.DB.OpenInvite(ctx, hash, p.ChatID)
	require.NoError(t, err)
	_, err = a.DB.AcceptInvite(ctx, inv.ID, p)
	require.NoError(t, err)
}

// TestGoldenCompanyDesk pins what the managers read about a company of
// two: Vera joins Anna's Acme and both ask for a manager. The second
// request updates the first (one handoff, one topic), the card lists both
// members and who asked each request; /partner finds the company by a
// member or its name; /export has one row for it, with its members and the
// member who asked last; /pipeline and /stats count it once. A reply to
// the card reaches Vera, who asked last; one to a copy of Anna's message
// reaches Anna.
func TestGoldenCompanyDesk(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			ctx := context.Background()
			a := deskApp(t)
			joinCompany(t, a, 7, store.Partner{ChatID: 10, UserID: 100, Username: "vera", Name: "Vera", Lang: "en"})
			const managersChat = -1_000_000_000_500

			first, err := a.RequestHandoff(ctx, 7, "Please call after 3 pm", lang, managersChat)
			require.NoError(t, err)
			require.NoError(t, a.CardPosted(ctx, &first, managersChat, 50))
			require.NoError(t, a.Posted(ctx, store.GroupPost{ManagersChatID: managersChat, MessageID: 50, ChatID: 7, Kind: store.PostCard}))
			require.NoError(t, a.SaveTopic(ctx, &store.Topic{ChatID: 7, ManagersChatID: managersChat, ThreadID: 49, Name: first.TopicName}))
			second, err := a.RequestHandoff(ctx, 10, "Need a quote", lang, managersChat)
			require.NoError(t, err)
			assert.True(t, second.Updated, "a second member's request updates the company's open one")
			assert.Equal(t, first.ID, second.ID)
			assert.Equal(t, int64(10), second.ChatID, "the handoff is now the member who asked last")
			var card strings.Builder
			card.WriteString("--- asked by Anna\n" + showMessage(first.Card) + "topic: " + first.TopicName + "\n")
			card.WriteString("--- asked by Vera\n" + showMessage(second.Card) + "topic: " + second.TopicName + "\n")
			taken, _, err := a.HandoffButton(ctx, fmt.Sprintf("t:%d", first.ID), Manager{UserID: 5, Name: "Maria (@maria)", Allowed: true}, lang)
			require.NoError(t, err)
			card.WriteString("--- taken\n" + showMessage(taken.Card) + "topic: " + taken.TopicName + "\n")
			golden(t, "company_card."+lang+".golden", card.String())

			// One topic for the company, whichever member.
			topic, err := a.Topic(ctx, 10)
			require.NoError(t, err)
			assert.Equal(t, 49, topic.ThreadID)

			// Anna writes: her copy is attributed to her.
			a.ManagersLang = lang
			passed, err := a.PassOn(ctx, 7, 301, false, managersChat)
			require.NoError(t, err)
			require.True(t, passed)
			out, err := a.Unsent(ctx, managersChat, 0)
			require.NoError(t, err)
			var items []string
			for _, o := range out {
				if g := o.Group; g != nil {
					items = append(items, fmt.Sprintf("%s %d %s", g.Kind, g.Partner, g.Text))
				}
			}
			require.GreaterOrEqual(t, len(items), 2)
			assert.Equal(t, []string{"note 7 " + strings.Replace(noteFrom(lang), "NAME", "Anna Petrova (@anna)", 1), "copy 7 "},
				items[len(items)-2:], "the copy is preceded by whose it is")
			require.NoError(t, a.Posted(ctx, store.GroupPost{ManagersChatID: managersChat, MessageID: 51, ChatID: 7, Kind: store.PostCopy}))

			rel, err := a.RelayTo(ctx, managersChat, 49, 0, "Maria", "Hello")
			require.NoError(t, err)
			assert.Equal(t, int64(10), rel.Partner.ChatID, "/r in the topic reaches the member who asked last")
			rel, err = a.RelayTo(ctx, managersChat, 49, 50, "Maria", "Hello")
			require.NoError(t, err)
			assert.Equal(t, int64(10), rel.Partner.ChatID, "a reply to the card reaches the member who asked last")
			rel, err = a.RelayTo(ctx, managersChat, 49, 51, "Maria", "Hello")
			require.NoError(t, err)
			assert.Equal(t, int64(7), rel.Partner.ChatID, "a reply to Anna's copy reaches Anna")
			assert.Equal(t, "ru", rel.Partner.Lang)

			var partner strings.Builder
			for _, arg := range []string{"@vera", "7", "acme"} {
				text, err := a.PartnerReport(ctx, lang, arg)
				require.NoError(t, err)
				partner.WriteString("--- /partner " + arg + "\n" + text + "\n")
			}
			golden(t, "company_partner."+lang+".golden", partner.String())

			data, err := a.ExportCSV(ctx, ExportFilter{}, lang)
			require.NoError(t, err)
			golden(t, "company_export."+lang+".golden", string(data))
			assert.Equal(t, 1, strings.Count(string(data), "Acme <Cloud>"), "one row for the company")

			stats, err := a.Stats(ctx, lang)
			require.NoError(t, err)
			assert.Contains(t, stats, a.Engine.Catalog.Specializations[0].Name.Get(lang))
			n, err := a.DB.CountOpenHandoffs(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, n, "one open request for the company")
			pipeline, err := a.Pipeline(ctx, lang, "", managersChat)
			require.NoError(t, err)
			assert.NotContains(t, pipeline, "Acme &lt;Cloud&gt;, Acme &lt;Cloud&gt;", "the company is one entry")
		})
	}
}

// noteFrom is the attribution note in lang with NAME for the member.
func noteFrom(lang string) string {
	if lang == "ru" {
		return "✉️ Пишет NAME:"
	}
	return "✉️ NAME writes:"
}

// TestCompanyRequestsAtOnce: two members who ask at the same moment open
// one handoff for their company, with both requests on it.
func TestCompanyRequestsAtOnce(t *testing.T) {
	ctx := context.Background()
	a := deskApp(t)
	joinCompany(t, a, 7, store.Partner{ChatID: 10, UserID: 100, Username: "vera", Name: "Vera", Lang: "en"})
	const managersChat = -1_000_000_000_500
	errs := make(chan error, 2)
	for _, chat := range []int64{7, 10} {
		go func() {
			_, err := a.RequestHandoff(ctx, chat, fmt.Sprintf("from %d", chat), "en", managersChat)
			errs <- err
		}()
	}
	require.NoError(t, <-errs)
	require.NoError(t, <-errs)
	n, err := a.DB.CountOpenHandoffs(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	h, err := a.DB.LatestHandoff(ctx, 7)
	require.NoError(t, err)
	asks, err := a.DB.HandoffAsks(ctx, h.ID)
	require.NoError(t, err)
	assert.Len(t, asks, 2, "both requests on the one handoff")
	var all int
	require.NoError(t, a.DB.EachDeskRow(ctx, func(r store.DeskRow) error {
		if r.Handoff != nil {
			all++
		}
		return nil
	}))
	assert.Equal(t, 1, all)
	_, err = a.DB.SaveRequest(ctx, &store.Handoff{ChatID: 10}, "again", a.now().Add(-time.Hour), nil)
	assert.ErrorIs(t, err, store.ErrRequestRaced, "a second open handoff for the company is refused")
}
