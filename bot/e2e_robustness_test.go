package bot_test

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
)

// toAgreement starts an ML & AI check and stops at the agreement question.
func (p *partner) toAgreement(company string) telegramtest.Message {
	p.tb.Helper()
	p.typ("/start")
	p.play(press(p.T("button.start_check")), typ(company), press("ML & AI"))
	return p.press(p.T("button.done"))
}

// data returns the payload of a message's button.
func data(t testing.TB, m telegramtest.Message, label string) string {
	t.Helper()
	_, d, ok := findButton([]telegramtest.Message{m}, label)
	require.True(t, ok, "no button %q in %.80q", label, m.Text)
	return d
}

// toasts returns the texts of the answered callbacks.
func (h *harness) toasts() []string {
	var out []string
	for _, c := range h.answered() {
		out = append(out, c.Params["text"])
	}
	return out
}

// TestStaleButton: a button of an earlier question gets a friendly answer
// and the current question again, and nothing is recorded from it.
func TestStaleButton(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, withManagers("ru"))
			p := h.partner(t, 42, "Alice", lang)
			agreementQ := questionOf(t, p, "partner_agreement")
			planQ := questionOf(t, p, "business_plan")

			agreement := p.toAgreement("Acme")
			require.Contains(t, agreement.Text, agreementQ)
			no := data(t, agreement, p.T("answer.no"))
			plan := p.press(p.T("answer.yes"))
			require.Contains(t, plan.Text, planQ)

			// The old "No" of the agreement question.
			m := p.mark()
			p.pressOn(agreement.ID, no)
			p.waitText(m, p.T("button.stale_repeat"))
			again := p.waitStep(m)
			assert.Contains(t, again.Text, planQ, "the current question is asked again")
			h.settle()
			assert.Contains(t, h.toasts(), p.T("button.stale"), "the press is answered with a short notice")
			for _, q := range p.find(planQ) {
				if q.ID != again.ID {
					assert.Nil(t, q.Keyboard, "the older copy of the question loses its buttons")
				}
			}

			// The partner goes on; the summary shows what was really answered.
			p.play(press(p.T("answer.yes")), typ("1"), press("0"), press("0"), press("1"), typ("150 000"))
			summary := p.last()
			require.Contains(t, summary.Text, p.T("summary.title"))
			assert.Regexp(t, `3\. [^\n]+: <b>`+p.T("answer.yes")+`</b>`, summary.Text, "the agreement stays Yes")
			verdict := p.verdict()
			assert.Contains(t, verdict.Text, "✅ <b>ML &amp; AI</b>")

			// After the check, an old question's button says the conversation moved on.
			m = p.mark()
			p.pressOn(agreement.ID, no)
			p.waitText(m, p.T("button.stale_idle"))
			h.settle()
			assert.Len(t, h.answered(), p.presses, "every press answered")
		})
	}
}

// TestForgedButtons: payloads the bot never wrote are answered, never crash
// the bot, and record nothing.
func TestForgedButtons(t *testing.T) {
	h := newHarness(t, withManagers("ru"))
	p := h.partner(t, 42, "Alice", "en")
	agreement := p.toAgreement("Acme")
	for _, forged := range []string{"", "x", "9999:y", "-1:y", ":", "1:", strings.Repeat("9", 64), "g:l:de", "g:zzz", "h:t:abc", "h:t:999", "h:z:1"} {
		p.pressOn(agreement.ID, forged)
	}
	h.settle()
	assert.Len(t, h.answered(), p.presses, "every forged press answered")
	// Still at the agreement question.
	plan := p.press(p.T("answer.yes"))
	assert.Contains(t, plan.Text, questionOf(t, p, "business_plan"))
	code, _ := h.get("/healthz")
	assert.Equal(t, 200, code)
}

// TestDoubleTap: the same press delivered twice records one answer.
func TestDoubleTap(t *testing.T) {
	h := newHarness(t, withManagers("ru"))
	p := h.partner(t, 42, "Alice", "ru")
	agreement := p.toAgreement("Acme")
	yes := data(t, agreement, p.T("answer.yes"))
	p.pressOn(agreement.ID, yes)
	p.pressOn(agreement.ID, yes)
	h.settle()

	answered := h.answered()
	assert.Len(t, answered, p.presses, "both presses answered")
	assert.Equal(t, p.T("button.already"), answered[len(answered)-1].Params["text"], "the second tap gets only a notice")
	cur, _, ok := findButton(h.srv.Messages(p.chat), p.T("answer.yes"))
	require.True(t, ok)
	assert.Contains(t, cur.Text, questionOf(t, p, "business_plan"), "the second tap did not answer the next question")
	assert.Equal(t, 1, p.asked(questionOf(t, p, "partner_agreement")), "the agreement question was not asked again")
	assert.Empty(t, p.find(questionOf(t, p, "verified_solutions")[:10]), "nothing skipped ahead")
}

