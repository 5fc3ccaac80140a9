package bot_test

import (
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot"
	"specbot/bot/telegramtest"
)

// forumChat is the managers' forum supergroup of the topic tests.
const forumChat int64 = -1_000_000_000_100

func withForum(lang string) option {
	return func(c *bot.Config) {
		c.ManagersChatID = forumChat
		c.ManagerIDs = []int64{maria.ID, ivan.ID}
		c.ManagersLang = lang
	}
}

// forum is the managers' forum as seen from the fake server.
type forum struct {
	*managers
	chat int64
}

func (h *harness) forum(t *testing.T, chat int64) *forum {
	return &forum{managers: h.managers(t), chat: chat}
}

// topicOf waits for the one topic whose name contains company.
func (f *forum) topicOf(company string) telegramtest.Topic {
	f.t.Helper()
	var got telegramtest.Topic
	f.srv.WaitFor(f.t, waitFor, func([]telegramtest.Call) bool {
		for _, tp := range f.srv.Topics(f.chat) {
			if strings.Contains(tp.Name, company) {
				got = tp
				return true
			}
		}
		return false
	})
	return got
}

// cardIn returns the newest card in a thread (0: the chat itself), not a
// /partner report.
func (f *forum) cardIn(thread int) telegramtest.Message {
	f.t.Helper()
	var card telegramtest.Message
	for _, m := range f.srv.Messages(f.chat) {
		if m.ThreadID == thread && strings.HasPrefix(m.Text, "📨") && !strings.Contains(m.Text, f.T("card.state.report")) {
			card = m
		}
	}
	require.NotZero(f.t, card.ID, "a card in thread %d", thread)
	return card
}

// pressIn presses a card's button in the forum and returns the toast.
func (f *forum) pressIn(user models.User, card telegramtest.Message, label string) string {
	f.t.Helper()
	data, ok := buttonData(card, f.T(label))
	require.True(f.t, ok, "the card has %s", label)
	before := len(f.h.answered())
	f.srv.PressButton(f.chat, user, card.ID, data)
	f.h.settle()
	answered := f.h.answered()
	require.Len(f.t, answered, before+1, "the press is answered")
	return answered[len(answered)-1].Params["text"]
}

