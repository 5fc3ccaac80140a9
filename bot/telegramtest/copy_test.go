package telegramtest

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUsersPhotosAndDocuments(t *testing.T) {
	s := NewServer(t, testToken)
	got := newUpdates()
	run(t, newBot(t, s, bot.WithDefaultHandler(got.handler)))

	photo := s.SendPhoto(42, alice, "our certificate")
	m := got.next(t).Message
	assert.Equal(t, photo.ID, m.ID)
	assert.Empty(t, m.Text)
	assert.Equal(t, "our certificate", m.Caption)
	require.Len(t, m.Photo, 2, "Telegram delivers several sizes, the largest last")
	assert.Greater(t, m.Photo[1].Width, m.Photo[0].Width)
	assert.NotEqual(t, m.Photo[0].FileID, m.Photo[1].FileID)

	doc := s.SendDocument(42, alice, "revenue.xlsx", "")
	m = got.next(t).Message
	assert.Equal(t, doc.ID, m.ID)
	require.NotNil(t, m.Document)
	assert.Equal(t, "revenue.xlsx", m.Document.FileName)
	assert.NotEmpty(t, m.Document.FileID)
	assert.Empty(t, m.Caption)

	// The general form: a document posted in a forum topic.
	s.MakeForum(forumID, "Managers")
	thread := s.AddTopic(forumID, manager, "Acme")
	s.SendUserMessage(UserMessage{ChatID: forumID, From: manager, ThreadID: thread, Document: "contract.pdf", Caption: "signed"})
	m = got.next(t).Message
	assert.Equal(t, thread, m.MessageThreadID)
	assert.True(t, m.IsTopicMessage)
	assert.Equal(t, "contract.pdf", m.Document.FileName)
	assert.Equal(t, "signed", m.Caption)
}

func TestCopyMessage(t *testing.T) {
	s := NewServer(t, testToken)
	s.MakeForum(forumID, "Managers")
	b := newBot(t, s)
	ctx := t.Context()
	topic, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: forumID, Name: "Acme"})
	require.NoError(t, err)

	// A partner's photo goes into the partner's topic, with a new caption.
	photo := s.SendPhoto(42, alice, "our certificate")
	id, err := b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID, FromChatID: 42, MessageID: photo.ID,
		Caption: "<b>Alice</b>: our certificate", ParseMode: models.ParseModeHTML})
	require.NoError(t, err)
	require.NotZero(t, id.ID)
	copied := s.TopicMessages(forumID, topic.MessageThreadID)
	require.Len(t, copied, 1)
	c := copied[0]
	assert.Equal(t, id.ID, c.ID)
	assert.Equal(t, "copyMessage", c.Method)
	assert.Equal(t, photo.Photo[1].FileID, c.File, "the copy carries the largest size")
	assert.Equal(t, "<b>Alice</b>: our certificate", c.Caption)
	assert.Equal(t, "HTML", c.ParseMode)
	assert.Equal(t, int64(42), c.CopiedFromChat)
	assert.Equal(t, photo.ID, c.CopiedFromID)
	assert.Equal(t, topic.MessageThreadID, c.ThreadID)

	// A document keeps its caption when none is given.
	doc := s.SendDocument(42, alice, "revenue.xlsx", "2025 figures")
	id, err = b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID, FromChatID: 42, MessageID: doc.ID})
	require.NoError(t, err)
	last, _ := s.LastMessage(forumID)
	assert.Equal(t, id.ID, last.ID)
	assert.Equal(t, doc.Document.FileID, last.File)
	assert.Equal(t, "2025 figures", last.Caption)

	// A text (here a reply to the photo); a caption does not apply to it. The
	// copy's text can be edited like any text message of the bot.
	text := s.ReplyText(42, alice, photo.ID, "please call after 3pm")
	id, err = b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID, FromChatID: 42, MessageID: text.ID, Caption: "ignored"})
	require.NoError(t, err)
	last, _ = s.LastMessage(forumID)
	assert.Equal(t, "please call after 3pm", last.Text)
	assert.Empty(t, last.Caption)
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: forumID, MessageID: id.ID, Text: "edited"})
	require.NoError(t, err)
	_, err = b.EditMessageCaption(ctx, &bot.EditMessageCaptionParams{ChatID: forumID, MessageID: id.ID, Caption: "x"})
	assert.ErrorContains(t, err, "there is no caption in the message to edit")

	// The bot's own message, copied from the topic to the partner, keyboard and all.
	card, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID, Text: "<i>signed</i>, Maria", ParseMode: models.ParseModeHTML})
	require.NoError(t, err)
	id, err = b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: 42, FromChatID: forumID, MessageID: card.ID,
		ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "Re-check", CallbackData: "recheck"}})})
	require.NoError(t, err)
	last, _ = s.LastMessage(42)
	assert.Equal(t, id.ID, last.ID)
	assert.Equal(t, "<i>signed</i>, Maria", last.Text)
	assert.Equal(t, "HTML", last.ParseMode)
	assert.Zero(t, last.ThreadID)
	assert.Equal(t, [][]Button{{{Text: "Re-check", Data: "recheck"}}}, last.Keyboard)

	// A manager's message in the topic goes to the partner.
	answer := s.SendTopicText(forumID, manager, topic.MessageThreadID, "We will call you")
	_, err = b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: 42, FromChatID: forumID, MessageID: answer.ID})
	require.NoError(t, err)
	last, _ = s.LastMessage(42)
	assert.Equal(t, "We will call you", last.Text)

	// Copies into a closed topic need the right to manage topics.
	_, err = b.CloseForumTopic(ctx, &bot.CloseForumTopicParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID})
	require.NoError(t, err)
	s.SetCanManageTopics(forumID, false)
	_, err = b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: forumID, MessageThreadID: topic.MessageThreadID, FromChatID: 42, MessageID: photo.ID})
	require.ErrorIs(t, err, bot.ErrorBadRequest)
	assert.ErrorContains(t, err, "Bad Request: TOPIC_CLOSED")
}