// TestDuplicateUpdateID: an update delivered twice under the same id is
// processed once, in polling and in webhook mode.
func TestDuplicateUpdateID(t *testing.T) {
	for _, mode := range []string{"polling", "webhook"} {
		t.Run(mode, func(t *testing.T) {
			var opts []option
			if mode == "webhook" {
				opts = append(opts, withWebhook(t))
			}
			h := newHarness(t, opts...)
			p := h.partner(t, 42, "Alice", "en")
			u := models.Update{ID: 500, Message: &models.Message{
				ID: 1, From: &p.user, Date: int(time.Now().Unix()), Text: "/help",
				Chat:     models.Chat{ID: p.chat, Type: models.ChatTypePrivate, FirstName: p.user.FirstName},
				Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 5}},
			}}
			h.srv.QueueUpdate(u)
			h.srv.QueueUpdate(u)
			p.deliver()
			h.settle()
			// The same id again, once the first was processed.
			h.srv.QueueUpdate(u)
			p.deliver()
			h.settle()

			assert.Len(t, p.find("/check"), 1, "one answer to /help")
			n, err := h.metric("specbot_updates_handled_total")
			require.NoError(t, err)
			assert.Equal(t, 1.0, n, "handled once")
		})
	}
}

// TestWhatTheBotCannotRead: unknown commands, stickers, photos, voice and
// very long texts get a short helpful reply in the partner's language, and
// a check in progress goes on.
func TestWhatTheBotCannotRead(t *testing.T) {
	cases := []struct {
		name string
		msg  func(p *partner) models.Message
		want func(p *partner) string
	}{
		{"unknown command", func(p *partner) models.Message {
			return models.Message{Text: "/frobnicate now", Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Length: 11}}}
		}, func(p *partner) string { return p.T("command.unknown", "Command", "/frobnicate") }},
		{"sticker", func(p *partner) models.Message {
			return models.Message{Sticker: &models.Sticker{FileID: "s1", FileUniqueID: "u1", Type: "regular", Width: 512, Height: 512}}
		}, func(p *partner) string { return p.T("input.not_text") }},
		{"photo", func(p *partner) models.Message {
			return models.Message{Photo: []models.PhotoSize{{FileID: "p1", FileUniqueID: "u2", Width: 90, Height: 90}}, Caption: "our certificate"}
		}, func(p *partner) string { return p.T("input.not_text") }},
		{"voice", func(p *partner) models.Message {
			return models.Message{Voice: &models.Voice{FileID: "v1", FileUniqueID: "u3", Duration: 7}}
		}, func(p *partner) string { return p.T("input.not_text") }},
		{"5000 characters", func(p *partner) models.Message {
			return models.Message{Text: strings.Repeat("слово ", 833) + "ab"}
		}, func(p *partner) string { return p.T("input.too_long") }},
	}
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, withManagers("ru"))
			p := h.partner(t, 42, "Alice", lang)
			agreement := p.toAgreement("Acme")
			for i, tc := range cases {
				msg := tc.msg(p)
				if tc.name == "5000 characters" {
					require.Len(t, []rune(msg.Text), 5000)
				}
				m := p.mark()
				msg.ID, msg.From, msg.Date = 1000+i, &p.user, int(time.Now().Unix())
				msg.Chat = models.Chat{ID: p.chat, Type: models.ChatTypePrivate, FirstName: p.user.FirstName}
				h.srv.QueueUpdate(models.Update{Message: &msg})
				reply := p.waitText(m, tc.want(p))
				h.settle()
				assert.Len(t, p.changed(m), 1, "%s: one short reply", tc.name)
				assert.Less(t, len([]rune(reply.Text)), 300, "%s: the reply is short", tc.name)
			}
			// The question still stands and the dialog goes on.
			plan := p.press(p.T("answer.yes"))
			assert.Contains(t, plan.Text, questionOf(t, p, "business_plan"))
			assert.Equal(t, agreement.ID, plan.ID, "the answered question became the next one, in place")
			assert.True(t, strings.HasPrefix(plan.Text, "✔️ ") && strings.Contains(plan.Text, ": <b>"+p.T("answer.yes")+"</b>\n\n"), "the answer given stays on top: %q", plan.Text)
			assert.Equal(t, 1, p.asked(questionOf(t, p, "partner_agreement")), "the agreement question was asked once")
			assert.Empty(t, h.refused())
		})
	}
}

