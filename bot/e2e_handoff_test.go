package bot_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot"
	"specbot/bot/telegramtest"
	"specbot/locales"
)

var mallory = models.User{ID: 99, FirstName: "Mallory", Username: "mallory", LanguageCode: "en"}

// managers is the managers' group as seen from the fake server.
type managers struct {
	t   *testing.T
	h   *harness
	p   *locales.Printer
	srv *telegramtest.Server
}

func (h *harness) managers(t *testing.T) *managers {
	return &managers{t: t, h: h, p: locales.For(h.cfg.ManagersLang), srv: h.srv}
}

func (g *managers) T(id string, kv ...any) string { return g.p.T(id, kv...) }

// cards returns the bot's messages in the managers' chat.
func (g *managers) cards() []telegramtest.Message { return g.srv.Messages(managersChat) }

// posts counts the cards sent (not edited) to the managers' chat; notes
// about a partner are not cards.
func (g *managers) posts() int {
	n := 0
	for _, c := range g.h.calls("sendMessage", managersChat) {
		if c.Code == 0 && strings.HasPrefix(c.Params["text"], "📨") {
			n++
		}
	}
	return n
}

// press presses a card's button as user and returns the toast.
func (g *managers) press(user models.User, card telegramtest.Message, data string) string {
	g.t.Helper()
	before := len(g.h.answered())
	g.srv.PressButton(managersChat, user, card.ID, data)
	g.h.settle()
	answered := g.h.answered()
	require.Len(g.t, answered, before+1, "the press on the card is answered")
	return answered[len(answered)-1].Params["text"]
}

// say sends a text to the managers' chat (or to a private chat) as user.
func (g *managers) say(chat int64, user models.User, text string) {
	g.t.Helper()
	g.srv.SendText(chat, user, text)
	g.h.settle()
}

// requestContact presses the verdict's contact button and sends the
// request, with a comment when one is given; it returns what the partner
// was told.
func (p *partner) requestContact(comment string) telegramtest.Message {
	p.tb.Helper()
	ask := p.pressFor(p.T("button.contact"), p.T("contact.ask_comment"))
	require.NotNil(p.tb, ask.Keyboard)
	if comment == "" {
		return p.pressFor(p.T("button.send_without_comment"), "✅")
	}
	return p.say(comment, "✅")
}

