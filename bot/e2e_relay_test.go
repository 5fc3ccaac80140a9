package bot_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot"
	"specbot/bot/telegramtest"
)

// relayTopic brings a partner speaking partnerLang to an open request in
// a forum managers' chat speaking managersLang and returns the partner,
// the forum and the partner's topic.
func relayTopic(t *testing.T, h *harness, managersLang, partnerLang string) (*partner, *forum, telegramtest.Topic) {
	t.Helper()
	h.srv.MakeForum(forumChat, "Account managers")
	f := h.forum(t, forumChat)
	alice := h.partner(t, 42, "Alice", partnerLang)
	alice.mlCheck("Acme", "150 000")
	alice.verdict()
	alice.requestContact("")
	h.settle()
	return alice, f, f.topicOf("Acme")
}

// relayedTo counts the partner's messages that are a manager's answer
// containing text (sent as a text or as a caption).
func relayedTo(p *partner, text string) int {
	n := 0
	for _, m := range p.srv.Messages(p.chat) {
		if strings.Contains(m.Text, text) || strings.Contains(m.Caption, text) {
			n++
		}
	}
	return n
}

// topicStarts reports whether the topic's name starts with the state
// label key (in the managers' language) names.
func topicStarts(h *harness, f *forum, thread int, key string, args ...any) bool {
	want := strings.TrimSuffix(f.T(key, args...), " ·")
	tp, _ := h.srv.TopicByID(forumChat, thread)
	return strings.HasPrefix(tp.Name, want)
}

// TestRelayLostAnswerArrivesOnceAfterRestart: a manager answers in the
// partner's topic; the update is done, but the answer never reaches
// Telegram before the bot stops. The next start sends it once, signed, in
// the partner's language, and the topic then waits for the partner. The
// manager's update, delivered again, relays nothing more.
func TestRelayLostAnswerArrivesOnceAfterRestart(t *testing.T) {
	for _, tc := range []struct{ managersLang, partnerLang string }{{"ru", "en"}, {"en", "ru"}} {
		t.Run("partner_"+tc.partnerLang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, withForum(tc.managersLang))
			alice, f, topic := relayTopic(t, h, tc.managersLang, tc.partnerLang)
			f.pressIn(maria, f.cardIn(topic.ThreadID), "button.take")

			loseNextReply(h)
			h.srv.SendTopicText(forumChat, maria, topic.ThreadID, "/r Tomorrow at 10?")
			update := h.srv.LastUpdateID()
			h.settle()
			require.Zero(t, relayedTo(alice, "Tomorrow at 10?"), "the answer is lost")
			require.Equal(t, 1, unsent(t, h), "and kept in the partner's outbox")
			assert.False(t, topicStarts(h, f, topic.ThreadID, "topic.state.waiting", "Name", "Maria"),
				"the topic does not wait for a partner who got nothing")

			h.stop()
			m := alice.mark()
			h.start()
			got := alice.waitText(m, "Tomorrow at 10?")
			assert.Equal(t, alice.T("relay.from_manager", "Name", "Maria", "Text", "Tomorrow at 10?"), got.Text)
			h.settle()
			assert.Equal(t, 1, relayedTo(alice, "Tomorrow at 10?"), "sent once after the restart")
			h.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool {
				return topicStarts(h, f, topic.ThreadID, "topic.state.waiting", "Name", "Maria")
			})
			eventually(t, "marked sent", func() bool { return unsent(t, h) == 0 })

			// Telegram delivers the manager's update again.
			h.stop()
			polls := len(h.srv.Calls("getUpdates"))
			h.start()
			eventually(t, "the new run polls", func() bool { return len(h.srv.Calls("getUpdates")) > polls })
			require.True(t, h.srv.Redeliver(update))
			eventually(t, "the redelivered update recognised", func() bool {
				return strings.Contains(h.logs.String(), "update relayed before; skipped")
			})
			h.settle()
			assert.Equal(t, 1, relayedTo(alice, "Tomorrow at 10?"), "not relayed twice")
		})
	}
}

