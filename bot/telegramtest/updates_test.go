package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPollingTextAndButton(t *testing.T) {
	s := NewServer(t, testToken)
	got := newUpdates()
	b := newBot(t, s, bot.WithDefaultHandler(got.handler))
	run(t, b)
	ctx := t.Context()

	id := s.SendText(42, alice, "/start@test_bot now")
	upd := got.next(t)
	assert.Equal(t, id, upd.ID)
	require.NotNil(t, upd.Message)
	assert.Equal(t, "/start@test_bot now", upd.Message.Text)
	assert.Equal(t, alice, *upd.Message.From)
	assert.Equal(t, models.Chat{ID: 42, Type: models.ChatTypePrivate, FirstName: "Alice", Username: "alice"}, upd.Message.Chat)
	assert.Equal(t, []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 15}}, upd.Message.Entities)

	plain := s.SendText(42, alice, "hello")
	upd = got.next(t)
	assert.Equal(t, plain, upd.ID)
	assert.Empty(t, upd.Message.Entities)

	// The bot answers with a keyboard; the user presses a button.
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "Continue?",
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "Yes", CallbackData: "yes"}})})
	require.NoError(t, err)
	last, _ := s.LastMessage(42)
	s.PressButton(42, alice, last.ID, last.Keyboard[0][0].Data)
	upd = got.next(t)
	cq := upd.CallbackQuery
	require.NotNil(t, cq)
	assert.Equal(t, "yes", cq.Data)
	assert.Equal(t, alice, cq.From)
	require.Equal(t, models.MaybeInaccessibleMessageTypeMessage, cq.Message.Type)
	assert.Equal(t, m.ID, cq.Message.Message.ID)
	assert.Equal(t, "Continue?", cq.Message.Message.Text)
	assert.Equal(t, s.BotUser().ID, cq.Message.Message.From.ID)
	assert.Equal(t, "yes", cq.Message.Message.ReplyMarkup.InlineKeyboard[0][0].CallbackData)

	yes, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID, Text: "ok"})
	require.NoError(t, err)
	assert.True(t, yes)

	// A deleted message comes back as inaccessible.
	_, err = b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 42, MessageID: m.ID})
	require.NoError(t, err)
	s.PressButton(42, alice, m.ID, "yes")
	upd = got.next(t)
	require.Equal(t, models.MaybeInaccessibleMessageTypeInaccessibleMessage, upd.CallbackQuery.Message.Type)
	assert.Equal(t, m.ID, upd.CallbackQuery.Message.InaccessibleMessage.MessageID)

	// Everything delivered gets confirmed by the next poll.
	s.WaitFor(t, 5*time.Second, func([]Call) bool { return s.Pending() == 0 })
}

// A bot that replies to every text with a button and edits the message when
// the button is pressed, used by the concurrency test.
func echoHandler(ctx context.Context, b *bot.Bot, upd *models.Update) {
	switch {
	case upd.Message != nil:
		_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: upd.Message.Chat.ID, Text: "echo: " + upd.Message.Text,
			ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "OK", CallbackData: "ok:" + upd.Message.Text}})})
	case upd.CallbackQuery != nil:
		msg := upd.CallbackQuery.Message.Message
		_, _ = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: upd.CallbackQuery.ID})
		_, _ = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: msg.Chat.ID, MessageID: msg.ID, Text: "pressed " + upd.CallbackQuery.Data})
	}
}

func TestConcurrentChats(t *testing.T) {
	s := NewServer(t, testToken)
	run(t, newBot(t, s, bot.WithDefaultHandler(echoHandler), bot.WithNotAsyncHandlers(), bot.WithWorkers(4)))
	const chats = 30
	var wg sync.WaitGroup
	for i := range chats {
		wg.Go(func() {
			chat := int64(1000 + i)
			s.SendText(chat, models.User{ID: chat, FirstName: fmt.Sprint("user", i)}, fmt.Sprint("hi ", i))
		})
	}
	wg.Wait()
	s.WaitFor(t, 10*time.Second, countCalls("sendMessage", chats))

	for i := range chats {
		wg.Go(func() {
			chat := int64(1000 + i)
			m, found := s.LastMessage(chat)
			if assert.True(t, found) {
				s.PressButton(chat, models.User{ID: chat}, m.ID, m.Keyboard[0][0].Data)
			}
		})
	}
	wg.Wait()
	s.WaitFor(t, 10*time.Second, countCalls("editMessageText", chats))
	for i := range chats {
		msgs := s.Messages(int64(1000 + i))
		require.Len(t, msgs, 1)
		assert.Equal(t, fmt.Sprintf("pressed ok:hi %d", i), msgs[0].Text)
		assert.Equal(t, 1, msgs[0].Edits)
		assert.Nil(t, msgs[0].Keyboard)
	}
	assert.Len(t, s.Calls("answerCallbackQuery"), chats)
	for _, c := range s.Calls() {
		assert.Zero(t, c.Code, "%s failed", c.Method)
	}
}

