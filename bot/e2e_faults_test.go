package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"specbot/bot/telegramtest"
)

// The fault tests take things away from a running bot: the disk (every
// write fails, as when it is full or read-only) and the Bot API (5xx
// answers, hanging answers, 429). The partner must be told when the bot
// cannot answer, nothing saved may be lost, nothing may be applied twice,
// and the bot must recover by itself once the fault is gone. They run in
// parallel with each other: most of their time is spent waiting (backoffs,
// hangs, and the webhook handler's 10 s of retries).

// errDiskFull is what SQLite says when the disk is full.
var errDiskFull = errors.New("database or disk is full")

// errReadOnly is what SQLite says when the file became read-only.
var errReadOnly = errors.New("attempt to write a readonly database")

// faultWords are the answers of the DevOps check in each language: partner
// agreement, business plan, verified solutions, consumption, interview.
var faultWords = map[string][]string{
	"en": {"yes", "no", "2", "1.5 mln", "passed"},
	"ru": {"да", "нет", "2", "1,5 млн", "пройдено"},
}

// faultToAgreement plays a DevOps check up to the partner agreement question.
func faultToAgreement(t *testing.T, p *partner) {
	t.Helper()
	p.typ("/start")
	p.play(press(p.T("button.start_check")), typ("Acme"), press("DevOps"))
	q := p.press(p.T("button.done"))
	require.Contains(t, q.Text, questionOf(t, p, "partner_agreement"))
}

// faultAsked counts the messages of the chat asking a fact's question.
func faultAsked(t *testing.T, p *partner, fact string) int {
	t.Helper()
	return p.asked(questionOf(t, p, fact)[:20])
}

// faultFinish answers the last two questions of the DevOps check from the
// consumption question on, says "I don't know" to employees, and returns
// the summary.
func faultFinish(t *testing.T, p *partner, words []string) telegramtest.Message {
	t.Helper()
	p.play(typ(words[3]), typ(words[4]))
	p.press(p.T("button.unknown"))
	summary := p.last()
	require.Contains(t, summary.Text, p.T("summary.title"))
	return summary
}

// faultSummaryHolds checks that the summary holds every answer of the check.
func faultSummaryHolds(t *testing.T, p *partner, summary string) {
	t.Helper()
	for _, want := range []string{
		"<b>Acme</b>", "<b>DevOps</b>",
		"3. " + answerLabel(t, p, "partner_agreement") + ": <b>" + p.T("answer.yes") + "</b>",
		"4. " + answerLabel(t, p, "business_plan") + ": <b>" + p.T("answer.no") + "</b>",
		"5. " + answerLabel(t, p, "verified_solutions") + " · DevOps: <b>2</b>",
		"<b>" + p.p.Money(1_500_000) + "</b>",
		"<b>" + p.labels().passed + "</b>",
	} {
		assert.Contains(t, summary, want)
	}
}

// faultWaitApology waits for an apology sent after m: that the message
// could not be processed (error.apology), or could not be saved and is not
// lost (error.storage).
func faultWaitApology(t *testing.T, p *partner, m mark) telegramtest.Message {
	t.Helper()
	var got telegramtest.Message
	p.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool {
		for _, msg := range p.changed(m) {
			if msg.Text == p.T("error.apology") || msg.Text == p.T("error.storage") {
				got = msg
				return true
			}
		}
		return false
	})
	return got
}

// faultSession returns the stored session of the partner's chat.
func faultSession(t *testing.T, h *harness, p *partner) string {
	t.Helper()
	s, err := h.db.Session(context.Background(), p.chat)
	require.NoError(t, err)
	require.NotNil(t, s)
	data, err := s.Encode()
	require.NoError(t, err)
	return string(data)
}