// TestHTMLIsEscaped: what a partner types cannot break the bot's HTML.
func TestHTMLIsEscaped(t *testing.T) {
	h := newHarness(t, withManagers("en"))
	p := h.partner(t, 42, "Alice", "en")
	p.typ("/start")
	p.play(press(p.T("button.start_check")), typ(`<b>Evil</b> & "Sons" <script>`), press("ML & AI"), press(p.T("button.done")),
		press(p.T("answer.yes")), press(p.T("answer.yes")), typ("1"), press("0"), press("0"), press("1"), typ("150 000"))
	summary := p.last()
	assert.Contains(t, summary.Text, `&lt;b&gt;Evil&lt;/b&gt; &amp; &#34;Sons&#34; &lt;script&gt;`)
	p.verdict()
	p.pressFor(p.T("button.contact"), p.T("contact.ask_comment"))
	p.say("<i>call me</i> & <u>soon", p.T("contact.sent"))
	h.settle()
	card, ok := h.srv.LastMessage(managersChat)
	require.True(t, ok)
	assert.Contains(t, card.Text, "&lt;i&gt;call me&lt;/i&gt; &amp; &lt;u&gt;soon")
	assert.Empty(t, h.refused(), "the server refused nothing, the HTML included")
}

// longName is an employee name of 100 characters, the most the bot takes.
func longName(i int) string {
	s := fmt.Sprintf("Konstantin %02d Konstantinopolsky-Vasilyevich ", i)
	for len([]rune(s)) < 100 {
		s += "x"
	}
	return s
}

// bigIntegrator runs a check of every specialization that falls short
// everywhere (No, 0, ₽0, Not passed) with a team of long names holding one
// certificate each, and returns the parts of its verdict.
func (p *partner) bigIntegrator(team int) []telegramtest.Message {
	p.tb.Helper()
	p.typ("/start")
	p.play(press(p.T("button.start_check")), typ("Big Integrator"), press(p.T("button.all")))
	employeesQ := questionOf(p.tb, p, "employees")[:20]
	for !strings.Contains(p.last().Text, employeesQ) {
		q := p.last()
		label := q.Keyboard[0][0].Text
		for _, l := range []string{p.T("answer.no"), "Not passed", "Не пройдено"} {
			if _, _, ok := findButton([]telegramtest.Message{q}, l); ok {
				label = l
			}
		}
		p.press(label)
	}
	for i := range team {
		p.typ(longName(i))
		p.press(p.labels().cse)
		p.press(p.T("button.done"))
		if i < team-1 {
			p.press(p.T("button.add_employee"))
		}
	}
	p.press(p.T("button.done"))
	require.Contains(p.tb, p.last().Text, p.T("summary.title"))
	m := p.mark()
	p.verdict()
	// The verdict may come in several messages: wait for its buttons.
	p.srv.WaitFor(p.tb, waitFor, func([]telegramtest.Call) bool {
		_, _, ok := findButton(p.srv.Messages(p.chat), p.T("button.contact"))
		return ok
	})
	var parts []telegramtest.Message
	for _, msg := range p.changed(m) {
		if msg.ID > m.maxID && !strings.Contains(msg.Text, p.T("reminders.ask")) {
			parts = append(parts, msg)
		}
	}
	return parts
}