// stallPolls lets the first `pass` getUpdates requests through and holds the
// later ones in the client, as if the bot crashed before confirming.
type stallPolls struct {
	pass int32
	n    atomic.Int32
}

func (sp *stallPolls) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.URL.Path, "/getUpdates") && sp.n.Add(1) > sp.pass {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		<-req.Context().Done()
		return nil, req.Context().Err()
	}
	return http.DefaultTransport.RoundTrip(req)
}

func TestRedeliveryOfUnconfirmedUpdates(t *testing.T) {
	s := NewServer(t, testToken)
	id1 := s.SendText(42, alice, "one")
	id2 := s.SendText(42, alice, "two")

	// Client A reads both updates, then "crashes" before its next getUpdates
	// (the one that would confirm them) reaches the server.
	gotA := newUpdates()
	a := newBot(t, s, bot.WithDefaultHandler(gotA.handler), bot.WithNotAsyncHandlers(),
		bot.WithHTTPClient(time.Minute, &http.Client{Transport: &stallPolls{pass: 1}}))
	stopA := run(t, a)
	assert.Equal(t, id1, gotA.next(t).ID)
	assert.Equal(t, id2, gotA.next(t).ID)
	stopA()
	assert.Equal(t, 2, s.Pending())

	// Client B starts from scratch and gets the same updates again.
	gotB := newUpdates()
	run(t, newBot(t, s, bot.WithDefaultHandler(gotB.handler), bot.WithNotAsyncHandlers(), bot.WithInitialOffset(0)))
	assert.Equal(t, id1, gotB.next(t).ID)
	assert.Equal(t, id2, gotB.next(t).ID)

	// B's next poll confirms them: they are gone for good.
	s.WaitFor(t, 5*time.Second, func([]Call) bool { return s.Pending() == 0 })
	polls := s.inFlight("getUpdates")
	require.Len(t, polls, 1)
	assert.Equal(t, fmt.Sprint(id2+1), polls[0].Params["offset"])
	assert.Zero(t, s.Pending())
}