// TestFaultDiskFullBeforeStoring: the disk fills up (or the file becomes
// read-only) in the middle of a dialog (polling). The partner's next answer
// cannot be stored: the partner is told once, in its language, that the
// message is not lost; Telegram keeps the update (it is not confirmed);
// nothing saved before is lost. Once the disk is back, that answer and the
// one sent after it are applied, once each, at the right questions, and the
// summary holds them.
func TestFaultDiskFullBeforeStoring(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, lang string
		fault      error
	}{
		{"full/en", "en", errDiskFull}, {"read-only/ru", "ru", errReadOnly},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, withManagers("ru"))
			p := h.partner(t, 42, "Alice", tc.lang)
			words := faultWords[tc.lang]
			faultToAgreement(t, p)
			p.typ(words[0])
			h.settle()
			saved := faultSession(t, h, p)

			h.db.SetWriteFault(tc.fault)
			m := p.mark()
			h.srv.SendText(p.chat, p.user, words[1]) // the business plan
			p.waitText(m, p.T("error.storage"))
			// A second answer while the disk is still full: no second apology.
			h.srv.SendText(p.chat, p.user, words[2]) // verified solutions
			time.Sleep(400 * time.Millisecond)
			assert.Len(t, p.find(p.T("error.storage")), 1, "told once")
			assert.Len(t, p.changed(m), 1, "nothing but the apology while the disk is full")
			assert.Equal(t, 2, h.srv.Pending(), "neither answer is confirmed to Telegram")
			assert.Equal(t, saved, faultSession(t, h, p), "the saved dialog is intact")

			h.db.SetWriteFault(nil)
			p.waitText(m, questionOf(t, p, "consumption_rub_year")[:20])
			h.settle()
			for _, fact := range []string{"business_plan", "verified_solutions", "consumption_rub_year"} {
				assert.Equal(t, 1, faultAsked(t, p, fact), "%s asked once", fact)
			}
			assert.Empty(t, p.find("⚠️"), "every answer applied to its own question")
			assert.Empty(t, p.find(p.T("error.apology")))

			faultSummaryHolds(t, p, faultFinish(t, p, words).Text)
			assert.Empty(t, h.refused())
		})
	}
}

// TestFaultDiskFullBeforeApplying: the disk fills up after answers were
// stored but before they are applied (the chats' workers are still busy
// with the previous answers, held by a slow Bot API). Applying them fails:
// each partner gets an apology in its language, the answers stay in the
// inbox, and once the disk is back each is applied once, at the right
// question.
func TestFaultDiskFullBeforeApplying(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withManagers("ru"), withRetryEvery(50*time.Millisecond))
	partners := []*partner{h.partner(t, 42, "Alice", "en"), h.partner(t, 43, "Olga", "ru")}
	marks := map[*partner]mark{}
	saved := map[*partner]string{}
	for _, p := range partners {
		faultToAgreement(t, p)
		p.typ(faultWords[p.p.Lang()][0])
	}
	h.settle()

	h.srv.SetHang("sendMessage", time.Second)
	for _, p := range partners {
		marks[p] = p.mark()
		h.srv.SendText(p.chat, p.user, faultWords[p.p.Lang()][1])
	}
	for _, p := range partners {
		p.waitText(marks[p], questionOf(t, p, "verified_solutions")[:20]) // sent; its answer hangs
		h.srv.SendText(p.chat, p.user, faultWords[p.p.Lang()][2])
	}
	h.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool { return h.srv.Pending() == 0 }) // stored
	h.db.SetWriteFault(errDiskFull)
	h.srv.SetHang("sendMessage", 0)
	for _, p := range partners {
		saved[p] = faultSession(t, h, p)
	}

	apologies := map[*partner]string{}
	for _, p := range partners {
		apologies[p] = faultWaitApology(t, p, marks[p]).Text
	}
	// Retries every 50 ms while the disk is full, ten of them, twice the
	// attempts after which a refused update is dropped: a storage error
	// never drops an answer.
	time.Sleep(500 * time.Millisecond)
	for _, p := range partners {
		assert.Equal(t, saved[p], faultSession(t, h, p), "chat %d: the saved dialog is intact", p.chat)
		assert.Equal(t, 0, faultAsked(t, p, "consumption_rub_year"), "chat %d: not applied while the disk is full", p.chat)
	}

	h.db.SetWriteFault(nil)
	for _, p := range partners {
		p.waitText(marks[p], questionOf(t, p, "consumption_rub_year")[:20])
	}
	h.settle()
	for _, p := range partners {
		for _, fact := range []string{"business_plan", "verified_solutions", "consumption_rub_year"} {
			assert.Equal(t, 1, faultAsked(t, p, fact), "chat %d: %s asked once", p.chat, fact)
		}
		assert.Empty(t, p.find("⚠️"), "chat %d: every answer applied to its own question", p.chat)
		assert.Len(t, p.find(apologies[p]), 1, "chat %d: one apology", p.chat)
		faultSummaryHolds(t, p, faultFinish(t, p, faultWords[p.p.Lang()]).Text)
	}
}