// TestHandoff: a partner's request arrives in the managers' chat as a card
// in the managers' language; a second request within a day edits that
// card; Take, a second Take, Done, and a non-manager's Take.
func TestHandoff(t *testing.T) {
	cases := []struct{ managersLang, partnerLang string }{
		{"ru", "en"},
		{"en", "ru"},
	}
	for _, tc := range cases {
		t.Run("managers_"+tc.managersLang, func(t *testing.T) {
			h := newHarness(t, withManagers(tc.managersLang))
			g := h.managers(t)
			p := h.partner(t, 42, "Alice", tc.partnerLang)
			p.mlCheck("Acme & Co", "100 000")
			p.verdict()

			told := p.requestContact("Please call after 3 pm")
			assert.Equal(t, p.T("contact.sent"), told.Text, "the partner is told the request was sent")
			h.settle()
			require.Equal(t, 1, g.posts(), "one card")
			card := g.cards()[0]
			for _, want := range []string{
				"📨 <b>" + g.T("card.title", "Company", "Acme &amp; Co") + "</b>",
				`<a href="tg://user?id=42">Alice</a> · @alice`,
				g.T("card.language") + ": " + g.T("language.name."+tc.partnerLang),
				g.T("card.comment") + ": <i>Please call after 3 pm</i>",
				g.T("card.state.open"),
				g.T("card.checked_at") + ": 20",
				"❌ <b>ML &amp; AI</b>",
				"<b>" + g.T("card.facts") + "</b>",
				"• ",
			} {
				assert.Contains(t, card.Text, want)
			}
			if tc.managersLang == "ru" {
				assert.Contains(t, card.Text, "не хватает 1 ₽", "the gap in Russian")
			} else {
				assert.Contains(t, card.Text, "₽1 short", "the gap in English")
			}
			take, ok := buttonData(card, g.T("button.take"))
			require.True(t, ok, "a Take button")
			done, ok := buttonData(card, g.T("button.handoff_done"))
			require.True(t, ok, "a Done button")
			// The question that asked for the comment keeps no dead buttons.
			for _, m := range p.find(p.T("contact.ask_comment")[:30]) {
				assert.Nil(t, m.Keyboard, "the contact question keeps its buttons after it was answered")
			}

			// A new check and a second request the same day update the card.
			p.mlCheck("Acme & Co", "150 000")
			p.verdict()
			m := p.mark()
			p.typ("/manager")
			p.pressFor(p.T("button.send_without_comment"), "✅")
			updated := p.changed(m)
			assert.Equal(t, p.T("contact.updated"), updated[len(updated)-1].Text)
			h.settle()
			assert.Equal(t, 1, g.posts(), "no second card: the first one is edited")
			card = g.cards()[0]
			assert.Positive(t, card.Edits)
			assert.Contains(t, card.Text, "✅ <b>ML &amp; AI</b>", "the card shows the new verdict")
			assert.Contains(t, card.Text, "Please call after 3 pm", "the comment stays")
			var notes []string
			for _, m := range g.cards() {
				notes = append(notes, m.Text)
			}
			assert.Contains(t, notes, g.T("note.eligible", "Specs", "ML &amp; AI"), "the managers hear the partner turned eligible")

			// Someone who is not a manager cannot take it.
			edits := card.Edits
			toast := g.press(mallory, card, take)
			assert.Equal(t, g.T("handoff.not_manager"), toast)
			assert.Equal(t, edits, g.cards()[0].Edits, "the card is unchanged")

			// The first manager takes it.
			m = p.mark()
			toast = g.press(maria, card, take)
			assert.Equal(t, g.T("handoff.taken_you"), toast)
			card = g.cards()[0]
			assert.Contains(t, card.Text, g.T("card.state.taken", "Name", "Maria (@maria)"))
			_, ok = buttonData(card, g.T("button.take"))
			assert.False(t, ok, "no Take button once taken")
			_, ok = buttonData(card, g.T("button.handoff_done"))
			assert.True(t, ok, "Done stays")
			told = p.waitText(m, p.T("contact.taken", "Name", "Maria"))
			assert.Contains(t, told.Text, "Maria")

			// A second Take says it is taken, by whom.
			m = p.mark()
			toast = g.press(ivan, card, take)
			assert.Equal(t, g.T("handoff.already_taken", "Name", "Maria (@maria)"), toast)
			assert.Empty(t, p.changed(m), "the partner is not told twice")

			// Done closes it.
			toast = g.press(maria, card, done)
			assert.Equal(t, g.T("handoff.closed"), toast)
			card = g.cards()[0]
			assert.Contains(t, card.Text, g.T("card.state.done"))
			assert.Nil(t, card.Keyboard, "a closed card has no buttons")
			toast = g.press(ivan, card, done)
			assert.Equal(t, g.T("handoff.already_done"), toast)
			toast = g.press(ivan, card, take)
			assert.Equal(t, g.T("handoff.already_done"), toast)

			assert.Equal(t, 1, g.posts(), "one card for the whole story")
			assert.Empty(t, h.refused())
		})
	}
}

func buttonData(m telegramtest.Message, label string) (string, bool) {
	_, d, ok := findButton([]telegramtest.Message{m}, label)
	return d, ok
}

// TestHandoffBeforeAnyCheck: /manager before any check still reaches the
// managers, with a card that says there is no check yet.
func TestHandoffBeforeAnyCheck(t *testing.T) {
	h := newHarness(t, withManagers("ru"))
	g := h.managers(t)
	p := h.partner(t, 42, "Alice", "en")
	p.typ("/start")
	ask := p.say("/manager", p.T("contact.ask_comment"))
	require.NotNil(t, ask.Keyboard)
	told := p.say("Hello, we are new", "✅")
	assert.Equal(t, p.T("contact.sent"), told.Text)
	h.settle()
	require.Equal(t, 1, g.posts())
	card := g.cards()[0]
	assert.Contains(t, card.Text, g.T("card.no_check"))
	assert.Contains(t, card.Text, g.T("card.no_company"))
	assert.Contains(t, card.Text, "Hello, we are new")
}

