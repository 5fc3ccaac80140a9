package bot_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
)

// TestCompanyDesk: two members of one company who both ask for a manager
// reach the managers as one company: one topic, one card that lists both
// members and who asked each request, the second member last. A manager's
// /r in the topic reaches the member who asked last; a reply to a copy of
// the other member's message (the copy says whose it is) reaches that
// member; /partner by either member shows the company with both. The
// member who asked last forgets itself: the topic stays open, the other
// member's copy stays, only its own is deleted, the card no longer lists
// it, and the managers' answers reach the remaining member.
func TestCompanyDesk(t *testing.T) {
	for _, tc := range []struct{ managers, olga, petr string }{{"en", "ru", "en"}, {"ru", "en", "ru"}} {
		t.Run("managers_"+tc.managers, func(t *testing.T) {
			h := newHarness(t, withForum(tc.managers))
			h.srv.MakeForum(forumChat, "Account managers")
			f := h.forum(t, forumChat)
			olga := h.partner(t, 701, "Olga", tc.olga)
			petr := h.partner(t, 702, "Petr", tc.petr)
			olga.mlCheck("Acme & Co", "150 000")
			olga.verdict()
			token, _ := olga.invite()
			petr.open(token, "Olga")
			petr.pressFor(petr.T("button.join"), petr.T("company.joined", "Company", "Acme &amp; Co"))

			olga.requestContact("Call after 3 pm")
			h.settle()
			topic := f.topicOf("Acme & Co")
			petr.say("/manager", petr.T("contact.ask_comment"))
			told := petr.say("Need a quote", "✅")
			assert.Equal(t, petr.T("contact.updated"), told.Text, "the company's open request is updated")
			h.settle()

			require.Len(t, h.srv.Topics(forumChat), 1, "one topic for the company")
			cards := 0
			for _, m := range h.srv.TopicMessages(forumChat, topic.ThreadID) {
				if strings.HasPrefix(m.Text, "📨") {
					cards++
				}
			}
			assert.Equal(t, 1, cards, "one card for the company")
			card := f.cardIn(topic.ThreadID)
			for _, want := range []string{
				f.T("card.members") + ":",
				`<a href="tg://user?id=701">Olga</a> · @olga — ` + f.T("card.role.owner") + ", " + f.T("language.name."+tc.olga),
				`<a href="tg://user?id=702">Petr</a> · @petr — ` + f.T("card.role.member") + ", " + f.T("language.name."+tc.petr),
				f.T("card.asked_by", "Name", "Olga") + ": <i>Call after 3 pm</i>",
				f.T("card.asked_by", "Name", "Petr") + ": <i>Need a quote</i>",
				f.T("card.contact") + `: <a href="tg://user?id=702">Petr</a> · @petr`,
			} {
				assert.Contains(t, card.Text, want)
			}
			assert.Less(t, strings.Index(card.Text, f.T("card.asked_by", "Name", "Olga")), strings.Index(card.Text, f.T("card.asked_by", "Name", "Petr")),
				"the requests in the order they came")

			// /r in the topic reaches Petr, who asked last, and not Olga.
			om, pm := olga.mark(), petr.mark()
			h.srv.SendTopicText(forumChat, maria, topic.ThreadID, "/r We will send the quote")
			got := petr.waitText(pm, "We will send the quote")
			assert.Contains(t, got.Text, petr.T("relay.from_manager", "Name", "Maria", "Text", "We will send the quote"))
			h.settle()
			assert.Empty(t, olga.changed(om), "the answer reaches the member who asked last only")

			// Olga writes: her copy says whose it is; a reply to it reaches her.
			om = olga.mark()
			h.srv.SendText(olga.chat, olga.user, "Here is our deck")
			olga.waitText(om, olga.T("relay.passed_on"))
			h.settle()
			var copyOf telegramtest.Message
			var before string
			for _, m := range h.srv.TopicMessages(forumChat, topic.ThreadID) {
				if m.Method == "copyMessage" && m.CopiedFromChat == olga.chat {
					copyOf = m
					break
				}
				before = m.Text
			}
			require.NotZero(t, copyOf.ID, "Olga's message is copied into the company's topic")
			assert.Equal(t, f.T("note.from_member", "Name", "Olga (@olga)"), before, "the copy is attributed to Olga")
			om = olga.mark()
			h.srv.ReplyText(forumChat, ivan, copyOf.ID, "Thanks for the deck")
			olga.waitText(om, "Thanks for the deck")
			h.settle()
			assert.Empty(t, petr.find("Thanks for the deck"), "a reply to Olga's copy reaches Olga only")

			// Petr's message too, then /partner by either member.
			pm = petr.mark()
			h.srv.SendText(petr.chat, petr.user, "Our budget is fixed")
			petr.waitText(pm, petr.T("relay.passed_on"))
			h.settle()
			for _, who := range []string{"@petr", "701"} {
				h.srv.SendTopicText(forumChat, ivan, topic.ThreadID, "/partner "+who)
				h.settle()
				in := h.srv.TopicMessages(forumChat, topic.ThreadID)
				report := in[len(in)-1].Text
				assert.Contains(t, report, f.T("card.state.report"), "/partner %s", who)
				assert.Contains(t, report, "@olga — "+f.T("card.role.owner"), "/partner %s", who)
				assert.Contains(t, report, "@petr — "+f.T("card.role.member"), "/partner %s", who)
				assert.Contains(t, report, f.T("card.asked_by", "Name", "Petr"), "/partner %s", who)
			}

			// Petr forgets himself: only his copy goes; the topic stays
			// open; the card forgets him; answers now reach Olga.
			confirm := petr.say("/forget", petr.T("forget.confirm_member"))
			_, yes, ok := findButton([]telegramtest.Message{confirm}, petr.T("button.forget_yes"))
			require.True(t, ok)
			pm = petr.mark()
			petr.pressOn(confirm.ID, yes)
			petr.waitText(pm, petr.T("forget.done_member"))
			h.settle()
			h.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool {
				return !strings.Contains(f.cardIn(topic.ThreadID).Text, "Petr")
			})
			var copies []int64
			for _, m := range h.srv.TopicMessages(forumChat, topic.ThreadID) {
				if m.Method == "copyMessage" {
					copies = append(copies, m.CopiedFromChat)
				}
			}
			assert.Equal(t, []int64{olga.chat}, copies, "Petr's copy is deleted, Olga's stays")
			tp, _ := h.srv.TopicByID(forumChat, topic.ThreadID)
			assert.False(t, tp.Closed, "the company's topic stays open")
			assert.Contains(t, tp.Name, "Acme & Co")
			card = f.cardIn(topic.ThreadID)
			assert.NotContains(t, card.Text, "Need a quote", "Petr's comment goes with him")
			assert.Contains(t, card.Text, "Call after 3 pm")
			om = olga.mark()
			h.srv.SendTopicText(forumChat, maria, topic.ThreadID, "/r Olga, are you there?")
			olga.waitText(om, "Olga, are you there?")
		})
	}
}