// inFlight lists calls of method still being processed (long polls).
func (s *Server) inFlight(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.inflight {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func TestGetUpdatesOffsetLimitTimeout(t *testing.T) {
	s := NewServer(t, testToken)
	ctx := t.Context()
	var ids []int64
	for i := range 5 {
		ids = append(ids, s.SendText(42, alice, fmt.Sprint(i)))
	}
	get := func(form url.Values) []int64 {
		_, a, _ := raw(t, ctx, s, testToken, "getUpdates", form)
		return updateIDs(t, a)
	}
	assert.Equal(t, ids, get(nil))
	assert.Equal(t, ids, get(nil), "unconfirmed updates are delivered again")
	assert.Equal(t, ids[:2], get(url.Values{"limit": {"2"}}))
	assert.Equal(t, ids[2:4], get(url.Values{"offset": {fmt.Sprint(ids[2])}, "limit": {"2"}}))
	assert.Equal(t, ids[2:], get(nil), "ids below the offset are forgotten")
	assert.Equal(t, ids[4:], get(url.Values{"offset": {"-1"}}), "negative offset keeps the tail")
	assert.Equal(t, []int64{}, get(url.Values{"offset": {fmt.Sprint(ids[4] + 1)}}))

	// Long poll: returns as soon as an update is queued…
	go func() {
		time.Sleep(100 * time.Millisecond)
		s.QueueUpdate(models.Update{Message: &models.Message{ID: 1, Date: 1, Chat: models.Chat{ID: 42}, Text: "late"}})
	}()
	start := time.Now()
	got := get(url.Values{"offset": {fmt.Sprint(ids[4] + 1)}, "timeout": {"10"}})
	assert.Equal(t, []int64{ids[4] + 1}, got)
	assert.Less(t, time.Since(start), 5*time.Second)

	// …or empty after the timeout…
	start = time.Now()
	assert.Empty(t, get(url.Values{"offset": {fmt.Sprint(ids[4] + 2)}, "timeout": {"1"}}))
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond)

	// …or when the request is cancelled.
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(cctx, http.MethodPost, s.URL()+"/bot"+testToken+"/getUpdates?timeout=30", nil)
	_, err := http.DefaultClient.Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	s.WaitFor(t, 2*time.Second, func([]Call) bool { return len(s.inFlight("getUpdates")) == 0 })
}

func TestGetUpdatesConflicts(t *testing.T) {
	s := NewServer(t, testToken)
	ctx := t.Context()
	first := make(chan apiAnswer)
	go func() {
		_, a, _ := raw(t, ctx, s, testToken, "getUpdates", url.Values{"timeout": {"30"}})
		first <- a
	}()
	s.WaitFor(t, 2*time.Second, func([]Call) bool { return len(s.inFlight("getUpdates")) == 1 })
	_, second, _ := raw(t, ctx, s, testToken, "getUpdates", nil)
	assert.True(t, second.OK)
	a := <-first
	assert.Equal(t, 409, a.ErrorCode)
	assert.Contains(t, a.Description, "terminated by other getUpdates request")

	_, a, _ = raw(t, ctx, s, testToken, "setWebhook", url.Values{"url": {"https://127.0.0.1/x"}})
	require.True(t, a.OK)
	_, a, _ = raw(t, ctx, s, testToken, "getUpdates", nil)
	assert.Equal(t, 409, a.ErrorCode)
	assert.Contains(t, a.Description, "webhook is active")
}

func TestAllowedUpdates(t *testing.T) {
	s := NewServer(t, testToken)
	ctx := t.Context()
	cm := models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{Status: models.ChatMemberTypeMember, User: &alice}}
	member := models.Update{ChatMember: &models.ChatMemberUpdated{Chat: models.Chat{ID: -5}, OldChatMember: cm, NewChatMember: cm}}
	s.QueueUpdate(member)
	text := s.SendText(42, alice, "x")
	_, a, _ := raw(t, ctx, s, testToken, "getUpdates", nil)
	assert.Equal(t, []int64{text}, updateIDs(t, a), "chat_member is not delivered by default")

	member.ID = 100
	assert.Equal(t, int64(100), s.QueueUpdate(member), "explicit ids are kept")
	_, a, _ = raw(t, ctx, s, testToken, "getUpdates", url.Values{"allowed_updates": {`["chat_member"]`}})
	assert.Equal(t, []int64{100}, updateIDs(t, a), "messages are dropped when not allowed")
	assert.Equal(t, int64(101), s.SendText(42, alice, "y"), "ids continue after explicit ones")
}

func TestWaitForFailureDumpsCalls(t *testing.T) {
	s := NewServer(t, testToken)
	b := newBot(t, s)
	_, err := b.SendMessage(t.Context(), &bot.SendMessageParams{ChatID: 42, Text: "hello"})
	require.NoError(t, err)
	fake := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() { // Fatalf would stop the goroutine: run it off the test goroutine
		defer close(done)
		s.WaitFor(fake, 50*time.Millisecond, func([]Call) bool { return false })
	}()
	<-done
	assert.Contains(t, fake.msg, "condition not met within 50ms")
	assert.Contains(t, fake.msg, `sendMessage chat_id="42" text="hello"`)
	assert.Contains(t, fake.msg, "getMe")
}

type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
}

func TestUpdateJSONShape(t *testing.T) {
	s := NewServer(t, testToken)
	s.PressButton(42, alice, 77, "x")
	_, a, _ := raw(t, t.Context(), s, testToken, "getUpdates", nil)
	var ups []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(a.Result, &ups))
	require.Len(t, ups, 1)
	var cq map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(ups[0]["callback_query"], &cq))
	assert.JSONEq(t, `{"chat":{"id":42,"type":"private","first_name":"Alice","username":"alice"},"message_id":77,"date":0}`, string(cq["message"]))
}
