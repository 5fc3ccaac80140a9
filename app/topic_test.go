package app

import (
	"context"
	"encoding/json"
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

const managersChat int64 = -1_000_000_000_100

// notes returns the texts of the notes queued for the managers' chat.
func notes(t *testing.T, a *App) []string {
	t.Helper()
	out, err := a.Unsent(context.Background(), managersChat, 0)
	require.NoError(t, err)
	var texts []string
	for _, o := range out {
		if o.Group != nil && o.Group.Kind == store.PostNote {
			texts = append(texts, o.Group.Text)
		}
	}
	return texts
}

// TestRecheck: a partner that turns eligible is announced; one that gets
// worse is flagged only once its request was taken; the card of a request
// not done is queued to show the new verdict.
func TestRecheck(t *testing.T) {
	ctx := context.Background()
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			a := deskApp(t)
			p := locales.For(lang)
			beta := store.Partner{ChatID: 8, UserID: 80, Username: "oleg", Name: "Oleg", Lang: "en", Company: "Beta"}
			h, err := a.RequestHandoff(ctx, 8, "", lang, managersChat)
			require.NoError(t, err)
			require.NoError(t, a.CardPosted(ctx, &h, managersChat, 50))
			ml := []byte(`{"partner_agreement": true, "business_plan": true, "verified_solutions": {"ml_ai": 1},
				"brand_voice_projects": {"premium": 0, "self_service": 0, "call_center": 1}, "brand_voice_call_center_rub_month": 150000}`)
			a.saveCheck(t, beta, ml)
			queued, err := a.Recheck(ctx, 8, managersChat, lang)
			require.NoError(t, err)
			assert.True(t, queued)
			assert.Contains(t, notes(t, a), p.T("note.eligible", "Specs", "ML &amp; AI"))

			// Worse before the take: no alert.
			worse := []byte(`{"partner_agreement": true, "business_plan": true, "verified_solutions": {"ml_ai": 1},
				"brand_voice_projects": {"premium": 0, "self_service": 0, "call_center": 1}, "brand_voice_call_center_rub_month": 50000}`)
			a.saveCheck(t, beta, worse)
			_, err = a.Recheck(ctx, 8, managersChat, lang)
			require.NoError(t, err)
			alert := p.T("note.worse", "Specs", "ML &amp; AI")
			assert.NotContains(t, notes(t, a), alert)

			_, _, err = a.HandoffButton(ctx, fmt.Sprintf("t:%d", h.ID), Manager{UserID: 5, Name: "Maria", Allowed: true}, lang)
			require.NoError(t, err)
			a.saveCheck(t, beta, ml)
			a.saveCheck(t, beta, worse)
			_, err = a.Recheck(ctx, 8, managersChat, lang)
			require.NoError(t, err)
			assert.Contains(t, notes(t, a), alert, "worse after the take is flagged")
		})
	}
}

// TestRelayNeverCrosses: a manager's message finds its partner by topic or
// by the bot's post it replies to; when the two disagree nothing is sent.
func TestRelayNeverCrosses(t *testing.T) {
	ctx := context.Background()
	a := deskApp(t)
	require.NoError(t, a.SaveTopic(ctx, &store.Topic{ChatID: 7, ManagersChatID: managersChat, ThreadID: 10}))
	require.NoError(t, a.SaveTopic(ctx, &store.Topic{ChatID: 8, ManagersChatID: managersChat, ThreadID: 11}))
	require.NoError(t, a.Posted(ctx, store.GroupPost{ManagersChatID: managersChat, MessageID: 12, ChatID: 7, Kind: store.PostCard}))
	require.NoError(t, a.Posted(ctx, store.GroupPost{ManagersChatID: managersChat, MessageID: 13, ChatID: 8, Kind: store.PostCard}))

	for name, tc := range map[string]struct {
		thread, replyTo int
		want            int64
	}{
		"by topic":         {10, 0, 7},
		"by reply":         {0, 13, 8},
		"both agree":       {11, 13, 8},
		"they disagree":    {10, 13, 0},
		"neither":          {0, 0, 0},
		"unknown topic":    {99, 0, 0},
		"reply to no post": {0, 77, 0},
	} {
		t.Run(name, func(t *testing.T) {
			rel, err := a.RelayTo(ctx, managersChat, tc.thread, tc.replyTo, "Maria (@maria)", "<hi>")
			if tc.want == 0 {
				assert.ErrorIs(t, err, ErrNoPartner)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, rel.Partner.ChatID)
			lang := rel.Partner.Lang
			assert.Equal(t, locales.For(lang).T("relay.from_manager", "Name", "Maria", "Text", "&lt;hi&gt;"), rel.Message.Text)
		})
	}
}

// TestPassOn: a partner's message is queued for the managers only while its
// request is open, and a text only when it answers no question.
func TestPassOn(t *testing.T) {
	ctx := context.Background()
	a := deskApp(t)
	ok, err := a.PassOn(ctx, 7, 100, true, managersChat)
	require.NoError(t, err)
	assert.False(t, ok, "no request, nothing passed on")
	h, err := a.RequestHandoff(ctx, 7, "", "en", managersChat)
	require.NoError(t, err)
	ok, err = a.PassOn(ctx, 7, 101, false, managersChat)
	require.NoError(t, err)
	assert.True(t, ok)
	out, err := a.Unsent(ctx, managersChat, 0)
	require.NoError(t, err)
	last := out[len(out)-1]
	require.NotNil(t, last.Group)
	data, _ := json.Marshal(last.Group)
	assert.JSONEq(t, `{"kind":"copy","partner":7,"message_id":101}`, string(data))
	_, _, err = a.HandoffButton(ctx, fmt.Sprintf("d:%d", h.ID), Manager{UserID: 5, Name: "Maria", Allowed: true}, "en")
	require.NoError(t, err)
	ok, err = a.PassOn(ctx, 7, 102, false, managersChat)
	require.NoError(t, err)
	assert.False(t, ok, "after Done nothing is passed on")
}