// TestFaultOutageTellsEveryPartner: in polling mode, a second partner who
// writes while the disk is full is told too, in its language, like every
// partner is in webhook mode; and its answer is applied once the disk is
// back.
func TestFaultOutageTellsEveryPartner(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withManagers("ru"))
	alice, olga := h.partner(t, 42, "Alice", "en"), h.partner(t, 43, "Olga", "ru")
	for _, p := range []*partner{alice, olga} {
		faultToAgreement(t, p)
		p.typ(faultWords[p.p.Lang()][0])
	}
	h.settle()

	h.db.SetWriteFault(errDiskFull)
	ma, mo := alice.mark(), olga.mark()
	h.srv.SendText(alice.chat, alice.user, faultWords["en"][1])
	alice.waitText(ma, alice.T("error.storage"))
	h.srv.SendText(olga.chat, olga.user, faultWords["ru"][1])
	told := false
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end) && !told; time.Sleep(10 * time.Millisecond) {
		told = len(olga.find(olga.T("error.storage"))) > 0
	}
	assert.True(t, told, "the second partner is told within 3 s that its message is not lost (%d updates held at Telegram)", h.srv.Pending())

	h.db.SetWriteFault(nil)
	alice.waitText(ma, questionOf(t, alice, "verified_solutions")[:20])
	olga.waitText(mo, questionOf(t, olga, "verified_solutions")[:20])
	h.settle()
	for _, p := range []*partner{alice, olga} {
		assert.Equal(t, 1, faultAsked(t, p, "verified_solutions"), "chat %d: applied once", p.chat)
	}
}

// TestFaultApologyDoesNotAskForACopy: when an answer the bot holds cannot
// be applied because of the disk, the bot applies it by itself once the
// disk is back, so the partner must be told that the message is not lost
// (error.storage), not asked to send it again: a partner who types it
// again answers the next question with it. Here the "2" meant for verified
// solutions would become the yearly consumption, ₽2.
func TestFaultApologyDoesNotAskForACopy(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withManagers("ru"))
	p := h.partner(t, 42, "Alice", "en")
	words := faultWords["en"]
	faultToAgreement(t, p)
	p.typ(words[0])
	h.settle()

	m := p.mark()
	h.srv.SetHang("sendMessage", time.Second)
	h.srv.SendText(p.chat, p.user, words[1])
	p.waitText(m, questionOf(t, p, "verified_solutions")[:20])
	h.srv.SendText(p.chat, p.user, words[2])
	h.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool { return h.srv.Pending() == 0 })
	h.db.SetWriteFault(errDiskFull)
	h.srv.SetHang("sendMessage", 0)
	apology := faultWaitApology(t, p, m)

	h.db.SetWriteFault(nil)
	p.waitText(m, questionOf(t, p, "consumption_rub_year")[:20])
	h.settle()
	assert.Equal(t, p.T("error.storage"), apology.Text, "the partner is told the message is not lost")

	// The partner does what the apology says.
	if strings.Contains(apology.Text, "try again") {
		p.typ(words[2])
		h.settle()
	}
	assert.Contains(t, p.last().Text, questionOf(t, p, "consumption_rub_year")[:20], "still at the consumption question")
	var sess struct {
		Facts map[string]json.RawMessage `json:"facts"`
	}
	require.NoError(t, json.Unmarshal([]byte(faultSession(t, h, p)), &sess))
	assert.Equal(t, `{"devops":2}`, string(sess.Facts["verified_solutions"]))
	assert.NotContains(t, sess.Facts, "consumption_rub_year", "the copy did not become the yearly consumption")
}