// TestForumTopics: in a forum managers' chat each partner gets one topic,
// named after its company, its specializations and the request's state;
// the card opens it; the partner's messages are copied into it and
// managers' replies (and /r) reach the partner signed, while other
// messages stay internal; Done closes it, a new request reopens it; a
// partner who blocked the bot is marked there. Nothing crosses partners.
func TestForumTopics(t *testing.T) {
	for _, tc := range []struct{ managersLang, partnerLang string }{{"ru", "en"}, {"en", "ru"}} {
		t.Run("managers_"+tc.managersLang, func(t *testing.T) {
			h := newHarness(t, withForum(tc.managersLang))
			h.srv.MakeForum(forumChat, "Account managers")
			f := h.forum(t, forumChat)
			alice := h.partner(t, 42, "Alice", tc.partnerLang)
			alice.mlCheck("Acme & Co", "150 000")
			alice.verdict()
			alice.requestContact("Call after 3 pm")
			h.settle()

			topic := f.topicOf("Acme & Co")
			assert.True(t, topic.ByBot)
			assert.True(t, strings.HasPrefix(topic.Name, f.T("topic.state.open")), "the name shows a new request: %q", topic.Name)
			assert.Contains(t, topic.Name, "✅ML & AI", "the name shows the specialization met")
			msgs := h.srv.TopicMessages(forumChat, topic.ThreadID)
			require.NotEmpty(t, msgs)
			card := msgs[0]
			assert.Contains(t, card.Text, f.T("card.title", "Company", "Acme &amp; Co"), "the card is the topic's first message")

			// The partner's messages while the request is open go to the topic.
			m := alice.mark()
			h.srv.SendText(alice.chat, alice.user, "Here is our deck")
			alice.waitText(m, alice.T("relay.passed_on"))
			h.srv.SendPhoto(alice.chat, alice.user, "architecture")
			h.srv.SendDocument(alice.chat, alice.user, "plan.pdf", "")
			h.settle()
			var copies []telegramtest.Message
			for _, msg := range h.srv.TopicMessages(forumChat, topic.ThreadID) {
				if msg.Method == "copyMessage" {
					copies = append(copies, msg)
				}
			}
			require.Len(t, copies, 3, "text, photo and document copied into the topic")
			assert.Equal(t, alice.chat, copies[0].CopiedFromChat)
			assert.Len(t, alice.find(alice.T("relay.passed_on")), 3, "each is confirmed to the partner")

			// A second partner has a topic of its own.
			bob := h.partner(t, 43, "Bob", tc.partnerLang)
			bob.mlCheck("Beta LLC", "50 000")
			bob.verdict()
			bob.requestContact("")
			h.settle()
			bobTopic := f.topicOf("Beta LLC")
			require.NotEqual(t, topic.ThreadID, bobTopic.ThreadID)
			assert.Contains(t, bobTopic.Name, "🔸ML & AI", "Bob is one gap away from ML & AI")

			// Take: the topic shows who.
			assert.Equal(t, f.T("handoff.taken_you"), f.pressIn(maria, card, "button.take"))
			tp, _ := h.srv.TopicByID(forumChat, topic.ThreadID)
			assert.Contains(t, tp.Name, "Maria", "the name shows the taker")

			// A second request adds its comment to the card and tells the taker.
			alice.say("/manager", alice.T("contact.ask_comment"))
			alice.say("Also DevOps", "✅")
			h.settle()
			card = h.srv.TopicMessages(forumChat, topic.ThreadID)[0]
			assert.Contains(t, card.Text, "<i>Call after 3 pm\nAlso DevOps</i>", "the comment is added, not replaced")
			var texts []string
			for _, msg := range h.srv.TopicMessages(forumChat, topic.ThreadID) {
				texts = append(texts, msg.Text)
			}
			assert.Contains(t, texts, f.T("note.new_comment", "Name", "Maria", "ID", maria.ID, "Comment", "Also DevOps"))

			// A reply to the bot's message in the topic reaches the partner, signed.
			m, bm := alice.mark(), bob.mark()
			h.srv.ReplyText(forumChat, maria, copies[0].ID, "Thanks, when can we talk?")
			got := alice.waitText(m, "Thanks, when can we talk?")
			assert.Contains(t, got.Text, alice.T("relay.from_manager", "Name", "Maria", "Text", "Thanks, when can we talk?"))
			// /r in the topic too.
			m = alice.mark()
			h.srv.SendTopicText(forumChat, ivan, topic.ThreadID, "/r Tomorrow at 10?")
			got = alice.waitText(m, "Tomorrow at 10?")
			assert.Contains(t, got.Text, "Ivan")
			// Answered, the topic waits for the partner; until it writes.
			waiting := strings.TrimSuffix(f.T("topic.state.waiting", "Name", "Maria"), " ·")
			h.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool {
				tp, _ := h.srv.TopicByID(forumChat, topic.ThreadID)
				return strings.HasPrefix(tp.Name, waiting)
			})
			alice.say("Tomorrow is fine", alice.T("relay.passed_on"))
			h.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool {
				tp, _ := h.srv.TopicByID(forumChat, topic.ThreadID)
				return strings.HasPrefix(tp.Name, "🟢 Maria")
			})
			// A photo in reply reaches the partner, its caption signed.
			m = alice.mark()
			h.srv.SendUserMessage(telegramtest.UserMessage{ChatID: forumChat, From: maria, ReplyTo: copies[0].ID, Photo: true, Caption: "our offer"})
			h.settle()
			var photo telegramtest.Message
			for _, msg := range alice.changed(m) {
				if msg.Method == "copyMessage" {
					photo = msg
				}
			}
			require.NotZero(t, photo.ID, "the photo is copied to the partner")
			assert.Equal(t, alice.T("relay.from_manager", "Name", "Maria", "Text", "our offer"), photo.Caption)

			// A manager's command in the topic is answered there.
			h.srv.SendTopicText(forumChat, ivan, topic.ThreadID, "/partner 42")
			h.settle()
			inTopic := h.srv.TopicMessages(forumChat, topic.ThreadID)
			assert.Contains(t, inTopic[len(inTopic)-1].Text, f.T("card.state.report"), "/partner answered in the topic")

			// Anything else in the topic is an internal note.
			m = alice.mark()
			h.srv.SendTopicText(forumChat, maria, topic.ThreadID, "internal: a big client")
			h.settle()
			assert.Empty(t, alice.changed(m), "a note is not relayed")
			// A reply in Bob's topic reaches Bob only.
			h.srv.ReplyText(forumChat, maria, f.cardIn(bobTopic.ThreadID).ID, "Hello Bob")
			bob.waitText(bm, "Hello Bob")
			h.settle()
			assert.Empty(t, alice.find("Hello Bob"), "nothing from one partner's topic reaches another")
			assert.Empty(t, bob.find("Tomorrow at 10?"))

			// Done: the partner is told, with a button to check again; the
			// topic is closed and named done.
			m = alice.mark()
			card = h.srv.TopicMessages(forumChat, topic.ThreadID)[0]
			assert.Equal(t, f.T("handoff.closed"), f.pressIn(maria, card, "button.handoff_done"))
			told := alice.waitText(m, alice.T("contact.done", "Name", "Maria"))
			_, ok := buttonData(told, alice.T("button.check_again"))
			assert.True(t, ok, "a re-check button")
			tp, _ = h.srv.TopicByID(forumChat, topic.ThreadID)
			assert.True(t, tp.Closed)
			assert.True(t, strings.HasPrefix(tp.Name, f.T("topic.state.done")), "%q", tp.Name)
			assert.Contains(t, h.srv.TopicMessages(forumChat, topic.ThreadID)[0].Text, "Maria (@maria)", "the card says who closed it")

			// After Done a message is not passed on; a new request reopens the topic.
			m = alice.mark()
			h.srv.SendText(alice.chat, alice.user, "/manager")
			alice.waitText(m, alice.T("contact.ask_comment"))
			alice.pressFor(alice.T("button.send_without_comment"), "✅")
			h.settle()
			tp, _ = h.srv.TopicByID(forumChat, topic.ThreadID)
			assert.False(t, tp.Closed, "the topic is reopened")
			assert.Len(t, h.srv.Topics(forumChat), 2, "no new topic for the same partner")
			cards := 0
			for _, msg := range h.srv.TopicMessages(forumChat, topic.ThreadID) {
				if strings.HasPrefix(msg.Text, "📨") && !strings.Contains(msg.Text, f.T("card.state.report")) {
					cards++
				}
			}
			assert.Equal(t, 2, cards, "the new card is in the same topic")

			// A partner who blocked the bot is marked in its topic.
			h.srv.BlockChat(alice.chat)
			h.srv.SendTopicText(forumChat, maria, topic.ThreadID, "/r Are you there?")
			h.settle()
			// The relay goes through the partner's outbox; its refusal then
			// queues the note and the card's edit for the group sender.
			eventually(t, "the card says the partner is unreachable", func() bool {
				return strings.Contains(f.cardIn(topic.ThreadID).Text, f.T("card.unreachable"))
			})
			h.settle()
			var notes []string
			for _, msg := range h.srv.TopicMessages(forumChat, topic.ThreadID) {
				notes = append(notes, msg.Text)
			}
			assert.Contains(t, notes, f.T("note.blocked"))
		})
	}
}