func TestCopyMessageValidation(t *testing.T) {
	s := NewServer(t, testToken)
	s.MakeForum(forumID, "Managers")
	b := newBot(t, s)
	ctx := t.Context()
	topic, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: forumID, Name: "Acme"})
	require.NoError(t, err)
	photo := s.SendPhoto(42, alice, "")
	sent, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: 42, Document: &models.InputFileUpload{Filename: "a.csv", Data: bytes.NewReader([]byte("a"))}})
	require.NoError(t, err)
	_, err = b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 42, MessageID: sent.ID})
	require.NoError(t, err)
	before := len(s.Messages(forumID))

	for name, tc := range map[string]struct {
		params *bot.CopyMessageParams
		want   string
	}{
		"unknown message":       {&bot.CopyMessageParams{ChatID: forumID, FromChatID: 42, MessageID: 99999}, "Bad Request: message to copy not found"},
		"no message id":         {&bot.CopyMessageParams{ChatID: forumID, FromChatID: 42}, "Bad Request: message to copy not found"},
		"message of other chat": {&bot.CopyMessageParams{ChatID: forumID, FromChatID: 43, MessageID: photo.ID}, "Bad Request: message to copy not found"},
		"deleted message":       {&bot.CopyMessageParams{ChatID: forumID, FromChatID: 42, MessageID: sent.ID}, "Bad Request: message to copy not found"},
		"service message":       {&bot.CopyMessageParams{ChatID: 42, FromChatID: forumID, MessageID: topic.MessageThreadID}, "Bad Request: message can't be copied"},
		"bad from_chat_id":      {&bot.CopyMessageParams{ChatID: forumID, FromChatID: "@nobody", MessageID: photo.ID}, "Bad Request: chat not found"},
		"no chat_id":            {&bot.CopyMessageParams{ChatID: "", FromChatID: 42, MessageID: photo.ID}, "Bad Request: chat_id is empty"},
		"unknown thread":        {&bot.CopyMessageParams{ChatID: forumID, MessageThreadID: 99999, FromChatID: 42, MessageID: photo.ID}, "Bad Request: message thread not found"},
		"thread in private":     {&bot.CopyMessageParams{ChatID: 43, MessageThreadID: topic.MessageThreadID, FromChatID: 42, MessageID: photo.ID}, "Bad Request: message thread not found"},
		"caption too long":      {&bot.CopyMessageParams{ChatID: forumID, FromChatID: 42, MessageID: photo.ID, Caption: strings.Repeat("a", 1025)}, "Bad Request: message caption is too long"},
		"caption bad HTML":      {&bot.CopyMessageParams{ChatID: forumID, FromChatID: 42, MessageID: photo.ID, Caption: "<b>x", ParseMode: models.ParseModeHTML}, "Bad Request: can't parse entities"},
		"bad keyboard":          {&bot.CopyMessageParams{ChatID: forumID, FromChatID: 42, MessageID: photo.ID, ReplyMarkup: keyboard([]models.InlineKeyboardButton{{Text: "b", CallbackData: strings.Repeat("d", 65)}})}, "Bad Request: BUTTON_DATA_INVALID"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := b.CopyMessage(ctx, tc.params)
			require.ErrorIs(t, err, bot.ErrorBadRequest)
			assert.ErrorContains(t, err, tc.want)
		})
	}
	assert.Len(t, s.Messages(forumID), before, "refused copies leave nothing")
	assert.Empty(t, s.Messages(43))

	// from_chat_id is required, as any HTTP client can find out.
	status, a, _ := raw(t, ctx, s, testToken, "copyMessage", url.Values{"chat_id": {"42"}, "message_id": {"1"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, `Bad Request: parameter "from_chat_id" is required`, a.Description)

	// A copy to a chat that blocked the bot is refused like any send.
	s.BlockChat(43)
	_, err = b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: 43, FromChatID: 42, MessageID: photo.ID})
	require.ErrorIs(t, err, bot.ErrorForbidden)
}

func TestKeepNoHistoryKeepsNoUserMessages(t *testing.T) {
	s := NewServer(t, testToken)
	s.KeepNoHistory()
	b := newBot(t, s)
	photo := s.SendPhoto(42, alice, "")
	_, err := b.CopyMessage(t.Context(), &bot.CopyMessageParams{ChatID: 43, FromChatID: 42, MessageID: photo.ID})
	assert.ErrorContains(t, err, "message to copy not found", "load runs keep no users' messages")
}