// TestFaultDiskFullWebhook: in webhook mode a request that arrives while
// the disk is full is refused with a non-2xx status, so that Telegram keeps
// the update and delivers it again; the partner is told the message is not
// lost. The delivery after the disk is back is applied, and a further
// delivery of the same update (Telegram did not get the 200) is not
// applied again.
func TestFaultDiskFullWebhook(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withManagers("ru"), withWebhook(t))
	p := h.partner(t, 42, "Alice", "en")
	words := faultWords["en"]
	faultToAgreement(t, p)
	p.typ(words[0])
	h.settle()
	saved := faultSession(t, h, p)

	h.db.SetWriteFault(errDiskFull)
	m := p.mark()
	id := h.srv.SendText(p.chat, p.user, words[1])
	start := time.Now()
	err := h.srv.DeliverWebhook(context.Background(), h.webhookURL(), h.cfg.WebhookSecret)
	require.Error(t, err, "refused while the disk is full")
	assert.Contains(t, err.Error(), "503")
	t.Logf("webhook request refused after %v", time.Since(start).Round(time.Millisecond))
	assert.Equal(t, 1, h.srv.Pending(), "Telegram keeps the update")
	p.waitText(m, p.T("error.storage"))
	assert.Equal(t, saved, faultSession(t, h, p), "the saved dialog is intact")

	h.db.SetWriteFault(nil)
	require.NoError(t, h.srv.DeliverWebhook(context.Background(), h.webhookURL(), h.cfg.WebhookSecret))
	p.waitText(m, questionOf(t, p, "verified_solutions")[:20])
	h.settle()

	// The same update once more.
	h.srv.QueueUpdate(models.Update{ID: id, Message: &models.Message{
		ID: 100000, Date: int(time.Now().Unix()), From: &p.user, Text: words[1],
		Chat: models.Chat{ID: p.chat, Type: models.ChatTypePrivate, FirstName: p.user.FirstName},
	}})
	require.NoError(t, h.srv.DeliverWebhook(context.Background(), h.webhookURL(), h.cfg.WebhookSecret))
	h.settle()
	assert.Equal(t, 1, faultAsked(t, p, "business_plan"))
	assert.Equal(t, 1, faultAsked(t, p, "verified_solutions"), "the redelivery is not applied again")
	assert.Empty(t, p.find("⚠️"), "the redelivery did not answer the next question")

	p.typ(words[2])
	faultSummaryHolds(t, p, faultFinish(t, p, words).Text)
	assert.Len(t, p.find(p.T("error.storage")), 1)
}

// faultCalls returns the calls of a method to a chat since a moment.
func faultCalls(h *harness, method string, chatID int64, since time.Time) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range h.srv.Calls(method) {
		if (chatID == 0 || c.ChatID() == chatID) && !c.At.Before(since) {
			out = append(out, c)
		}
	}
	return out
}

func faultCodes(calls []telegramtest.Call) []int {
	out := []int{}
	for _, c := range calls {
		out = append(out, c.Code)
	}
	return out
}

// TestFaultSendMessage5xx: sendMessage answers 500 three times; the bot
// retries with a growing pause and the partner gets the next question once.
func TestFaultSendMessage5xx(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withManagers("ru"))
	p := h.partner(t, 42, "Alice", "en")
	faultToAgreement(t, p)
	h.settle()

	h.srv.FailNext("sendMessage", 3, http.StatusInternalServerError, 0)
	start := time.Now()
	q := p.typ("yes")
	t.Logf("reply after %v", time.Since(start).Round(time.Millisecond))
	assert.Contains(t, q.Text, questionOf(t, p, "business_plan"))
	calls := faultCalls(h, "sendMessage", p.chat, start)
	require.Equal(t, []int{500, 500, 500, 0}, faultCodes(calls))
	// Backoff: 200 ms, 400 ms, 800 ms.
	for i, want := range []time.Duration{200, 400, 800} {
		gap := calls[i+1].At.Sub(calls[i].At)
		assert.GreaterOrEqual(t, gap, want*time.Millisecond*9/10, "pause before attempt %d", i+2)
	}
	h.settle()
	assert.Equal(t, 1, faultAsked(t, p, "business_plan"), "asked once: failed calls leave nothing behind")
	p.play(press(p.T("answer.no")))
	assert.Contains(t, p.last().Text, questionOf(t, p, "verified_solutions")[:20], "the dialog goes on")
}

// TestFaultGetUpdates5xx: getUpdates answers 502 five times; polling backs
// off, recovers, and the answers sent meanwhile are all applied, in order,
// once.
func TestFaultGetUpdates5xx(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withManagers("ru"))
	p := h.partner(t, 42, "Alice", "en")
	faultToAgreement(t, p)
	h.settle()

	start := time.Now()
	h.srv.FailNext("getUpdates", 5, http.StatusBadGateway, 0)
	m := p.mark()
	// The poll in flight takes the first answer; the next five fail, and
	// two more answers are sent meanwhile.
	h.srv.SendText(p.chat, p.user, "yes")
	h.srv.WaitFor(t, waitFor, func([]telegramtest.Call) bool { return len(faultCalls(h, "getUpdates", 0, start)) > 0 })
	for _, text := range []string{"no", "2"} {
		h.srv.SendText(p.chat, p.user, text)
	}
	p.waitText(m, questionOf(t, p, "consumption_rub_year")[:20])
	t.Logf("answers applied %v after polling began to fail", time.Since(start).Round(time.Millisecond))
	h.settle()

	polls := faultCalls(h, "getUpdates", 0, start)
	var failed []telegramtest.Call
	for _, c := range polls {
		if c.Code == http.StatusBadGateway {
			failed = append(failed, c)
		}
	}
	require.Len(t, failed, 5)
	// The library waits 100 ms after the first failure, doubling up to 5 s.
	for i := 1; i < len(failed); i++ {
		want := 100 * time.Millisecond << (i - 1)
		assert.GreaterOrEqual(t, failed[i].At.Sub(failed[i-1].At), want*9/10, "pause before poll %d", i+1)
	}
	for _, fact := range []string{"partner_agreement", "business_plan", "verified_solutions", "consumption_rub_year"} {
		assert.Equal(t, 1, faultAsked(t, p, fact), "%s asked once", fact)
	}
	assert.Empty(t, p.find("⚠️"), "every answer applied to its own question")
	assert.Zero(t, h.srv.Pending())
	p.typ("1.5 mln")
	p.typ("passed")
	p.press(p.T("button.unknown"))
	summary := p.last().Text
	assert.Contains(t, summary, "4. "+answerLabel(t, p, "business_plan")+": <b>No</b>")
	assert.Contains(t, summary, ": <b>2</b>")
}