// TestForumWithoutRights: without can_manage_topics (or outside a forum)
// the cards go to the chat itself, the operator is told once in the log
// what right to grant, and replies to the card carry the conversation.
func TestForumWithoutRights(t *testing.T) {
	for _, tc := range []struct{ managersLang, partnerLang string }{{"en", "ru"}, {"ru", "en"}} {
		t.Run("managers_"+tc.managersLang, func(t *testing.T) { testFlatChat(t, tc.managersLang, tc.partnerLang) })
	}
}

func testFlatChat(t *testing.T, managersLang, partnerLang string) {
	h := newHarness(t, withForum(managersLang))
	h.srv.MakeForum(forumChat, "Account managers")
	h.srv.SetCanManageTopics(forumChat, false)
	f := h.forum(t, forumChat)
	alice := h.partner(t, 42, "Alice", partnerLang)
	alice.mlCheck("Acme", "150 000")
	alice.verdict()
	alice.requestContact("")
	bob := h.partner(t, 43, "Bob", "en")
	bob.mlCheck("Beta", "50 000")
	bob.verdict()
	bob.requestContact("")
	h.settle()
	assert.Empty(t, h.srv.Topics(forumChat))
	assert.Equal(t, 1, strings.Count(h.logs.String(), "can_manage_topics"), "the operator is told once")

	var aliceCard telegramtest.Message
	for _, m := range h.srv.Messages(forumChat) {
		if strings.Contains(m.Text, "Acme") {
			aliceCard = m
		}
	}
	require.NotZero(t, aliceCard.ID)
	assert.Zero(t, aliceCard.ThreadID)

	m := alice.mark()
	h.srv.SendPhoto(alice.chat, alice.user, "scan")
	alice.waitText(m, alice.T("relay.passed_on"))
	h.settle()
	var copied telegramtest.Message
	for _, msg := range h.srv.Messages(forumChat) {
		if msg.Method == "copyMessage" {
			copied = msg
		}
	}
	require.NotZero(t, copied.ID, "the photo is copied into the chat")

	m = alice.mark()
	h.srv.ReplyText(forumChat, maria, aliceCard.ID, "Привет!")
	alice.waitText(m, "Привет!")
	h.srv.ReplyText(forumChat, ivan, copied.ID, "Got the scan")
	got := alice.waitText(m, "Got the scan")
	assert.Contains(t, got.Text, alice.T("relay.from_manager", "Name", "Ivan", "Text", "Got the scan"), "signed, in the partner's language")
	h.srv.SendText(forumChat, maria, "lunch?")
	h.settle()
	assert.Empty(t, bob.find("Привет!"))
	assert.Empty(t, bob.find("lunch?"))
	assert.Empty(t, alice.find("lunch?"), "a message that replies to nothing is a note")
	assert.Contains(t, h.srv.Messages(forumChat)[0].Text, f.T("card.title", "Company", "Acme"), "cards in the managers' language")
}