// TestGoldenWorkspace pins what the managers' workspace says besides the
// card, per language: topic names through a request's life, the notes
// queued in a topic (a new comment for the taker, a re-check, a nudge, a
// blocked partner, a redaction after /forget), a manager's answer as the
// partner reads it, and the partner's message when its request is closed.
func TestGoldenWorkspace(t *testing.T) {
	ctx := context.Background()
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			a := deskApp(t)
			var sb strings.Builder
			h, err := a.RequestHandoff(ctx, 8, "first", lang, managersChat)
			require.NoError(t, err)
			require.NoError(t, a.CardPosted(ctx, &h, managersChat, 50))
			require.NoError(t, a.Posted(ctx, store.GroupPost{ManagersChatID: managersChat, MessageID: 50, ChatID: 8, Kind: store.PostCard}))
			sb.WriteString("topic: " + h.TopicName + "\n")
			taken, _, err := a.HandoffButton(ctx, fmt.Sprintf("t:%d", h.ID), Manager{UserID: 5, Name: "Maria (@maria)", Allowed: true}, lang)
			require.NoError(t, err)
			sb.WriteString("topic: " + taken.TopicName + "\n")
			again, err := a.RequestHandoff(ctx, 8, "second <b>", lang, managersChat)
			require.NoError(t, err)
			sb.WriteString("comment: " + again.Comment + "\n")
			// A manager's answer reached the partner: the topic waits for
			// the partner, until it writes again.
			require.NoError(t, a.Relayed(ctx, 8, managersChat))
			waiting, err := a.CardOf(ctx, h.ID, lang)
			require.NoError(t, err)
			sb.WriteString("topic: " + waiting.TopicName + "\n")
			passed, err := a.PassOn(ctx, 8, 103, false, managersChat)
			require.NoError(t, err)
			require.True(t, passed)
			answered, err := a.CardOf(ctx, h.ID, lang)
			require.NoError(t, err)
			sb.WriteString("topic: " + answered.TopicName + "\n")
			ml := []byte(`{"partner_agreement": true, "business_plan": true, "verified_solutions": {"ml_ai": 1},
				"brand_voice_projects": {"premium": 0, "self_service": 0, "call_center": 1}, "brand_voice_call_center_rub_month": 150000}`)
			a.saveCheck(t, store.Partner{ChatID: 8, UserID: 80, Username: "oleg", Name: "Oleg", Lang: "en", Company: "Beta"}, ml)
			_, err = a.Recheck(ctx, 8, managersChat, lang)
			require.NoError(t, err)
			require.NoError(t, a.Blocked(ctx, 8, managersChat, lang))
			blocked, err := a.CardOf(ctx, h.ID, lang)
			require.NoError(t, err)
			sb.WriteString("topic: " + blocked.TopicName + "\n")
			rel, err := a.RelayTo(ctx, managersChat, 0, 50, "Maria Ivanova", "Hello & welcome")
			require.NoError(t, err)
			sb.WriteString("to the partner (" + rel.Partner.Lang + "): " + rel.Message.Text + "\n")
			done, _, err := a.HandoffButton(ctx, fmt.Sprintf("d:%d", h.ID), Manager{UserID: 5, Name: "Maria (@maria)", Allowed: true}, lang)
			require.NoError(t, err)
			sb.WriteString("topic: " + done.TopicName + "\n")
			sb.WriteString("closed, to the partner: " + showMessage(dialogs.ContactDone(rel.Partner.Lang, "Maria")))
			open, err := a.RequestHandoff(ctx, 7, "", lang, managersChat)
			require.NoError(t, err)
			require.NoError(t, a.CardPosted(ctx, &open, managersChat, 60))
			require.NoError(t, a.Posted(ctx, store.GroupPost{ManagersChatID: managersChat, MessageID: 60, ChatID: 7, Kind: store.PostCard}))
			rel, err = a.RelayTo(ctx, managersChat, 0, 60, "Maria Ivanova", "Добрый день!")
			require.NoError(t, err)
			sb.WriteString("to the partner (" + rel.Partner.Lang + "): " + rel.Message.Text + "\n")
			require.NoError(t, a.SaveTopic(ctx, &store.Topic{ChatID: 8, ManagersChatID: managersChat, ThreadID: 49}))
			_, err = a.Nudge(ctx, managersChat, a.now().Add(time.Hour), lang)
			require.NoError(t, err)
			require.NoError(t, a.DB.Forget(ctx, 8))
			_, err = a.ForgetInManagers(ctx, 8, managersChat, lang)
			require.NoError(t, err)
			out, err := a.Unsent(ctx, managersChat, 0)
			require.NoError(t, err)
			for _, o := range out {
				if g := o.Group; g != nil {
					fmt.Fprintf(&sb, "%s: %s\n", g.Kind, g.Text)
				}
			}
			golden(t, "workspace."+lang+".golden", sb.String())
		})
	}
}