// TestFaultSendMessageHangs: sendMessage answers only after 3 s. The chat
// whose reply hangs waits (its updates stay in order), another chat is
// served meanwhile, and once the hang is removed replies are quick again.
func TestFaultSendMessageHangs(t *testing.T) {
	t.Parallel()
	const hang = 3 * time.Second
	h := newHarness(t, withManagers("ru"))
	alice := h.partner(t, 42, "Alice", "en")
	bob := h.partner(t, 43, "Bob", "en")
	faultToAgreement(t, alice)
	faultToAgreement(t, bob)
	h.settle()

	h.srv.SetHang("sendMessage", hang)
	start := time.Now()
	ma := alice.mark()
	h.srv.SendText(alice.chat, alice.user, "yes")
	alice.waitText(ma, questionOf(t, alice, "business_plan")) // sent; its answer hangs
	h.srv.SendText(alice.chat, alice.user, "no")              // waits behind it

	mb := bob.mark()
	bobStart := time.Now()
	h.srv.SendText(bob.chat, bob.user, "yes")
	bob.waitText(mb, questionOf(t, bob, "business_plan"))
	bobWait := time.Since(bobStart)
	h.srv.SetHang("sendMessage", 0)
	t.Logf("the other chat was answered after %v while a reply hung for %v", bobWait.Round(time.Millisecond), hang)
	assert.Less(t, bobWait, hang/2, "another chat is not held by the hanging one")

	alice.waitText(ma, questionOf(t, alice, "verified_solutions")[:20])
	aliceWait := time.Since(start)
	t.Logf("the hanging chat's next answer was applied after %v", aliceWait.Round(time.Millisecond))
	assert.GreaterOrEqual(t, aliceWait, hang*9/10, "the chat's next answer waited for its reply")

	// Recovered: replies are quick again.
	for _, p := range []*partner{alice, bob} {
		begin := time.Now()
		if p == alice {
			p.typ("2")
		} else {
			p.press(p.T("answer.no"))
		}
		assert.Less(t, time.Since(begin), time.Second, "chat %d answered quickly after the hang", p.chat)
	}
	h.settle()
	for _, p := range []*partner{alice, bob} {
		for _, fact := range []string{"partner_agreement", "business_plan", "verified_solutions"} {
			assert.Equal(t, 1, faultAsked(t, p, fact), "chat %d: %s asked once (a slow answer is not a failure)", p.chat, fact)
		}
		assert.Empty(t, p.find("⚠️"))
	}
	assert.Empty(t, h.refused())
}

// TestFaultSendMessage429: sendMessage answers 429 with retry_after 1; the
// bot waits a second and sends the reply once.
func TestFaultSendMessage429(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withManagers("ru"))
	p := h.partner(t, 42, "Alice", "en")
	faultToAgreement(t, p)
	h.settle()

	h.srv.FailNext("sendMessage", 1, http.StatusTooManyRequests, 1)
	start := time.Now()
	q := p.typ("yes")
	assert.Contains(t, q.Text, questionOf(t, p, "business_plan"))
	calls := faultCalls(h, "sendMessage", p.chat, start)
	require.Equal(t, []int{429, 0}, faultCodes(calls))
	gap := calls[1].At.Sub(calls[0].At)
	t.Logf("retried %v after the 429", gap.Round(time.Millisecond))
	assert.GreaterOrEqual(t, gap, 950*time.Millisecond, "retry_after waited out")
	assert.Less(t, gap, 3*time.Second)
	h.settle()
	assert.Equal(t, 1, faultAsked(t, p, "business_plan"))
}