// TestContactWithoutManagersChat: without a managers' chat the contact
// button sends the partner to its account manager (no SPECBOT_CONTACT), in
// its language, and the configuration gap is logged once.
func TestContactWithoutManagersChat(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			p := h.partner(t, 42, "Alice", lang)
			p.mlCheck("Acme", "150 000")
			p.verdict()
			told := p.pressFor(p.T("button.contact"), p.T("contact.not_configured"))
			assert.Equal(t, p.T("contact.not_configured"), told.Text, "no address the configuration does not give")
			p.say("/manager", p.T("contact.not_configured"))
			h.settle()
			assert.Empty(t, h.srv.Calls("sendDocument"))
			for _, c := range h.srv.Calls("sendMessage") {
				assert.Equal(t, p.chat, c.ChatID(), "nothing is posted anywhere else")
			}
			assert.Equal(t, 1, strings.Count(h.logs.String(), "SPECBOT_MANAGERS_CHAT_ID"), "the gap is logged once")
			assert.Len(t, h.answered(), p.presses)
		})
	}
}

// TestHandoffWaitsOutTooManyRequests: a 429 with retry_after on the card
// is waited out and the card is posted once, not dropped.
func TestHandoffWaitsOutTooManyRequests(t *testing.T) {
	h := newHarness(t, withManagers("ru"))
	g := h.managers(t)
	p := h.partner(t, 42, "Alice", "ru")
	p.mlCheck("Acme", "150 000")
	p.verdict()
	p.pressFor(p.T("button.contact"), p.T("contact.ask_comment"))
	h.settle()

	h.srv.FailNext("sendMessage", 1, 429, 1)
	start := time.Now()
	told := p.pressFor(p.T("button.send_without_comment"), "✅")
	assert.Equal(t, p.T("contact.sent"), told.Text, "the partner is not told it failed")
	h.settle()

	// The card goes out from the group sender, so the 429 falls on the
	// card or on the partner's reply, whichever was sent first; either is
	// waited out and sent once.
	var sends []telegramtest.Call
	for _, c := range h.srv.Calls("sendMessage") {
		if !c.At.Before(start) {
			sends = append(sends, c)
		}
	}
	require.NotEmpty(t, sends)
	assert.Equal(t, 429, sends[0].Code, "the first send is refused")
	for _, c := range sends[1:] {
		if c.ChatID() == sends[0].ChatID() {
			assert.Zero(t, c.Code)
			assert.GreaterOrEqual(t, c.At.Sub(sends[0].At), 900*time.Millisecond, "retry_after was waited out")
			break
		}
	}
	assert.Equal(t, 1, g.posts(), "the card posted once")
	require.Len(t, g.cards(), 1, "exactly one card")
	n, err := h.metric(`specbot_telegram_api_errors_total{code="429",method="sendMessage"}`)
	require.NoError(t, err)
	assert.Equal(t, 1.0, n, "the 429 is counted")
}

// TestManagersGroupIsPaced: cards posted at the same moment are spaced by
// the group interval (Telegram allows about 20 messages a minute in a group).
func TestManagersGroupIsPaced(t *testing.T) {
	const interval = 150 * time.Millisecond
	h := newHarness(t, withManagers("ru"), func(c *bot.Config) { c.GroupInterval = interval })
	var ps []*partner
	for i := range 3 {
		p := h.partner(t, int64(42+i), fmt.Sprintf("P%d", i), "en")
		p.typ("/start")
		p.pressFor(p.T("button.start_check"), p.T("check.question.company"))
		p.say("/manager", p.T("contact.ask_comment"))
		ps = append(ps, p)
	}
	h.settle()
	start := time.Now()
	for _, p := range ps {
		msg, d := p.button(p.T("button.send_without_comment"))
		p.srv.PressButton(p.chat, p.user, msg.ID, d)
	}
	h.settle()
	sends := h.calls("sendMessage", managersChat)
	require.Len(t, sends, 3)
	// The k-th card cannot leave before k-1 intervals have passed (a lower
	// bound only: a slow machine may space them more).
	for i, c := range sends {
		assert.GreaterOrEqual(t, c.At.Sub(start), time.Duration(i)*interval, "card %d", i)
	}
}

