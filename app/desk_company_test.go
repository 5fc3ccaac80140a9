package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/dialogs"
	"specbot/locales"
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
	require.NoError(t, a.DB.EachDeskRow(ctx, true, func(r store.DeskRow) error {
		if r.Handoff != nil {
			all++
		}
		return nil
	}))
	assert.Equal(t, 1, all)
	_, err = a.DB.SaveRequest(ctx, &store.Handoff{ChatID: 10}, "again", a.now().Add(-time.Hour), nil)
	assert.ErrorIs(t, err, store.ErrRequestRaced, "a second open handoff for the company is refused")
}

// TestContactSavedWithTheTurn: a member's request for a manager is saved
// by the turn that asks: the handoff with the member's ask, its card's
// post (and, for a taken request, the note of the new comment in the
// managers' language) for the managers' chat, and the confirmation as the
// last reply of the turn's own batch, in the partner's language. Without
// a managers' chat the partner is told so and nothing is saved.
func TestContactSavedWithTheTurn(t *testing.T) {
	for _, tc := range []struct{ lang, managersLang string }{{"en", "ru"}, {"ru", "en"}} {
		t.Run(tc.lang, func(t *testing.T) {
			ctx := context.Background()
			a := deskApp(t)
			const managers int64 = -1_000_000_000_700
			a.ManagersChat, a.ManagersLang = func() int64 { return managers }, tc.managersLang
			joinCompany(t, a, 7, store.Partner{ChatID: 10, UserID: 100, Username: "vera", Name: "Vera", Lang: tc.lang})
			ask := func(chatID int64, comment string) Turn {
				t.Helper()
				who := Who{ChatID: chatID}
				_, err := a.Handle(ctx, who, dialogs.Input{Command: "manager"}, 0, 0)
				require.NoError(t, err)
				turn, err := a.Handle(ctx, who, dialogs.Input{Text: comment}, 0, 0)
				require.NoError(t, err)
				return turn
			}
			lastReply := func(turn Turn) string {
				t.Helper()
				unsent, err := a.Unsent(ctx, turn.Partner.ChatID, 0)
				require.NoError(t, err)
				for _, o := range unsent {
					if o.ID == turn.OutboxID {
						return o.Messages[len(o.Messages)-1].Text
					}
				}
				t.Fatalf("the turn's batch %d is not stored", turn.OutboxID)
				return ""
			}
			posts := func() []store.Outbound {
				t.Helper()
				os, err := a.DB.PendingOutbound(ctx, managers, 0)
				require.NoError(t, err)
				return os
			}

			turn := ask(10, "call me")
			require.NotNil(t, turn.Handoff)
			assert.False(t, turn.Handoff.Updated)
			assert.Equal(t, dialogs.ContactSent(tc.lang, false).Text, lastReply(turn), "told in the turn's own batch")
			h, err := a.DB.LatestHandoff(ctx, 10)
			require.NoError(t, err)
			assert.Equal(t, turn.Handoff.ID, h.ID)
			assert.Equal(t, int64(10), h.ChatID)
			ps := posts()
			require.Len(t, ps, 1, "the card's post, with the request")
			assert.Equal(t, h.ID, ps[0].HandoffID)

			// The card went out and a manager took it; Anna asks too.
			hh := Handoff{Handoff: h}
			require.NoError(t, a.CardPosted(ctx, &hh, managers, 555))
			_, _, err = a.HandoffButton(ctx, fmt.Sprintf("t:%d", h.ID), Manager{UserID: 500, Name: "Maria (@maria)", Allowed: true}, tc.managersLang)
			require.NoError(t, err)
			turn = ask(7, "me <too>")
			require.NotNil(t, turn.Handoff)
			assert.True(t, turn.Handoff.Updated)
			assert.Equal(t, h.ID, turn.Handoff.ID, "the company's one request")
			assert.Equal(t, dialogs.ContactSent("ru", true).Text, lastReply(turn), "in Anna's language")
			h, err = a.DB.LatestHandoff(ctx, 10)
			require.NoError(t, err)
			assert.Equal(t, int64(7), h.ChatID, "the member who asked last")
			assert.Equal(t, "call me\nme <too>", h.Comment)
			asks, err := a.DB.HandoffAsks(ctx, h.ID)
			require.NoError(t, err)
			assert.Len(t, asks, 2)
			ps = posts()
			require.Len(t, ps, 3, "the card's update and the note of the new comment")
			note := decodeOutbound(ps[2])
			require.NotNil(t, note.Group)
			assert.Equal(t, locales.For(tc.managersLang).T("note.new_comment", "Name", "Maria", "ID", 500, "Comment", "me &lt;too&gt;"), note.Group.Text)

			// No managers' chat: told so, nothing saved.
			a.ManagersChat = func() int64 { return 0 }
			turn = ask(8, "hello")
			assert.Nil(t, turn.Handoff)
			assert.Equal(t, locales.For("en").T("contact.not_configured"), lastReply(turn))
			_, err = a.DB.LatestHandoff(ctx, 8)
			assert.ErrorIs(t, err, store.ErrNotFound)
			assert.Len(t, posts(), 3)
		})
	}
}

// TestCompanyTurnsAskAtOnce: two members whose turns ask for a manager at
// the same moment open one handoff for their company, both asks on it, and
// both are told their request is sent.
func TestCompanyTurnsAskAtOnce(t *testing.T) {
	ctx := context.Background()
	for range 5 {
		a := deskApp(t)
		const managers int64 = -1_000_000_000_800
		a.ManagersChat, a.ManagersLang = func() int64 { return managers }, "en"
		joinCompany(t, a, 7, store.Partner{ChatID: 10, UserID: 100, Username: "vera", Name: "Vera", Lang: "en"})
		for _, chat := range []int64{7, 10} {
			_, err := a.Handle(ctx, Who{ChatID: chat}, dialogs.Input{Command: "manager"}, 0, 0)
			require.NoError(t, err)
		}
		turns := make(chan Turn, 2)
		errs := make(chan error, 2)
		for _, chat := range []int64{7, 10} {
			go func() {
				turn, err := a.Handle(ctx, Who{ChatID: chat}, dialogs.Input{Text: fmt.Sprintf("from %d", chat)}, 0, 0)
				turns <- turn
				errs <- err
			}()
		}
		for range 2 {
			require.NoError(t, <-errs)
			turn := <-turns
			require.NotNil(t, turn.Handoff, "both requests saved")
			msgs := turn.Outcome.Messages
			assert.NotEqual(t, dialogs.ContactFailed(turn.Partner.Lang).Text, msgs[len(msgs)-1].Text)
		}
		n, err := a.DB.CountOpenHandoffs(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		h, err := a.DB.LatestHandoff(ctx, 7)
		require.NoError(t, err)
		asks, err := a.DB.HandoffAsks(ctx, h.ID)
		require.NoError(t, err)
		assert.Len(t, asks, 2, "both requests on the one handoff")
	}
}