// TestLongCardAndReport: a big integrator's verdict, its handoff card with
// a long comment, and its report asked by /partner, do not fit one
// Telegram message. Every message fits 4096 UTF-16 units and is accepted, split
// cleanly when it must be, with the buttons on the last part; and taking
// the card shows who took it wherever the card says who has it.
func TestLongCardAndReport(t *testing.T) {
	h := newHarness(t, withManagers("ru"))
	g := h.managers(t)
	p := h.partner(t, 42, "Alice", "en")
	verdict := p.bigIntegrator(6)
	// The partner's own verdict: in clean parts, the buttons with the last.
	// Counted as Telegram counts (the text after HTML parsing), the verdict
	// of all five specializations may fit one message; splitting itself is
	// TestSplitKeepsEveryPartWellFormed's.
	require.NotEmpty(t, verdict)
	for i, m := range verdict {
		assert.LessOrEqual(t, visibleLen(m.Text), 4096, "verdict part %d", i)
		if i < len(verdict)-1 {
			assert.Nil(t, m.Keyboard, "verdict part %d has no buttons", i)
		}
	}
	assert.True(t, strings.HasPrefix(verdict[0].Text, "<b>"+p.T("report.title")+"</b>"))
	whole := ""
	for _, m := range verdict {
		whole += m.Text
	}
	assert.Contains(t, whole, "🗓", "the next window is named")
	_, ok := buttonData(verdict[len(verdict)-1], p.T("button.contact"))
	require.True(t, ok, "the contact button on the last part")

	p.pressFor(p.T("button.contact"), p.T("contact.ask_comment"))
	p.say(strings.Repeat("Please call us <soon> & often. ", 40), "✅")
	h.settle()
	require.Empty(t, h.refused(), "every message accepted")

	card := g.cards()
	require.NotEmpty(t, card)
	for i, m := range card {
		assert.LessOrEqual(t, visibleLen(m.Text), 4096, "part %d", i)
		if i < len(card)-1 {
			assert.Nil(t, m.Keyboard, "part %d has no buttons", i)
		}
	}
	assert.Contains(t, card[0].Text, g.T("card.title", "Company", "Big Integrator"), "the card starts with its title")
	assert.Contains(t, card[0].Text, "&lt;soon&gt; &amp; often", "the comment is escaped")
	last := card[len(card)-1]
	take, ok := buttonData(last, g.T("button.take"))
	require.True(t, ok, "the Take button on the last part")

	// Taken: the card shows who took it, and nowhere that it still waits.
	assert.Equal(t, g.T("handoff.taken_you"), g.press(maria, last, take))
	all := ""
	for _, m := range g.cards() {
		all += m.Text + "\n"
	}
	assert.Contains(t, all, g.T("card.state.taken", "Name", "Maria (@maria)"), "the card shows who took it")
	assert.NotContains(t, all, g.T("card.state.open"), "no part still says the request waits for a manager")

	// The whole report, asked by a manager, comes in clean parts.
	before := len(g.cards())
	g.say(managersChat, maria, "/partner 42")
	report := g.cards()[before:]
	require.GreaterOrEqual(t, len(report), 2, "the long report came in parts")
	total := 0
	for i, m := range report {
		n := visibleLen(m.Text)
		total += n
		assert.LessOrEqual(t, n, 4096, "part %d", i)
	}
	assert.Greater(t, total, 4096)
	assert.Contains(t, report[0].Text, g.T("card.title", "Company", "Big Integrator"))
	assert.Contains(t, report[len(report)-1].Text, "<b>"+g.T("card.facts")+"</b>", "the facts end the report")
	assert.Empty(t, h.refused())
}

// TestCancelLeavesNoDeadButtons: a question left by Cancel (the button or
// /cancel) keeps no answer buttons, which would only say "that button is
// from an earlier question".
func TestCancelLeavesNoDeadButtons(t *testing.T) {
	h := newHarness(t, withManagers("ru"))
	p := h.partner(t, 42, "Alice", "en")
	agreement := p.toAgreement("Acme")
	p.pressFor(p.T("button.cancel"), p.T("check.paused"))
	h.settle()
	assert.Empty(t, answerButtons(p.byID(agreement.ID)), "the question left by Cancel")

	ask := p.say("/manager", p.T("contact.ask_comment"))
	p.pressFor(p.T("button.cancel"), p.T("cancel.done"))
	h.settle()
	assert.Empty(t, answerButtons(p.byID(ask.ID)), "the comment prompt left by Cancel")

	confirm := p.say("/forget", p.T("forget.confirm"))
	p.say("/cancel", p.T("cancel.done"))
	h.settle()
	assert.Empty(t, answerButtons(p.byID(confirm.ID)), "the confirmation left by /cancel")
	assert.Len(t, h.answered(), p.presses)
}

// byID returns the bot's message id as it is now.
func (p *partner) byID(id int) telegramtest.Message {
	p.tb.Helper()
	for _, m := range p.srv.Messages(p.chat) {
		if m.ID == id {
			return m
		}
	}
	p.tb.Fatalf("no message %d", id)
	return telegramtest.Message{}
}

// answerButtons lists a message's buttons that answer one question (their
// payload carries the question's number), as opposed to global ones.
func answerButtons(m telegramtest.Message) []string {
	var out []string
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.Data != "" && b.Data[0] >= '0' && b.Data[0] <= '9' {
				out = append(out, b.Text)
			}
		}
	}
	return out
}

// visibleLen is a message's length as Telegram counts it: UTF-16 units of
// the text after HTML parsing.
func visibleLen(text string) int {
	return len(utf16.Encode([]rune(html.UnescapeString(regexp.MustCompile(`</?[a-z]+[^>]*>`).ReplaceAllString(text, "")))))
}