// checked runs two partners through checks: Alice (en) eligible for ML & AI,
// Boris (ru) one gap short.
func checked(t *testing.T, h *harness) (alice, boris *partner) {
	t.Helper()
	alice = h.partner(t, 42, "Alice", "en")
	alice.mlCheck("Alpha", "150 000")
	alice.verdict()
	boris = h.partner(t, 43, "Boris", "ru")
	boris.mlCheck("Beta", "100 000")
	boris.verdict()
	h.settle()
	return alice, boris
}

// TestManagerCommands: /stats, /partner and /export work for a manager, in
// the managers' chat and in private, in the managers' language.
func TestManagerCommands(t *testing.T) {
	for _, lang := range []string{"ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, withManagers(lang))
			g := h.managers(t)
			checked(t, h)

			for _, chat := range []int64{managersChat, maria.ID} {
				before := len(g.srv.Messages(chat))
				g.say(chat, maria, "/stats")
				msgs := g.srv.Messages(chat)
				require.Len(t, msgs, before+1, "one answer to /stats in chat %d", chat)
				stats := msgs[len(msgs)-1].Text
				assert.Contains(t, stats, "<b>"+g.T("stats.title")+"</b>")
				assert.Contains(t, stats, g.p.N("stats.checked", 2))
				assert.Contains(t, stats, "<b>ML &amp; AI</b>: "+g.T("stats.line", "Eligible", 1, "Close", 1))
				assert.Contains(t, stats, g.p.N("stats.open_handoffs", 0))
			}

			g.say(managersChat, maria, "/partner 43")
			report := g.cards()[len(g.cards())-1].Text
			assert.Contains(t, report, g.T("card.title", "Company", "Beta"))
			assert.Contains(t, report, g.T("card.state.report"))
			assert.Contains(t, report, "❌ <b>ML &amp; AI</b>")

			g.say(managersChat, ivan, "/partner @alice")
			report = g.cards()[len(g.cards())-1].Text
			assert.Contains(t, report, g.T("card.title", "Company", "Alpha"))
			assert.Contains(t, report, "✅ <b>ML &amp; AI</b>")

			g.say(managersChat, ivan, "/partner @nobody")
			assert.Equal(t, g.T("manager.partner_unknown", "Who", "@nobody"), g.cards()[len(g.cards())-1].Text)
			g.say(managersChat, ivan, "/partner")
			assert.Equal(t, g.T("manager.partner_usage"), g.cards()[len(g.cards())-1].Text)

			g.say(managersChat, maria, "/export")
			docs := h.calls("sendDocument", managersChat)
			require.Len(t, docs, 1)
			assert.Zero(t, docs[0].Code)
			assert.True(t, strings.HasSuffix(docs[0].Params["document"], ".csv"), "a .csv file: %q", docs[0].Params["document"])
			assert.Equal(t, g.T("manager.export_caption"), docs[0].Params["caption"])
			rows := readCSV(t, docs[0].Files["document"])
			require.Len(t, rows, 3, "a header and one row per partner")
			head := rows[0]
			for _, col := range []string{"chat_id", "username", "name", "company", "language", "checked_at", "ml_ai_status", "ml_ai_gaps", "infrastructure_status"} {
				assert.Contains(t, head, col)
			}
			byChat := map[string]map[string]string{}
			for _, row := range rows[1:] {
				require.Len(t, row, len(head))
				rec := map[string]string{}
				for i, col := range head {
					rec[col] = row[i]
				}
				byChat[rec["chat_id"]] = rec
			}
			require.Contains(t, byChat, "42")
			require.Contains(t, byChat, "43")
			assert.Equal(t, map[string]string{"company": "Alpha", "username": "alice", "language": "en", "ml_ai_status": "eligible", "ml_ai_gaps": "0", "infrastructure_status": ""},
				pick(byChat["42"], "company", "username", "language", "ml_ai_status", "ml_ai_gaps", "infrastructure_status"))
			assert.Equal(t, map[string]string{"company": "Beta", "username": "boris", "language": "ru", "ml_ai_status": "not_eligible", "ml_ai_gaps": "1"},
				pick(byChat["43"], "company", "username", "language", "ml_ai_status", "ml_ai_gaps"))
			_, err := time.Parse(time.RFC3339, byChat["42"]["checked_at"])
			assert.NoError(t, err, "checked_at is RFC 3339")
			assert.NotEmpty(t, byChat["43"]["ml_ai_gap_text"], "the gap is spelled out")

			// Filters: only the eligible partner; a bad filter gets the usage.
			g.say(managersChat, maria, "/export spec=ml_ai status=eligible")
			docs = h.calls("sendDocument", managersChat)
			require.Len(t, docs, 2)
			rows = readCSV(t, docs[1].Files["document"])
			require.Len(t, rows, 2, "a header and the eligible partner")
			assert.Equal(t, "42", rows[1][0])
			g.say(managersChat, maria, "/export status=great")
			assert.Equal(t, g.T("manager.export_usage"), g.cards()[len(g.cards())-1].Text)

			// /partner by company name; /pipeline names both partners.
			g.say(managersChat, ivan, "/partner beta")
			assert.Contains(t, g.cards()[len(g.cards())-1].Text, g.T("card.title", "Company", "Beta"))
			g.say(managersChat, ivan, "/pipeline")
			pipeline := g.cards()[len(g.cards())-1].Text
			assert.Contains(t, pipeline, "<b>"+g.T("pipeline.title_today")+"</b>")
			assert.Contains(t, pipeline, g.p.N("pipeline.eligible", 1)+"\n   • Alpha")
			assert.Contains(t, pipeline, g.p.N("pipeline.close", 1)+"\n   • Beta — ")
			assert.Empty(t, h.refused())
		})
	}
}