// TestRelayRedeliveredPhotoIsCopiedOnce: a manager's photo in reply to
// the partner's card reaches the partner; the same update delivered
// again copies nothing more.
func TestRelayRedeliveredPhotoIsCopiedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withForum("en"))
	alice, f, topic := relayTopic(t, h, "en", "ru")
	h.srv.SendUserMessage(telegramtest.UserMessage{ChatID: forumChat, From: maria, ReplyTo: f.cardIn(topic.ThreadID).ID, Photo: true, Caption: "our offer"})
	update := h.srv.LastUpdateID()
	h.settle()
	copies := func() int { return len(h.calls("copyMessage", alice.chat)) }
	require.Equal(t, 1, copies())
	assert.Equal(t, 1, relayedTo(alice, alice.T("relay.from_manager", "Name", "Maria", "Text", "our offer")))

	h.stop()
	polls := len(h.srv.Calls("getUpdates"))
	h.start()
	eventually(t, "the new run polls", func() bool { return len(h.srv.Calls("getUpdates")) > polls })
	require.True(t, h.srv.Redeliver(update))
	eventually(t, "the redelivered update recognised", func() bool {
		return strings.Contains(h.logs.String(), "update relayed before; skipped")
	})
	h.settle()
	assert.Equal(t, 1, copies(), "the photo is not copied twice")
}

// TestRelayLongCaptionTextLostAfterTheFile: a manager's photo with a
// caption too long once signed goes as the file, then the text. The text
// is lost after the file went; after the restart only the text follows,
// once: the partner never gets the file twice.
func TestRelayLongCaptionTextLostAfterTheFile(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, withForum("ru"))
			alice, f, topic := relayTopic(t, h, "ru", lang)
			caption := strings.Repeat("о", 1010) + " end"
			loseNextReply(h)
			h.srv.SendUserMessage(telegramtest.UserMessage{ChatID: forumChat, From: maria, ReplyTo: f.cardIn(topic.ThreadID).ID, Photo: true, Caption: caption})
			h.settle()
			copies := h.calls("copyMessage", alice.chat)
			require.Len(t, copies, 1, "the file went")
			assert.Empty(t, copies[0].Params["caption"], "without a caption too long for Telegram")
			require.Empty(t, alice.find(" end"), "the text is lost")
			require.Equal(t, 1, unsent(t, h))

			h.stop()
			m := alice.mark()
			h.start()
			got := alice.waitText(m, " end")
			assert.Equal(t, alice.T("relay.from_manager", "Name", "Maria", "Text", caption), got.Text)
			h.settle()
			assert.Len(t, h.calls("copyMessage", alice.chat), 1, "the file is not sent again")
			assert.Len(t, alice.find(" end"), 1, "the text once")
			eventually(t, "marked sent", func() bool { return unsent(t, h) == 0 })
		})
	}
}

// TestRelayToABlockedPartnerIsNotRetried: a manager answers a partner who
// blocked the bot. Telegram's refusal is final: the answer is tried once,
// not again on the outbox's timer, and the topic shows the partner
// unreachable, with a note for the managers in their language.
func TestRelayToABlockedPartnerIsNotRetried(t *testing.T) {
	for _, tc := range []struct{ managersLang, partnerLang string }{{"ru", "en"}, {"en", "ru"}} {
		t.Run("managers_"+tc.managersLang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, withForum(tc.managersLang), withRetryEvery(20*time.Millisecond), func(c *bot.Config) { c.OutboxRetry = 20 * time.Millisecond })
			alice, f, topic := relayTopic(t, h, tc.managersLang, tc.partnerLang)

			h.srv.BlockChat(alice.chat)
			h.srv.SendTopicText(forumChat, maria, topic.ThreadID, "/r Are you there?")
			h.settle()
			h.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool {
				return topicStarts(h, f, topic.ThreadID, "topic.state.unreachable")
			})
			var notes []string
			for _, msg := range h.srv.TopicMessages(forumChat, topic.ThreadID) {
				notes = append(notes, msg.Text)
			}
			assert.Contains(t, notes, f.T("note.blocked"))
			time.Sleep(300 * time.Millisecond) // many retry rounds
			h.settle()
			refused := 0
			for _, c := range h.calls("sendMessage", alice.chat) {
				if c.Code == http.StatusForbidden {
					refused++
				}
			}
			assert.Equal(t, 1, refused, "tried once: Telegram's refusal is final")
			eventually(t, "nothing left to retry", func() bool { return unsent(t, h) == 0 })
		})
	}
}
