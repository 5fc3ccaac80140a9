package bot_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
)

// TestForgetRedactsTheManagersChat: after /forget, the partner's card and
// the bot's notes in its topic read as redacted, the copies of its messages
// are deleted, its topic is renamed and closed, and /stats and /pipeline no
// longer count it; another partner's topic is untouched.
func TestForgetRedactsTheManagersChat(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, withForum(lang))
			h.srv.MakeForum(forumChat, "Account managers")
			f := h.forum(t, forumChat)
			alice := h.partner(t, 42, "Alice", "ru")
			alice.mlCheck("Acme", "150 000")
			alice.verdict()
			alice.requestContact("call me")
			bob := h.partner(t, 43, "Bob", "en")
			bob.mlCheck("Beta", "150 000")
			bob.verdict()
			bob.requestContact("")
			h.settle()
			topic, bobTopic := f.topicOf("Acme"), f.topicOf("Beta")
			m := alice.mark()
			h.srv.SendPhoto(alice.chat, alice.user, "our diagram")
			alice.waitText(m, alice.T("relay.passed_on"))
			h.settle()
			require.Len(t, h.srv.TopicMessages(forumChat, topic.ThreadID), 2, "the card and the copy")

			confirm := alice.say("/forget", alice.T("forget.confirm"))
			_, yes, ok := findButton([]telegramtest.Message{confirm}, alice.T("button.forget_yes"))
			require.True(t, ok)
			m = alice.mark()
			alice.pressOn(confirm.ID, yes)
			alice.waitText(m, alice.T("forget.done"))
			h.settle()

			// The redaction goes out at the group's pace, the topic last.
			h.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool {
				tp, _ := h.srv.TopicByID(forumChat, topic.ThreadID)
				return tp.Closed
			})
			left := h.srv.TopicMessages(forumChat, topic.ThreadID)
			require.Len(t, left, 1, "the copy is deleted")
			assert.Equal(t, f.T("note.forgotten"), left[0].Text, "the card is redacted")
			assert.Nil(t, left[0].Keyboard)
			tp, _ := h.srv.TopicByID(forumChat, topic.ThreadID)
			assert.True(t, tp.Closed)
			assert.Equal(t, f.T("topic.forgotten"), tp.Name)
			assert.NotContains(t, tp.Name, "Acme")
			other, _ := h.srv.TopicByID(forumChat, bobTopic.ThreadID)
			assert.Contains(t, other.Name, "Beta", "another partner's topic is untouched")

			f.say(forumChat, maria, "/stats")
			f.say(forumChat, maria, "/pipeline")
			msgs := h.srv.Messages(forumChat)
			stats, pipeline := msgs[len(msgs)-2].Text, msgs[len(msgs)-1].Text
			assert.Contains(t, stats, f.p.N("stats.checked", 1), "/stats forgets the partner")
			assert.Contains(t, pipeline, "Beta")
			assert.NotContains(t, pipeline, "Acme", "/pipeline forgets the partner")
			assert.Contains(t, pipeline, "https://t.me/c/100/", "a company links to its topic")
		})
	}
}

// TestManagersGroupUpgraded: when Telegram upgrades the managers' group to
// a supergroup, the bot follows the new id (from the refused post or the
// service message), posts the waiting card there, logs it once, and keeps
// the new id across a restart.
func TestManagersGroupUpgraded(t *testing.T) {
	h := newHarness(t, withManagers("en"))
	alice := h.partner(t, 42, "Alice", "en")
	alice.say("/manager", alice.T("contact.ask_comment"))
	alice.pressFor(alice.T("button.send_without_comment"), "✅")
	h.settle()
	require.Len(t, h.srv.Messages(managersChat), 1)

	to := h.srv.UpgradeGroup(managersChat)
	h.movedGroup = to
	bob := h.partner(t, 43, "Bob", "en")
	bob.say("/manager", bob.T("contact.ask_comment"))
	bob.pressFor(bob.T("button.send_without_comment"), "✅")
	h.settle()
	moved := h.srv.Messages(to)
	require.Len(t, moved, 1, "the card went to the supergroup")
	assert.Contains(t, moved[0].Text, "tg://user?id=43")
	assert.Equal(t, 1, strings.Count(h.logs.String(), "upgraded to a supergroup: following it"), "logged once")

	// The service messages change nothing more.
	h.srv.AnnounceUpgrade(managersChat, maria)
	h.settle()
	assert.Equal(t, 1, strings.Count(h.logs.String(), "upgraded to a supergroup: following it"))

	// A reply to the card in the supergroup reaches Bob.
	m := bob.mark()
	h.srv.ReplyText(to, maria, moved[0].ID, "Hi Bob")
	bob.waitText(m, "Hi Bob")

	h.stop()
	h.start()
	carol := h.partner(t, 44, "Carol", "en")
	carol.say("/manager", carol.T("contact.ask_comment"))
	carol.pressFor(carol.T("button.send_without_comment"), "✅")
	h.settle()
	assert.Len(t, h.srv.Messages(to), 2, "after a restart the bot still posts to the supergroup")
}