func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	require.NoError(t, err)
	return rows
}

func pick(m map[string]string, keys ...string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}

// TestManagerCommandsFromPartners: from anyone who is not a manager the
// manager commands are unknown commands and reveal nothing.
func TestManagerCommandsFromPartners(t *testing.T) {
	h := newHarness(t, withManagers("ru"))
	alice, boris := checked(t, h)
	others := map[*partner]string{alice: "Beta", boris: "Alpha"}
	for _, p := range []*partner{alice, boris} {
		for _, cmd := range []string{"/stats", "/export", "/partner 43", "/partner @alice"} {
			m := p.mark()
			name, _, _ := strings.Cut(cmd, " ")
			p.say(cmd, p.T("command.unknown", "Command", name))
			h.settle()
			require.Len(t, p.changed(m), 1, "%s: one reply", cmd)
		}
		for _, msg := range h.srv.Messages(p.chat) {
			assert.NotContains(t, msg.Text, others[p], "nothing about another partner")
			assert.NotContains(t, msg.Text, locales.For("ru").T("stats.title"))
			assert.NotContains(t, msg.Text, locales.For("en").T("stats.title"))
		}
	}
	// A stranger in the managers' group gets nothing at all.
	before := len(h.srv.Messages(managersChat))
	for _, cmd := range []string{"/stats", "/export", "/partner 42"} {
		h.srv.SendText(managersChat, mallory, cmd)
	}
	h.settle()
	assert.Len(t, h.srv.Messages(managersChat), before, "nothing answered to a stranger in the managers' chat")
	assert.Empty(t, h.srv.Calls("sendDocument"), "no export to anyone")
	// And a manager's private chat with the bot is not a partner's dialog.
	assert.False(t, slices.ContainsFunc(h.srv.Calls("sendMessage"), func(c telegramtest.Call) bool { return c.ChatID() == maria.ID }))
}
